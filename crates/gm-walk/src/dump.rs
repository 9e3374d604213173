//! The program as readable Go-like text, for `gm dump order`, `gm dump
//! walk` and the `// walk` golden files.
//!
//! Each function starts with a line `func NAME(params) results`; its body
//! follows, indented by four spaces per level. Runtime calls appear under
//! their Go names followed by `(` (`mapaccess1_fast64(&type:map[int]int, m,
//! uint64(k))`), compiler temporaries as `.autotmp_N`, read-only statics as
//! `..stmp_N`. Statements print in evaluation order, the same pre-order in
//! which Go's `-W` dump lists nodes: a `for` prints its condition, then its
//! post statement, then its body. A temporary's declaration and first
//! assignment print as one `x := e`.
//!
//! Functions are listed as Go lists them: the package `init`, then the
//! outlined `map.init.N` functions, then user functions in source order.

use foldhash::{HashSet, HashSetExt};
use std::fmt::Write as _;

use gm_diag::Span;
use gm_ir::runtime::RtFn;
use gm_ir::{
    BinOp, Expr, ExprKind, Func, FuncId, LoopId, Program, SliceKind, Stmt, StmtKind, TypeId, Var,
};

/// The whole program.
pub fn dump_program(program: &Program) -> String {
    dump_functions(program)
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

/// Each function's name and text, in dump order.
pub fn dump_functions(program: &Program) -> Vec<(String, String)> {
    function_order(program)
        .into_iter()
        .map(|id| {
            let p = print_func(program, id);
            (program.funcs[id].name.clone(), p.out)
        })
        .collect()
}

/// One function's dump with, for each line, the span of the statement it
/// prints and the runtime calls on it (each with its expression's span).
pub struct TracedFunc {
    pub id: FuncId,
    pub text: String,
    pub spans: Vec<Span>,
    pub calls: Vec<Vec<(RtFn, Span)>>,
}

/// [`dump_functions`] with source spans and calls per line.
pub fn dump_traced(program: &Program) -> Vec<TracedFunc> {
    function_order(program)
        .into_iter()
        .map(|id| {
            let p = print_func(program, id);
            TracedFunc {
                id,
                text: p.out,
                spans: p.spans,
                calls: p.calls,
            }
        })
        .collect()
}

fn print_func(program: &Program, id: FuncId) -> Printer<'_> {
    let f = &program.funcs[id];
    let mut p = Printer {
        program,
        func: f,
        out: String::new(),
        labeled: labeled_targets(&f.body),
        breakables: Vec::new(),
        at: f.span,
        spans: Vec::new(),
        calls: Vec::new(),
        pending: Vec::new(),
    };
    p.func();
    p
}

/// Each function before and after walk, one after the other.
pub fn side_by_side(before: &[(String, String)], after: &[(String, String)]) -> String {
    let mut out = String::new();
    for (name, text) in after {
        let prior = before
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str());
        match prior {
            Some(b) => {
                let _ = writeln!(out, "// {name}: before walk");
                out.push_str(b);
            }
            None => {
                let _ = writeln!(out, "// {name}: made by walk");
            }
        }
        let _ = writeln!(out, "// {name}: after walk");
        out.push_str(text);
        out.push('\n');
    }
    out
}

/// Whether a word starting a runtime function name (`mapaccess1_fast64(…`)
/// names one of the map calls of gm-abi's table.
pub fn is_map_call(name: &str) -> bool {
    let word = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(name, |end| &name[..end]);
    RtFn::from_name(word).is_some_and(RtFn::is_map_call)
}

/// The map runtime calls of each function in a dump (what `.calls` files
/// hold), in order.
pub fn map_calls(dump: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in dump.lines() {
        if let Some(rest) = line.strip_prefix("func ") {
            let name = rest.split('(').next().unwrap_or(rest).to_string();
            out.push((name, Vec::new()));
            continue;
        }
        let Some((_, calls)) = out.last_mut() else {
            continue;
        };
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let starts_word = i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b'.');
            if starts_word && is_map_call(&line[i..]) {
                let end = line[i..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(line.len(), |e| i + e);
                if line[end..].starts_with('(') {
                    calls.push(line[i..end].to_string());
                }
                i = end.max(i + 1);
            } else {
                i += 1;
            }
        }
    }
    out
}

/// `init`, then walk's `map.init.N`, then the rest by source position.
fn function_order(program: &Program) -> Vec<FuncId> {
    let mut ids: Vec<FuncId> = program.funcs.keys().collect();
    let rank = |id: FuncId| {
        let f = &program.funcs[id];
        if Some(id) == program.init {
            (0, 0, id)
        } else if f.synthetic {
            (1, 0, id)
        } else {
            (2, f.span.lo, id)
        }
    };
    ids.sort_by_key(|&id| rank(id));
    ids
}

/// Loops and switches that a `break`/`continue` targets from inside a
/// nested one: they get a label in the text.
fn labeled_targets(body: &[Stmt]) -> HashSet<LoopId> {
    fn visit(stmts: &[Stmt], stack: &mut Vec<LoopId>, out: &mut HashSet<LoopId>) {
        for s in stmts {
            match &s.kind {
                StmtKind::Break(id) | StmtKind::Continue(id) if stack.last() != Some(id) => {
                    out.insert(*id);
                }
                StmtKind::Block(b) => visit(b, stack, out),
                StmtKind::If(_, t, e) => {
                    visit(t, stack, out);
                    visit(e, stack, out);
                }
                StmtKind::For { id, body, .. } | StmtKind::Range { id, body, .. } => {
                    stack.push(*id);
                    visit(body, stack, out);
                    stack.pop();
                }
                StmtKind::Switch { id, cases, .. } => {
                    stack.push(*id);
                    for c in cases {
                        visit(&c.body, stack, out);
                    }
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    let mut out = HashSet::new();
    visit(body, &mut Vec::new(), &mut out);
    out
}

struct Printer<'p> {
    program: &'p Program,
    func: &'p Func,
    out: String,
    labeled: HashSet<LoopId>,
    breakables: Vec<LoopId>,
    /// The span of the statement being printed.
    at: Span,
    /// Per line printed: its statement's span and its runtime calls.
    spans: Vec<Span>,
    calls: Vec<Vec<(RtFn, Span)>>,
    pending: Vec<(RtFn, Span)>,
}

impl Printer<'_> {
    fn ty(&self, t: TypeId) -> String {
        self.program.types.display(t)
    }

    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
        self.spans.push(self.at);
        self.calls.push(std::mem::take(&mut self.pending));
    }

    fn func(&mut self) {
        let f = self.func;
        let params: Vec<String> = f
            .params
            .iter()
            .map(|&l| format!("{} {}", f.locals[l].name, self.ty(f.locals[l].ty)))
            .collect();
        let results: Vec<String> = if f.results.is_empty() {
            f.result_types.iter().map(|&t| self.ty(t)).collect()
        } else {
            f.results
                .iter()
                .map(|&l| format!("{} {}", f.locals[l].name, self.ty(f.locals[l].ty)))
                .collect()
        };
        let res = match results.len() {
            0 => String::new(),
            1 if f.results.is_empty() => format!(" {}", results[0]),
            _ => format!(" ({})", results.join(", ")),
        };
        let head = format!("func {}({}){res}", f.name, params.join(", "));
        self.line(0, &head);
        self.stmts(&f.body, 1);
    }

    fn stmts(&mut self, stmts: &[Stmt], depth: usize) {
        let mut i = 0;
        while i < stmts.len() {
            // `var t; t = e` prints as `t := e`.
            if let (
                StmtKind::Decl(l),
                Some(Stmt {
                    kind: StmtKind::Assign(target, value),
                    ..
                }),
            ) = (&stmts[i].kind, stmts.get(i + 1))
                && matches!(target.kind, ExprKind::Name(Var::Local(t)) if t == *l)
            {
                let outer = std::mem::replace(&mut self.at, stmts[i + 1].span);
                let text = format!("{} := {}", self.func.locals[*l].name, self.expr(value));
                self.line(depth, &text);
                self.at = outer;
                i += 2;
                continue;
            }
            self.stmt(&stmts[i], depth);
            i += 1;
        }
    }

    fn label(&mut self, id: LoopId, depth: usize) {
        if self.labeled.contains(&id) {
            self.line(depth, &format!("{id}:"));
        }
    }

    fn target(&self, id: LoopId) -> String {
        if self.breakables.last() == Some(&id) {
            String::new()
        } else {
            format!(" {id}")
        }
    }

    fn stmt(&mut self, s: &Stmt, depth: usize) {
        let outer = std::mem::replace(&mut self.at, s.span);
        self.stmt_kind(s, depth);
        self.at = outer;
    }

    fn stmt_kind(&mut self, s: &Stmt, depth: usize) {
        match &s.kind {
            StmtKind::Block(b) => {
                self.line(depth, "{");
                self.stmts(b, depth + 1);
                self.line(depth, "}");
            }
            StmtKind::Decl(l) => {
                let text = format!(
                    "var {} {}",
                    self.func.locals[*l].name,
                    self.ty(self.func.locals[*l].ty)
                );
                self.line(depth, &text);
            }
            StmtKind::Assign(l, r) => {
                let text = format!("{} = {}", self.expr(l), self.expr(r));
                self.line(depth, &text);
            }
            StmtKind::Assign2(ls, rs) => {
                let text = format!("{} = {}", self.list(ls), self.list(rs));
                self.line(depth, &text);
            }
            StmtKind::Assign2Func(ls, call) | StmtKind::Assign2MapR(ls, call) => {
                let text = format!("{} = {}", self.list(ls), self.expr(call));
                self.line(depth, &text);
            }
            StmtKind::AssignOp {
                op,
                lhs,
                rhs,
                incdec,
            } => {
                let text = if *incdec {
                    format!(
                        "{}{}",
                        self.expr(lhs),
                        if *op == BinOp::Add { "++" } else { "--" }
                    )
                } else {
                    format!("{} {}= {}", self.expr(lhs), op.symbol(), self.expr(rhs))
                };
                self.line(depth, &text);
            }
            StmtKind::Expr(e) => {
                let text = self.expr(e);
                self.line(depth, &text);
            }
            StmtKind::If(c, then, els) => self.if_stmt(c, then, els, depth, "if"),
            StmtKind::For {
                id,
                cond,
                post,
                body,
                ..
            } => {
                self.label(*id, depth);
                let head = match (cond, post) {
                    (None, None) => "for {".to_string(),
                    (Some(c), None) => format!("for {} {{", self.expr(c)),
                    (c, Some(p)) => {
                        let c = c.as_ref().map(|c| self.expr(c)).unwrap_or_default();
                        format!("for ; {c}; {} {{", self.inline_stmt(p))
                    }
                };
                self.line(depth, &head);
                self.breakables.push(*id);
                self.stmts(body, depth + 1);
                self.breakables.pop();
                self.line(depth, "}");
            }
            StmtKind::Range {
                id,
                key,
                value,
                define,
                x,
                body,
                ..
            } => {
                self.label(*id, depth);
                let vars: Vec<String> = key.iter().chain(value).map(|v| self.expr(v)).collect();
                let head = if vars.is_empty() {
                    format!("for range {} {{", self.expr(x))
                } else {
                    let op = if *define { ":=" } else { "=" };
                    format!("for {} {op} range {} {{", vars.join(", "), self.expr(x))
                };
                self.line(depth, &head);
                self.breakables.push(*id);
                self.stmts(body, depth + 1);
                self.breakables.pop();
                self.line(depth, "}");
            }
            StmtKind::Switch { id, tag, cases } => {
                self.label(*id, depth);
                let head = match tag {
                    Some(t) => format!("switch {} {{", self.expr(t)),
                    None => "switch {".to_string(),
                };
                self.line(depth, &head);
                self.breakables.push(*id);
                for c in cases {
                    if c.exprs.is_empty() {
                        self.line(depth, "default:");
                    } else {
                        let text = format!("case {}:", self.list(&c.exprs));
                        self.line(depth, &text);
                    }
                    self.stmts(&c.body, depth + 1);
                }
                self.breakables.pop();
                self.line(depth, "}");
            }
            StmtKind::Return(vals) => {
                let text = if vals.is_empty() {
                    "return".to_string()
                } else {
                    format!("return {}", self.list(vals))
                };
                self.line(depth, &text);
            }
            StmtKind::Break(id) => {
                let text = format!("break{}", self.target(*id));
                self.line(depth, &text);
            }
            StmtKind::Continue(id) => {
                let text = format!("continue{}", self.target(*id));
                self.line(depth, &text);
            }
            StmtKind::Delete(m, k) => {
                let text = format!("delete({}, {})", self.expr(m), self.expr(k));
                self.line(depth, &text);
            }
            StmtKind::Clear(x) => {
                let text = format!("clear({})", self.expr(x));
                self.line(depth, &text);
            }
            StmtKind::Print(args, nl) => {
                let text = format!(
                    "{}({})",
                    if *nl { "println" } else { "print" },
                    self.list(args)
                );
                self.line(depth, &text);
            }
            StmtKind::Panic(x) => {
                let text = format!("panic({})", self.expr(x));
                self.line(depth, &text);
            }
        }
    }

    fn if_stmt(&mut self, c: &Expr, then: &[Stmt], els: &[Stmt], depth: usize, word: &str) {
        let head = format!("{word} {} {{", self.expr(c));
        self.line(depth, &head);
        self.stmts(then, depth + 1);
        match els {
            [] => self.line(depth, "}"),
            [
                Stmt {
                    kind: StmtKind::If(c2, t2, e2),
                    ..
                },
            ] => self.if_stmt(c2, t2, e2, depth, "} else if"),
            _ => {
                self.line(depth, "} else {");
                self.stmts(els, depth + 1);
                self.line(depth, "}");
            }
        }
    }

    /// A statement on one line (a `for` post statement, `Init` lists).
    fn inline_stmt(&mut self, s: &Stmt) -> String {
        let saved = std::mem::take(&mut self.out);
        let (spans, calls) = (self.spans.len(), self.calls.len());
        self.stmt(s, 0);
        let text = std::mem::replace(&mut self.out, saved);
        // Its lines become part of the current one.
        self.spans.truncate(spans);
        let inner: Vec<(RtFn, Span)> = self.calls.drain(calls..).flatten().collect();
        self.pending.extend(inner);
        text.lines().map(str::trim).collect::<Vec<_>>().join("; ")
    }

    fn list(&mut self, es: &[Expr]) -> String {
        es.iter()
            .map(|e| self.expr(e))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn expr(&mut self, e: &Expr) -> String {
        self.expr_prec(e, 0)
    }

    /// Prints `e`, parenthesised if it binds looser than `outer`.
    fn expr_prec(&mut self, e: &Expr, outer: u8) -> String {
        match &e.kind {
            ExprKind::Binary(op, l, r) => {
                let p = op.precedence();
                let text = format!(
                    "{} {} {}",
                    self.expr_prec(l, p),
                    op.symbol(),
                    self.expr_prec(r, p + 1)
                );
                if p < outer { format!("({text})") } else { text }
            }
            ExprKind::AddStr(parts) => {
                let text = parts
                    .iter()
                    .map(|x| self.expr_prec(x, 5))
                    .collect::<Vec<_>>()
                    .join(" + ");
                if 4 < outer { format!("({text})") } else { text }
            }
            _ => self.primary(e),
        }
    }

    fn operand(&mut self, e: &Expr) -> String {
        self.expr_prec(e, 6)
    }

    /// The operand of an index, field or slice: a dereference or other
    /// unary operand is parenthesised, as `(*p)[0]`.
    fn postfix_operand(&mut self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Unary(..) | ExprKind::Deref(_) | ExprKind::Addr(_) => {
                format!("({})", self.primary(e))
            }
            _ => self.operand(e),
        }
    }

    fn primary(&mut self, e: &Expr) -> String {
        let ty = e.ty;
        match &e.kind {
            ExprKind::Name(Var::Local(l)) => self.func.locals[*l].name.clone(),
            ExprKind::Name(Var::Global(g)) => self.program.globals[*g].name.clone(),
            ExprKind::Blank => "_".to_string(),
            ExprKind::Const(v) => v.literal(),
            ExprKind::Nil => "nil".to_string(),
            ExprKind::Zero => format!("{}{{}}", self.ty(ty)),
            ExprKind::Unary(op, x) => format!("{}{}", op.symbol(), self.operand(x)),
            ExprKind::Deref(x) => format!("*{}", self.operand(x)),
            ExprKind::Addr(x) => format!("&{}", self.operand(x)),
            ExprKind::Dot(x, i) => format!("{}.{}", self.postfix_operand(x), self.field(x.ty, *i)),
            ExprKind::DotPtr(x, i) => {
                let base = self.program.types.pointer_elem(x.ty).unwrap_or(x.ty);
                format!("{}.{}", self.postfix_operand(x), self.field(base, *i))
            }
            ExprKind::Index(x, i) | ExprKind::IndexMap(x, i) => {
                format!("{}[{}]", self.postfix_operand(x), self.expr(i))
            }
            ExprKind::Slice {
                kind,
                x,
                lo,
                hi,
                max,
            } => {
                let base = match (kind, &x.kind) {
                    (SliceKind::Array, ExprKind::Addr(inner)) => self.postfix_operand(inner),
                    _ => self.postfix_operand(x),
                };
                let lo = lo.as_ref().map(|l| self.expr(l)).unwrap_or_default();
                let hi = hi.as_ref().map(|h| self.expr(h)).unwrap_or_default();
                match max {
                    Some(m) => format!("{base}[{lo}:{hi}:{}]", self.expr(m)),
                    None => format!("{base}[{lo}:{hi}]"),
                }
            }
            ExprKind::Call(f, args) => {
                format!("{}({})", self.program.funcs[*f].name, self.list(args))
            }
            ExprKind::RuntimeCall(f, args) => {
                self.pending.push((*f, e.span));
                format!("{}({})", f.name(), self.list(args))
            }
            ExprKind::Len(x) => format!("len({})", self.expr(x)),
            ExprKind::Cap(x) => format!("cap({})", self.expr(x)),
            ExprKind::MakeMap(h, _) => match h {
                Some(h) => format!("make({}, {})", self.ty(ty), self.expr(h)),
                None => format!("make({})", self.ty(ty)),
            },
            ExprKind::MakeSlice(l, c, _) => match c {
                Some(c) => format!("make({}, {}, {})", self.ty(ty), self.expr(l), self.expr(c)),
                None => format!("make({}, {})", self.ty(ty), self.expr(l)),
            },
            ExprKind::New(_) => {
                let elem = self.program.types.pointer_elem(ty).unwrap_or(ty);
                format!("new({})", self.ty(elem))
            }
            ExprKind::Append(args, spread) => {
                format!(
                    "append({}{})",
                    self.list(args),
                    if *spread { "..." } else { "" }
                )
            }
            ExprKind::Copy(a, b) => format!("copy({}, {})", self.expr(a), self.expr(b)),
            ExprKind::MinMax(is_max, args) => format!(
                "{}({})",
                if *is_max { "max" } else { "min" },
                self.list(args)
            ),
            ExprKind::Conv(x)
            | ExprKind::ConvNop(x)
            | ExprKind::Reinterpret(x)
            | ExprKind::StrToBytes(x, _)
            | ExprKind::StrToRunes(x, _)
            | ExprKind::BytesToStr(x)
            | ExprKind::RunesToStr(x)
            | ExprKind::RuneToStr(x) => {
                let t = self.ty(ty);
                // `(*T)(x)`: a pointer type in a conversion needs parentheses.
                if t.starts_with('*') {
                    format!("({t})({})", self.expr(x))
                } else {
                    format!("{t}({})", self.expr(x))
                }
            }
            ExprKind::MapLit(items, ..) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.expr(k), self.expr(v)))
                    .collect();
                format!("{}{{{}}}", self.ty(ty), items.join(", "))
            }
            ExprKind::SliceLit(items, _) | ExprKind::ArrayLit(items) => {
                let sequential = items.iter().enumerate().all(|(i, (k, _))| *k == i as u64);
                let items: Vec<String> = items
                    .iter()
                    .map(|(k, v)| {
                        if sequential {
                            self.expr(v)
                        } else {
                            format!("{k}: {}", self.expr(v))
                        }
                    })
                    .collect();
                format!("{}{{{}}}", self.ty(ty), items.join(", "))
            }
            ExprKind::StructLit(items) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|(i, v)| format!("{}: {}", self.field(ty, *i), self.expr(v)))
                    .collect();
                format!("{}{{{}}}", self.ty(ty), items.join(", "))
            }
            ExprKind::PtrLit(x, _) => format!("&{}", self.expr(x)),
            ExprKind::TypeDesc(t) => format!("&type:{}", self.ty(*t)),
            ExprKind::MapZero => "&go:map.zero".to_string(),
            ExprKind::Init(stmts, x) => {
                let mut parts: Vec<String> = stmts.iter().map(|s| self.inline_stmt(s)).collect();
                parts.push(self.expr(x));
                format!("({})", parts.join("; "))
            }
            ExprKind::Binary(..) | ExprKind::AddStr(_) => {
                let text = self.expr(e);
                format!("({text})")
            }
        }
    }

    fn field(&self, struct_ty: TypeId, i: usize) -> String {
        self.program
            .types
            .struct_fields(struct_ty)
            .and_then(|fs| fs.get(i))
            .map_or_else(|| format!("#{i}"), |f| f.name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_extracted_per_function_in_order() {
        let dump = "func init()\n    m = makemap_small()\nfunc f(m map[int]int)\n    \
                    p := mapassign_fast64(&type:map[int]int, m, 1)\n    x := *mapaccess1(&type:map[int]int, m, &k) + g(mapclear)\nfunc g()\n";
        let calls = map_calls(dump);
        assert_eq!(
            calls,
            vec![
                ("init".to_string(), vec!["makemap_small".to_string()]),
                (
                    "f".to_string(),
                    vec!["mapassign_fast64".to_string(), "mapaccess1".to_string()]
                ),
                ("g".to_string(), vec![]),
            ]
        );
    }
}
