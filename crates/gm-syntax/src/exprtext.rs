//! Source expressions printed the way Go's checker prints them in messages
//! (`a + b`, `m[k].x`, `T{…}`, `f(x)`), and Go's spelling of literals.

use crate::ast::{Expr, ExprKind, TypeExpr, TypeKind};

/// A literal as Go prints it: `42`, `1.5`, `'a'`, `"s\n"`.
pub fn literal_text(kind: &ExprKind) -> String {
    let mut s = String::new();
    write_expr(&mut s, &Expr::new(kind.clone(), gm_diag::Span::DUMMY));
    s
}

/// A float constant as Go prints it in messages: integral values without a
/// fraction (`1e+21` style for large ones), others in shortest form.
pub fn format_float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let abs = v.abs();
    if abs != 0.0 && !(1e-4..1e21).contains(&abs) {
        let s = format!("{v:e}");
        // Rust writes `1e21`; Go writes `1e+21`.
        return match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        };
    }
    format!("{v}")
}

/// Go's `strconv.Quote`-like rendering of string bytes.
pub fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                        out.push_str(&format!("\\x{:02x}", c as u32))
                    }
                    c => out.push(c),
                }
            }
        }
        Err(_) => {
            for &b in bytes {
                match b {
                    b'"' => out.push_str("\\\""),
                    b'\\' => out.push_str("\\\\"),
                    0x20..=0x7e => out.push(b as char),
                    _ => out.push_str(&format!("\\x{b:02x}")),
                }
            }
        }
    }
    out.push('"');
    out
}

pub fn expr_string(e: &Expr) -> String {
    let mut s = String::new();
    write_expr(&mut s, e);
    s
}

fn write_expr(s: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Ident(n) => s.push_str(n),
        ExprKind::Int(text) | ExprKind::Float(text) => s.push_str(text),
        ExprKind::Rune(r) => match char::from_u32(*r) {
            Some('\'') => s.push_str("'\\''"),
            Some(c) if !c.is_control() => s.push_str(&format!("'{c}'")),
            _ => s.push_str(&format!("'\\x{r:02x}'")),
        },
        ExprKind::Str(b) => s.push_str(&quote(b)),
        ExprKind::Binary(op, l, r, _) => {
            write_expr(s, l);
            s.push_str(&format!(" {} ", op.symbol()));
            write_expr(s, r);
        }
        ExprKind::Unary(op, x) => {
            s.push_str(op.symbol());
            write_expr(s, x);
        }
        ExprKind::Paren(x) => {
            s.push('(');
            write_expr(s, x);
            s.push(')');
        }
        ExprKind::Selector(x, sel) => {
            write_expr(s, x);
            s.push('.');
            s.push_str(&sel.name);
        }
        ExprKind::Index(x, i) => {
            write_expr(s, x);
            s.push('[');
            write_expr(s, i);
            s.push(']');
        }
        ExprKind::Slice { x, lo, hi, max } => {
            write_expr(s, x);
            s.push('[');
            if let Some(lo) = lo {
                write_expr(s, lo);
            }
            s.push(':');
            if let Some(hi) = hi {
                write_expr(s, hi);
            }
            if let Some(max) = max {
                s.push(':');
                write_expr(s, max);
            }
            s.push(']');
        }
        ExprKind::Call { func, args, spread } => {
            write_expr(s, func);
            s.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_expr(s, a);
            }
            if *spread {
                s.push_str("...");
            }
            s.push(')');
        }
        ExprKind::Composite { ty, elems, .. } => {
            if let Some(t) = ty {
                write_expr(s, t);
            }
            s.push_str(if elems.is_empty() { "{}" } else { "{…}" });
        }
        ExprKind::Type(t) => write_type(s, t),
        ExprKind::Unsupported(_) => s.push_str("<unsupported>"),
    }
}

pub fn type_string(t: &TypeExpr) -> String {
    let mut s = String::new();
    write_type(&mut s, t);
    s
}

fn write_type(s: &mut String, t: &TypeExpr) {
    match &t.kind {
        TypeKind::Name(n) => s.push_str(&n.name),
        TypeKind::Qualified(p, n) => {
            s.push_str(&p.name);
            s.push('.');
            s.push_str(&n.name);
        }
        TypeKind::Array(n, e) => {
            s.push('[');
            match n {
                Some(n) => write_expr(s, n),
                None => s.push_str("..."),
            }
            s.push(']');
            write_type(s, e);
        }
        TypeKind::Slice(e) => {
            s.push_str("[]");
            write_type(s, e);
        }
        TypeKind::Map(k, v) => {
            s.push_str("map[");
            write_type(s, k);
            s.push(']');
            write_type(s, v);
        }
        TypeKind::Pointer(e) => {
            s.push('*');
            write_type(s, e);
        }
        TypeKind::Struct(fields) => {
            s.push_str("struct{");
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                let names: Vec<&str> = f.names.iter().map(|n| n.name.as_str()).collect();
                s.push_str(&names.join(", "));
                s.push(' ');
                write_type(s, &f.ty);
            }
            s.push('}');
        }
        TypeKind::Paren(e) => {
            s.push('(');
            write_type(s, e);
            s.push(')');
        }
        TypeKind::Unsupported(_) | TypeKind::Bad => s.push_str("<unsupported>"),
    }
}
