//! JIT compile time of generated 10 000-line programs: lowering happens
//! outside the timed part; the time is Cranelift translation, optimisation
//! (`opt_level=speed`), register allocation, emission and linking of every
//! function. Target: under 300 ms for 10 000 lines.
//!
//! `cargo bench -p gm-codegen --bench compile`

use std::fmt::Write as _;

use gm_diag::Diagnostics;

fn main() {
    divan::main();
}

const LINES: usize = 10_000;

/// A program of about `lines` lines that uses most of the language: loops,
/// arithmetic, strings, slices, arrays, structs, switch and maps.
fn mixed_program(lines: usize) -> String {
    let mut s =
        String::from("package main\n\ntype Point struct {\n\tX, Y int\n\tName string\n}\n\n");
    let per_func = 44;
    let funcs = lines.div_ceil(per_func).max(1);
    for i in 0..funcs {
        let _ = write!(
            s,
            "func f{i}(a, b int, s string, ps []Point) (int, string) {{
\ttotal := a * {k}
\tm := make(map[int]int)
\tfor j := 0; j < b; j++ {{
\t\tif j%3 == 0 {{
\t\t\ttotal += j * a
\t\t}} else if j%3 == 1 {{
\t\t\ttotal -= j / (a*a + 1)
\t\t}} else {{
\t\t\ttotal ^= j << 2
\t\t}}
\t\tm[j] = total
\t}}
\tfor k, v := range m {{
\t\ttotal += k - v%7
\t}}
\tvar arr [8]int
\tfor idx := range arr {{
\t\tarr[idx] = idx * total
\t}}
\tp := Point{{X: arr[3], Y: arr[5], Name: s}}
\tps = append(ps, p)
\tstr := s + \"-{i}\"
\tswitch total % 4 {{
\tcase 0:
\t\tstr += \"zero\"
\tcase 1, 2:
\t\tstr = str[:len(str)-1]
\tdefault:
\t\ttotal = -total
\t}}
\tfor _, q := range ps {{
\t\ttotal += q.X - q.Y + len(q.Name)
\t}}
\tif len(str) > 3 && str[0] == 'x' {{
\t\ttotal++
\t}}
\tx := float64(total) * 1.5
\ttotal += int(x) % 11
\treturn total, str
}}

",
            k = i + 1
        );
    }
    s.push_str("func main() {\n\tt := 0\n\tvar ps []Point\n");
    for i in 0..funcs {
        let _ = writeln!(s, "\tr{i}, _ := f{i}(t%5+1, 3, \"x\", ps)\n\tt += r{i}");
    }
    s.push_str("\tprintln(t)\n}\n");
    s
}

fn lower(text: &str) -> gm_ir::Program {
    let (ast, errors) = gm_syntax::parse(text);
    assert!(errors.is_empty(), "{errors:?}");
    let mut diags = Diagnostics::new();
    let mut p = gm_types::check(&ast.expect("parses"), &mut diags).expect("type-checks");
    gm_walk::order(&mut p);
    gm_walk::walk(&mut p);
    p
}

fn bench_source(bencher: divan::Bencher, text: &str) {
    bencher
        .counter(divan::counter::ItemsCount::new(text.lines().count()))
        .with_inputs(|| lower(text))
        .bench_local_refs(|program| gm_codegen::compile(program).expect("compiles"));
}

#[divan::bench(sample_count = 10)]
fn jit_10k_lines_mixed(bencher: divan::Bencher) {
    bench_source(bencher, &mixed_program(LINES));
}

#[divan::bench(sample_count = 10)]
fn jit_10k_lines_maps(bencher: divan::Bencher) {
    bench_source(bencher, &gm_fuzzing::large_program(LINES));
}
