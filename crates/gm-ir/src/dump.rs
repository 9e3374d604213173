//! The tree form of the IR printed by `gm dump typed`: one node per line,
//! indented by nesting, Go's op name first and the node's type last.
//!
//! ```text
//! func main()
//!     DCL m map[string]int
//!     AS
//!         NAME m map[string]int
//!         MAKEMAP map[string]int
//! ```

use std::fmt::Write as _;

use crate::ir::*;
use crate::types::{TypeId, TypeTable};

/// Dumps every function of a program (the package `init` first).
pub fn dump_program(p: &Program) -> String {
    dump_traced(p).0
}

/// [`dump_program`] with, for each line, the span of the node it prints.
pub fn dump_traced(p: &Program) -> (String, Vec<gm_diag::Span>) {
    let mut d = Dumper {
        out: String::new(),
        types: &p.types,
        program: p,
        at: gm_diag::Span::DUMMY,
        spans: Vec::new(),
    };
    let mut ids: Vec<FuncId> = p.funcs.keys().collect();
    if let Some(init) = p.init {
        ids.retain(|&f| f != init);
        ids.insert(0, init);
    }
    for id in ids {
        d.at = p.funcs[id].span;
        d.func(&p.funcs[id]);
    }
    (d.out, d.spans)
}

struct Dumper<'p> {
    out: String,
    types: &'p TypeTable,
    program: &'p Program,
    /// The span of the node being printed, and that of each line so far.
    at: gm_diag::Span,
    spans: Vec<gm_diag::Span>,
}

impl Dumper<'_> {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
        self.spans.push(self.at);
    }

    fn ty(&self, t: TypeId) -> String {
        self.types.display(t)
    }

    fn func(&mut self, f: &Func) {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|&l| format!("{} {}", f.locals[l].name, self.ty(f.locals[l].ty)))
            .collect();
        let results: Vec<String> = f.result_types.iter().map(|&t| self.ty(t)).collect();
        let res = match results.len() {
            0 => String::new(),
            1 => format!(" {}", results[0]),
            _ => format!(" ({})", results.join(", ")),
        };
        let head = format!("func {}({}){res}", f.name, params.join(", "));
        self.line(0, &head);
        for s in &f.body {
            self.stmt(f, s, 1);
        }
    }

    fn local(&self, f: &Func, l: LocalId) -> String {
        f.locals[l].name.clone()
    }

    fn stmts(&mut self, f: &Func, label: &str, body: &[Stmt], depth: usize) {
        self.line(depth, label);
        for s in body {
            self.stmt(f, s, depth + 1);
        }
    }

    fn stmt(&mut self, f: &Func, s: &Stmt, depth: usize) {
        let outer = std::mem::replace(&mut self.at, s.span);
        self.stmt_kind(f, s, depth);
        self.at = outer;
    }

    fn stmt_kind(&mut self, f: &Func, s: &Stmt, depth: usize) {
        match &s.kind {
            StmtKind::Block(body) => self.stmts(f, "BLOCK", body, depth),
            StmtKind::Decl(l) => {
                let text = format!("DCL {} {}", self.local(f, *l), self.ty(f.locals[*l].ty));
                self.line(depth, &text);
            }
            StmtKind::Assign(l, r) => {
                self.line(depth, "AS");
                self.expr(f, l, depth + 1);
                self.expr(f, r, depth + 1);
            }
            StmtKind::Assign2(ls, rs) => {
                self.line(depth, "AS2");
                self.exprs(f, "lhs", ls, depth + 1);
                self.exprs(f, "rhs", rs, depth + 1);
            }
            StmtKind::Assign2Func(ls, call) => {
                self.line(depth, "AS2FUNC");
                self.exprs(f, "lhs", ls, depth + 1);
                self.expr(f, call, depth + 1);
            }
            StmtKind::Assign2MapR(ls, index) => {
                self.line(depth, "AS2MAPR");
                self.exprs(f, "lhs", ls, depth + 1);
                self.expr(f, index, depth + 1);
            }
            StmtKind::AssignOp {
                op,
                lhs,
                rhs,
                incdec,
            } => {
                let text = format!(
                    "ASOP-{}{}",
                    op.go_name(),
                    if *incdec { " (incdec)" } else { "" }
                );
                self.line(depth, &text);
                self.expr(f, lhs, depth + 1);
                self.expr(f, rhs, depth + 1);
            }
            StmtKind::Expr(e) => self.expr(f, e, depth),
            StmtKind::If(c, then, els) => {
                self.line(depth, "IF");
                self.expr(f, c, depth + 1);
                self.stmts(f, "then", then, depth + 1);
                if !els.is_empty() {
                    self.stmts(f, "else", els, depth + 1);
                }
            }
            StmtKind::For {
                id,
                cond,
                post,
                body,
                per_iteration,
            } => {
                let mut head = format!("FOR {id}");
                if !per_iteration.is_empty() {
                    let names: Vec<String> =
                        per_iteration.iter().map(|&l| self.local(f, l)).collect();
                    let _ = write!(head, " (per-iteration {})", names.join(", "));
                }
                self.line(depth, &head);
                if let Some(c) = cond {
                    self.line(depth + 1, "cond");
                    self.expr(f, c, depth + 2);
                }
                if let Some(p) = post {
                    self.line(depth + 1, "post");
                    self.stmt(f, p, depth + 2);
                }
                self.stmts(f, "body", body, depth + 1);
            }
            StmtKind::Range {
                id,
                kind,
                key,
                value,
                define,
                x,
                body,
            } => {
                let head = format!(
                    "RANGE {id} {kind:?}{}",
                    if *define { " (define)" } else { "" }
                );
                self.line(depth, &head);
                self.expr(f, x, depth + 1);
                if let Some(k) = key {
                    self.line(depth + 1, "key");
                    self.expr(f, k, depth + 2);
                }
                if let Some(v) = value {
                    self.line(depth + 1, "value");
                    self.expr(f, v, depth + 2);
                }
                self.stmts(f, "body", body, depth + 1);
            }
            StmtKind::Switch { id, tag, cases } => {
                self.line(depth, &format!("SWITCH {id}"));
                if let Some(t) = tag {
                    self.line(depth + 1, "tag");
                    self.expr(f, t, depth + 2);
                }
                for c in cases {
                    if c.exprs.is_empty() {
                        self.line(depth + 1, "DEFAULT");
                    } else {
                        self.line(depth + 1, "CASE");
                        for e in &c.exprs {
                            self.expr(f, e, depth + 2);
                        }
                    }
                    self.stmts(f, "body", &c.body, depth + 2);
                }
            }
            StmtKind::Return(vals) => {
                self.line(depth, "RETURN");
                for v in vals {
                    self.expr(f, v, depth + 1);
                }
            }
            StmtKind::Break(id) => self.line(depth, &format!("BREAK {id}")),
            StmtKind::Continue(id) => self.line(depth, &format!("CONTINUE {id}")),
            StmtKind::Delete(m, k) => {
                self.line(depth, "DELETE");
                self.expr(f, m, depth + 1);
                self.expr(f, k, depth + 1);
            }
            StmtKind::Clear(x) => {
                self.line(depth, "CLEAR");
                self.expr(f, x, depth + 1);
            }
            StmtKind::Print(args, nl) => {
                self.line(depth, if *nl { "PRINTLN" } else { "PRINT" });
                for a in args {
                    self.expr(f, a, depth + 1);
                }
            }
            StmtKind::Panic(x) => {
                self.line(depth, "PANIC");
                self.expr(f, x, depth + 1);
            }
        }
    }

    fn exprs(&mut self, f: &Func, label: &str, es: &[Expr], depth: usize) {
        self.line(depth, label);
        for e in es {
            self.expr(f, e, depth + 1);
        }
    }

    fn expr(&mut self, f: &Func, e: &Expr, depth: usize) {
        let outer = std::mem::replace(&mut self.at, e.span);
        self.expr_node(f, e, depth);
        self.at = outer;
    }

    fn expr_node(&mut self, f: &Func, e: &Expr, depth: usize) {
        let ty = self.ty(e.ty);
        let head = match &e.kind {
            ExprKind::Name(Var::Local(l)) => format!("NAME {}", self.local(f, *l)),
            ExprKind::Name(Var::Global(g)) => {
                format!("NAME {} (global)", self.program.globals[*g].name)
            }
            ExprKind::Blank => "NAME _".to_string(),
            ExprKind::Const(v) => format!("LITERAL {}", v.literal()),
            ExprKind::Nil => "NIL".to_string(),
            ExprKind::Zero => "ZERO".to_string(),
            ExprKind::Binary(op, ..) => op.go_name().to_string(),
            ExprKind::Unary(op, _) => op.go_name().to_string(),
            ExprKind::AddStr(_) => "ADDSTR".to_string(),
            ExprKind::Deref(_) => "DEREF".to_string(),
            ExprKind::Addr(_) => "ADDR".to_string(),
            ExprKind::Dot(x, i) => format!("DOT .{}", self.field(x.ty, *i)),
            ExprKind::DotPtr(x, i) => {
                let base = self.types.pointer_elem(x.ty).unwrap_or(x.ty);
                format!("DOTPTR .{}", self.field(base, *i))
            }
            ExprKind::Index(..) => "INDEX".to_string(),
            ExprKind::IndexMap(..) => "INDEXMAP".to_string(),
            ExprKind::Slice { kind, max, .. } => {
                let op = match kind {
                    SliceKind::Slice => "SLICE",
                    SliceKind::Array => "SLICEARR",
                    SliceKind::String => "SLICESTR",
                };
                // Go's OSLICE3 / OSLICE3ARR.
                if max.is_some() {
                    op.replacen("SLICE", "SLICE3", 1)
                } else {
                    op.to_string()
                }
            }
            ExprKind::Call(id, _) => format!("CALLFUNC {}", self.program.funcs[*id].name),
            ExprKind::RuntimeCall(rt, _) => format!("CALLFUNC runtime.{}", rt.name()),
            ExprKind::Len(_) => "LEN".to_string(),
            ExprKind::Cap(_) => "CAP".to_string(),
            ExprKind::MakeMap(..) => "MAKEMAP".to_string(),
            ExprKind::MakeSlice(..) => "MAKESLICE".to_string(),
            ExprKind::New(_) => "NEW".to_string(),
            ExprKind::Append(_, spread) => format!("APPEND{}", if *spread { " ..." } else { "" }),
            ExprKind::Copy(..) => "COPY".to_string(),
            ExprKind::MinMax(is_max, _) => if *is_max { "MAX" } else { "MIN" }.to_string(),
            ExprKind::Conv(_) => "CONV".to_string(),
            ExprKind::ConvNop(_) => "CONVNOP".to_string(),
            ExprKind::StrToBytes(..) => "STR2BYTES".to_string(),
            ExprKind::BytesToStr(_) => "BYTES2STR".to_string(),
            ExprKind::StrToRunes(..) => "STR2RUNES".to_string(),
            ExprKind::RunesToStr(_) => "RUNES2STR".to_string(),
            ExprKind::RuneToStr(_) => "RUNESTR".to_string(),
            ExprKind::MapLit(..) => "MAPLIT".to_string(),
            ExprKind::SliceLit(..) => "SLICELIT".to_string(),
            ExprKind::ArrayLit(_) => "ARRAYLIT".to_string(),
            ExprKind::StructLit(_) => "STRUCTLIT".to_string(),
            ExprKind::PtrLit(..) => "PTRLIT".to_string(),
            ExprKind::TypeDesc(t) => format!("TYPE type:{}", self.ty(*t)),
            ExprKind::MapZero => "LINKSYM go:map.zero".to_string(),
            ExprKind::Reinterpret(_) => "REINTERPRET".to_string(),
            ExprKind::Init(..) => "INIT".to_string(),
        };
        self.line(depth, &format!("{head} {ty}"));
        match &e.kind {
            ExprKind::MapLit(items, ..) => {
                for (k, v) in items {
                    self.line(depth + 1, "KEY");
                    self.expr(f, k, depth + 2);
                    self.expr(f, v, depth + 2);
                }
            }
            ExprKind::SliceLit(items, _) | ExprKind::ArrayLit(items) => {
                for (i, v) in items {
                    self.line(depth + 1, &format!("[{i}]"));
                    self.expr(f, v, depth + 2);
                }
            }
            ExprKind::Init(stmts, x) => {
                for s in stmts {
                    self.stmt(f, s, depth + 1);
                }
                self.expr(f, x, depth + 1);
            }
            ExprKind::StructLit(items) => {
                for (i, v) in items {
                    let text = format!(".{}", self.field(e.ty, *i));
                    self.line(depth + 1, &text);
                    self.expr(f, v, depth + 2);
                }
            }
            _ => {
                for c in e.children() {
                    self.expr(f, c, depth + 1);
                }
            }
        }
    }

    fn field(&self, struct_ty: TypeId, i: usize) -> String {
        self.types
            .struct_fields(struct_ty)
            .and_then(|fs| fs.get(i))
            .map_or_else(|| format!("#{i}"), |f| f.name.clone())
    }
}
