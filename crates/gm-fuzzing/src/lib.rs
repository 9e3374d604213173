//! Generators of `.gm` source text: random nested expressions for property
//! tests and fuzzing (the compiler must never panic on them), and large
//! valid map-heavy programs for benchmarks.

use std::fmt::Write as _;

use proptest::prelude::*;

/// Tokens that random expressions are built from: operands, operators and
/// the brackets that nest.
fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x".to_string()),
        Just("m".to_string()),
        Just("s".to_string()),
        Just("1".to_string()),
        Just("2.5".to_string()),
        Just("'a'".to_string()),
        Just("\"k\"".to_string()),
        Just("nil".to_string()),
        Just("true".to_string()),
        Just("len(s)".to_string()),
        Just("m[\"k\"]".to_string()),
        Just("p.f".to_string()),
        (0u64..1 << 40).prop_map(|v| v.to_string()),
    ]
}

/// A random, possibly ill-typed expression nested up to `depth` levels.
pub fn expr(depth: u32) -> impl Strategy<Value = String> {
    atom().prop_recursive(depth, 256, 4, |inner| {
        let ops = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("%"),
            Just("<<"),
            Just(">>"),
            Just("&"),
            Just("|"),
            Just("^"),
            Just("&^"),
            Just("=="),
            Just("!="),
            Just("<"),
            Just("&&"),
            Just("||"),
        ];
        prop_oneof![
            (inner.clone(), ops, inner.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("!{a}")),
            inner.clone().prop_map(|a| format!("^{a}")),
            inner.clone().prop_map(|a| format!("m[{a}]")),
            inner.clone().prop_map(|a| format!("s[{a}:]")),
            inner.clone().prop_map(|a| format!("int({a})")),
            inner.clone().prop_map(|a| format!("[]int{{{a}}}")),
            inner
                .clone()
                .prop_map(|a| format!("map[string]int{{\"k\": {a}}}")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("min({a}, {b})")),
        ]
    })
}

/// A program whose `main` evaluates a random expression.
pub fn program_with(expr: &str) -> String {
    format!(
        "package main\n\ntype P struct{{ f int }}\n\nfunc main() {{\n\tx := 3\n\tm := map[string]int{{}}\n\ts := []int{{1}}\n\tp := &P{{}}\n\t_ = {expr}\n\tprintln(x, len(m), len(s), p.f)\n}}\n"
    )
}

/// A valid, map-heavy program of about `lines` lines: many small functions
/// that build, read, update, range over and delete from maps of several
/// key types.
pub fn large_program(lines: usize) -> String {
    let mut s = String::from("package main\n\ntype Point struct {\n\tx, y int32\n}\n\n");
    let per_func = 24;
    let funcs = lines.div_ceil(per_func).max(1);
    for i in 0..funcs {
        let _ = write!(
            s,
            "func work{i}(n int) int {{
\tcounts := make(map[int]int)
\tnames := map[string]int{{\"a\": {i}, \"b\": 2, \"c\": 3}}
\tpoints := map[Point]bool{{}}
\tfor j := 0; j < n; j++ {{
\t\tcounts[j%7] += j
\t\tnames[\"k\"]++
\t\tpoints[Point{{int32(j), int32(j * 2)}}] = j%2 == 0
\t}}
\ttotal := 0
\tfor k, v := range counts {{
\t\ttotal += k * v
\t}}
\tif v, ok := names[\"a\"]; ok {{
\t\ttotal += v
\t}}
\tdelete(counts, 3)
\tfor p := range points {{
\t\tdelete(points, p)
\t}}
\tclear(names)
\treturn total + len(counts) + len(points)
}}

"
        );
    }
    s.push_str("func main() {\n\tsum := 0\n");
    for i in 0..funcs.min(50) {
        let _ = writeln!(s, "\tsum += work{i}(10)");
    }
    s.push_str("\tprintln(sum)\n}\n");
    s
}
