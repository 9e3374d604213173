//! Compiles small programs and calls their functions directly, checking
//! the tricky parts of code generation against Go's semantics. (Whole
//! programs with their output are tested by `gm test tests/run`.)

use gm_diag::Diagnostics;
use gm_ir::Program;

fn lower(src: &str) -> Program {
    let text = format!("package main\n\n{src}\n\nfunc main() {{}}\n");
    let (ast, errors) = gm_syntax::parse(&text);
    assert!(errors.is_empty(), "{errors:?}");
    let mut diags = Diagnostics::new();
    let program = gm_types::check(&ast.expect("parses"), &mut diags);
    assert!(
        !diags.has_errors(),
        "{:?}",
        diags.iter().collect::<Vec<_>>()
    );
    let mut program = program.expect("type-checks");
    gm_walk::order(&mut program);
    gm_walk::walk(&mut program);
    program
}

/// Compiles `src` and returns the results of its functions `names`, each
/// `func NAME() int`.
fn ints(src: &str, names: &[&str]) -> Vec<i64> {
    let program = lower(src);
    let compiled = gm_codegen::compile(&program).expect("compiles");
    for entry in [compiled.rodata, compiled.init].into_iter().flatten() {
        // SAFETY: package initialisation, a compiled `func()`.
        let f = unsafe { std::mem::transmute::<*const u8, extern "C" fn()>(entry) };
        f();
    }
    names
        .iter()
        .map(|n| {
            let p = compiled.function(&program, n).expect("function exists");
            // SAFETY: `p` is a compiled `func() int`, which takes nothing and
            // returns one i64 in the native convention; `compiled` is alive.
            let f = unsafe { std::mem::transmute::<*const u8, extern "C" fn() -> i64>(p) };
            f()
        })
        .collect()
}

fn int(src: &str) -> i64 {
    ints(src, &["f"])[0]
}

#[test]
fn division_wraps_and_truncates() {
    let src = "
var m1 = -1
func a() int { x := -9223372036854775808; return x / m1 }
func b() int { x := -9223372036854775808; return x % m1 }
func c() int { x, y := -7, 2; return x / y*100 + x % y }
func d() int { var x int8 = -128; var y int8 = -1; return int(x / y) }
func e() int { var x uint8 = 250; var y uint8 = 7; return int(x / y * 10 + x % y) } // (35*10)%256+5";
    assert_eq!(
        ints(src, &["a", "b", "c", "d", "e"]),
        [i64::MIN, 0, -301, -128, 99]
    );
}

#[test]
fn shifts_follow_go() {
    let src = "
func a() int { n := 64; return 1 << n }
func b() int { n := uint8(200); x := -5; return x >> n }
func c() int { var n int16 = 3; var x uint8 = 0xff; return int(x << n) }
func d() int { n := 70; var x uint64 = 1 << 63; return int(x >> n) }
func e() int { n := 63; x := -1; return x >> n }";
    assert_eq!(ints(src, &["a", "b", "c", "d", "e"]), [0, -1, 0xf8, 0, -1]);
}

#[test]
fn float_to_int_conversions_are_amd64s() {
    let src = "
var big = 1e300
var nan = 0.0
func a() int { return int(big) }
func b() int { return int(int32(big)) }
func c() int { return int(uint64(-big)) }
func d() int { x := 1e19; return int(uint64(x)) }
func e() int { n := nan / nan; return int(uint8(n)) }
func g() int { return int(float32(16777217)) }";
    assert_eq!(
        ints(src, &["a", "b", "c", "d", "e", "g"]),
        [
            i64::MIN,
            i64::from(i32::MIN),
            i64::MIN,
            10000000000000000000u64 as i64,
            0,
            16777216
        ]
    );
}

#[test]
fn aggregates_are_values() {
    let src = "
type Big struct { a [6]int; s string }
type Small struct { x, y int32 }
func swap(a, b Big) (Big, Big) { a.a[0]++; return b, a }
func mk(n int) Small { return Small{int32(n), int32(n * 2)} }
func f() int {
	b1 := Big{s: \"one\"}
	b2 := Big{s: \"two\"}
	b2.a[5] = 7
	x, y := swap(b1, b2)
	s := mk(3)
	arr := [3]Small{s, mk(4)}
	cp := arr
	cp[0].x = 100
	eq := 0
	if x == b2 && y != b1 && arr != cp && arr[1] == mk(4) {
		eq = 1
	}
	return int(x.a[5])*1000 + int(y.a[0])*100 + int(arr[0].x)*10 + eq
}";
    assert_eq!(int(src), 7131);
}

#[test]
fn strings_compare_and_convert() {
    let src = "
func f() int {
	s := \"héllo\"
	t := s[:1] + \"\\u00e9\" + s[3:]
	n := 0
	if s == t { n += 1 }
	if \"abc\" < \"abd\" && \"ab\" < \"abc\" && !(\"b\" < \"a\") { n += 10 }
	b := []byte(s)
	b[0] = 'H'
	if string(b) == \"Héllo\" && s[0] == 'h' { n += 100 }
	runes := 0
	for range \"a\\xffé\" { runes++ }
	return n + runes*1000 + len(string(rune(-1)))*10000
}";
    assert_eq!(int(src), 33111);
}

#[test]
fn append_grows_like_go() {
    let src = "
func f() int {
	var s []string
	caps := 0
	last := -1
	for i := 0; i < 200; i++ {
		s = append(s, \"x\")
		if cap(s) != last && cap(s) >= 32 { caps = caps*1000 + cap(s) }
		last = cap(s)
	}
	return caps
}";
    // 32 -> 71 -> 143 -> 303 for pointer-holding 16-byte elements
    assert_eq!(int(src), 32_071_143_303);
}

#[test]
fn loop_variables_are_per_iteration() {
    let src = "
func f() int {
	var ps []*int
	for i := 0; i < 3; i++ { ps = append(ps, &i) }
	for _, v := range []int{10, 20} { ps = append(ps, &v) }
	n := 0
	for _, p := range ps { n = n*100 + *p }
	return n
}";
    assert_eq!(int(src), 102_1020);
}

#[test]
fn maps_after_walk() {
    let src = "
type K struct { a int8; b string }
func f() int {
	m := map[K]int{}
	m[K{1, \"x\"}] = 5
	m[K{1, \"x\"}] += 2
	v, ok := m[K{2, \"x\"}]
	fm := map[float64]int{}
	nan := 0.0
	nan = nan / nan
	fm[nan] = 1
	fm[nan] = 2
	n := 0
	if !ok { n = 1 }
	return m[K{1, \"x\"}]*100 + v*10 + n + len(fm)*1000
}";
    assert_eq!(int(src), 2701);
}

#[test]
fn unlowered_maps_are_errors_not_crashes() {
    let text = "package main\n\nfunc main() {\n\tm := map[int]int{}\n\tm[1] = 2\n}\n";
    let (ast, _) = gm_syntax::parse(text);
    let mut diags = Diagnostics::new();
    let program = gm_types::check(&ast.expect("parses"), &mut diags).expect("checks");
    let e = gm_codegen::compile(&program).err().expect("an error");
    assert!(e.message.contains("walk"), "{}", e.message);
    // A bug in gm, placed at the statement being translated.
    assert!(e.internal);
    assert_eq!(e.place.func.as_deref(), Some("main"));
    let at = e.place.span.expect("a position").lo as usize;
    assert!(text[at..].starts_with("m := map"), "{}", &text[at..]);
}

#[test]
fn dumps_name_every_function() {
    let program = lower("func helper(x int) int { return x * 2 }");
    let clif = gm_codegen::dump_clif(&program).expect("compiles");
    assert!(
        clif.contains("; helper\n") && clif.contains("; main\n"),
        "{clif}"
    );
    let asm = gm_codegen::dump_asm(&program).expect("compiles");
    assert!(asm.contains("; helper\n") && asm.contains("ret"), "{asm}");
}

#[test]
fn machine_code_links_to_the_statement_it_comes_from() {
    let src = "func set(m map[int]int, k int, v int) {\n\tm[k] = v\n}";
    let text = format!("package main\n\n{src}\n\nfunc main() {{}}\n");
    let line_of = |lo: u32| 1 + text[..lo as usize].matches('\n').count();
    let assign = text.find("m[k] = v").expect("the statement") as u32;
    let lines = gm_codegen::dump_traced(&lower(src), gm_codegen::Dump::Asm).expect("compiles");
    let set: Vec<_> = lines
        .iter()
        .skip_while(|l| l.text != "; set")
        .skip(1)
        .take_while(|l| !l.text.is_empty())
        .collect();
    let shown = || format!("{set:#?}");
    assert_eq!(set[0].text, "  0x0000  push rbp", "{}", shown());
    assert_eq!(set[0].loc, None, "the prologue has no source: {}", shown());
    let call = set
        .iter()
        .find(|l| l.call.is_some())
        .expect("a runtime call");
    let (name, span) = call.call.as_ref().expect("a call");
    assert_eq!(name, "mapassign_fast64");
    assert_eq!(line_of(span.lo), line_of(assign));
    assert!(call.text.contains("call"), "{}", call.text);
    let linked: Vec<_> = set.iter().filter_map(|l| l.loc).collect();
    assert!(
        linked.len() > 2,
        "more than the call is linked: {}",
        shown()
    );
    assert!(
        linked.iter().all(|&lo| line_of(lo) == line_of(assign)),
        "{}",
        shown()
    );
}
