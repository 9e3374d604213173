//! The page's data as JSON: one dump line per text line, so that the data
//! reads (and diffs) line by line.
//!
//! ```text
//! {"file": …, "source": […], "legend": […], "functions": [{"name", "line", "summary"}],
//!  "reasons": […], "start": …,
//!  "columns": [{"stage", "title", "lines": [[func, text, src, [[call, reason]…]]…]}]}
//! ```
//! `func` and `reason` are indices (-1 for none), `src` a 1-based source
//! line (0 for none); the calls list is left out when empty.

use std::fmt::Write as _;

use super::{LEGEND, Page};

pub fn to_json(page: &Page) -> String {
    let mut o = String::new();
    o.push_str("{\n\"file\": ");
    string(&mut o, &page.file);
    o.push_str(",\n\"source\": [\n");
    list(&mut o, &page.source, |o, l| string(o, l));
    o.push_str("],\n\"legend\": [\n");
    list(&mut o, LEGEND, |o, (f, d)| {
        o.push('[');
        string(o, f);
        o.push_str(", ");
        string(o, d);
        o.push(']');
    });
    o.push_str("],\n\"functions\": [\n");
    list(&mut o, &page.functions, |o, f| {
        o.push_str("{\"name\": ");
        string(o, &f.name);
        let _ = write!(o, ", \"line\": {}, \"summary\": [", f.line);
        for (i, (name, n)) in f.summary.iter().enumerate() {
            if i > 0 {
                o.push_str(", ");
            }
            o.push('[');
            string(o, name);
            let _ = write!(o, ", {n}]");
        }
        o.push_str("]}");
    });
    o.push_str("],\n\"reasons\": [\n");
    list(&mut o, &page.reasons, |o, r| string(o, r));
    let _ = write!(
        o,
        "],\n\"start\": {},\n\"run\": ",
        page.start.map_or(-1, |s| s as i64)
    );
    match &page.run {
        None => o.push_str("null"),
        Some(r) => {
            let _ = write!(
                o,
                "{{\"seed\": {}, \"status\": {}, \"stdout\": ",
                r.seed, r.status
            );
            string(&mut o, &r.stdout);
            o.push_str(", \"stderr\": ");
            string(&mut o, &r.stderr);
            o.push('}');
        }
    }
    o.push_str(",\n\"columns\": [\n");
    list(&mut o, &page.columns, |o, c| {
        o.push_str("{\"stage\": ");
        string(o, c.stage);
        o.push_str(", \"title\": ");
        string(o, c.title);
        o.push_str(", \"lines\": [\n");
        list(o, &c.lines, |o, l| {
            let _ = write!(o, "[{}, ", l.func.map_or(-1, |f| f as i64));
            string(o, &l.text);
            let _ = write!(o, ", {}", l.src);
            if !l.calls.is_empty() {
                o.push_str(", [");
                for (i, (name, r)) in l.calls.iter().enumerate() {
                    if i > 0 {
                        o.push_str(", ");
                    }
                    o.push('[');
                    string(o, name);
                    let _ = write!(o, ", {}]", r.map_or(-1, |r| r as i64));
                }
                o.push(']');
            }
            o.push(']');
        });
        o.push_str("]}");
    });
    o.push_str("]\n}\n");
    o
}

/// Items one per line, comma-separated.
pub(crate) fn list<T>(o: &mut String, items: &[T], mut item: impl FnMut(&mut String, &T)) {
    for (i, x) in items.iter().enumerate() {
        item(o, x);
        o.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
    }
}

/// A JSON string. `<` is escaped too, so the text can sit in a `<script>`.
pub(crate) fn string(o: &mut String, s: &str) {
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '<' => o.push_str("\\u003c"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
}

#[cfg(test)]
mod tests {
    use super::string;

    #[test]
    fn strings_are_escaped_for_json_inside_a_script() {
        let mut o = String::new();
        string(&mut o, "a\"b\\c\n</script>\t\u{1}");
        assert_eq!(o, r#""a\"b\\c\n\u003c/script>\t\u0001""#);
    }
}
