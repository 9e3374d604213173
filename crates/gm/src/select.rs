//! `gm dump --func NAME`: keeps the parts of a dump that belong to one
//! function. Every function-level dump starts each function at column 0
//! with a header naming it: `func NAME(` (typed, order, walk), `; NAME`
//! (clif, asm) or `// NAME: before walk` (walk --diff); whatever follows a
//! header, up to the next one, belongs to that function.

/// The function a dump line starts, if it is a header.
fn header_name(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("func ") {
        return rest.split('(').next();
    }
    if let Some(rest) = line.strip_prefix("// ") {
        return rest
            .strip_suffix(": before walk")
            .or_else(|| rest.strip_suffix(": after walk"));
    }
    line.strip_prefix("; ")
}

/// The lines of `dump` that belong to function `name`, or `None` when no
/// function has that name.
pub fn function_section(dump: &str, name: &str) -> Option<String> {
    let mut keep = false;
    let mut found = false;
    let mut out = String::new();
    for line in dump.split_inclusive('\n') {
        if let Some(h) = header_name(line.trim_end()) {
            keep = h == name;
            found |= keep;
        }
        if keep {
            out.push_str(line);
        }
    }
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::function_section;

    const WALK: &str =
        "func init()\n    x = 1\nfunc f(a int) int\n    return a\nfunc main()\n    f(1)\n";

    #[test]
    fn keeps_one_function() {
        assert_eq!(
            function_section(WALK, "f").as_deref(),
            Some("func f(a int) int\n    return a\n")
        );
        assert_eq!(
            function_section(WALK, "main").as_deref(),
            Some("func main()\n    f(1)\n")
        );
        assert_eq!(function_section(WALK, "g"), None);
        assert_eq!(function_section(WALK, "ma"), None);
    }

    #[test]
    fn clif_and_diff_headers() {
        let clif = "; f\nfunction u0:0() {\n}\n\n; main\nfunction u0:1() {\n}\n";
        assert_eq!(
            function_section(clif, "main").as_deref(),
            Some("; main\nfunction u0:1() {\n}\n")
        );
        let diff = "// f: before walk\nfunc f()\n    a\n// f: after walk\nfunc f()\n    b\n\n// main: before walk\nfunc main()\n";
        assert_eq!(
            function_section(diff, "f").as_deref(),
            Some("// f: before walk\nfunc f()\n    a\n// f: after walk\nfunc f()\n    b\n\n")
        );
    }
}
