//! Go-like text of lowered programs (placeholder).

use gm_ir::Program;

pub fn dump_program(program: &Program) -> String {
    gm_ir::dump::dump_program(program)
}

pub fn dump_functions(program: &Program) -> Vec<(String, String)> {
    vec![("program".to_string(), dump_program(program))]
}

pub fn side_by_side(before: &[(String, String)], after: &[(String, String)]) -> String {
    let mut out = String::new();
    for ((name, b), (_, a)) in before.iter().zip(after) {
        out.push_str(&format!(
            "== {name} before walk\n{b}== {name} after walk\n{a}"
        ));
    }
    out
}
