fn main() {
    for path in std::env::args().skip(1) {
        let src = std::fs::read_to_string(&path).unwrap();
        let (file, diags) = gm_syntax::parse(&src);
        let f = gm_diag::SourceFile::new(path.clone(), src.clone());
        for d in &diags {
            print!("{}", gm_diag::render_one(&f, d, gm_diag::Style::Short));
        }
        if file.is_none() && diags.is_empty() {
            println!("{path}: no file");
        }
    }
}
