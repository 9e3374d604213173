//! Any bytes through the lexer, parser, checker and the order/walk passes:
//! gm must report errors, never panic. Run with `cargo +nightly fuzz run compile`.
#![no_main]

use gm_diag::{Diagnostics, SourceFile, Style};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = SourceFile::new("fuzz.gm", String::from_utf8_lossy(data).into_owned());
    let (ast, errors) = gm_syntax::parse(&file.text);
    let mut diags = Diagnostics::new();
    for e in errors {
        diags.push(e);
    }
    if let Some(ast) = ast {
        if let Some(mut program) = gm_types::check(&ast, &mut diags) {
            gm_walk::order(&mut program);
            gm_walk::walk(&mut program);
        }
    }
    let _ = gm_diag::render(&file, &diags, Style::Rich);
});
