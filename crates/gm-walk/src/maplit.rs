//! Map literals (Go's maplit): make the map with a hint of every source
//! entry, then insert the static entries — one temp-key/temp-elem
//! assignment each when there are at most 25, otherwise a loop over two
//! read-only static arrays of keys and elems.

use gm_ir::constant::ConstValue;
use gm_ir::{Basic, BinOp, Expr, ExprKind, Stmt, StmtKind};

use crate::order;
use crate::util::{declare, stmt};
use crate::walk::Walk;

/// Above this many static entries, a literal is filled by a loop.
const MAX_UNROLLED: usize = 25;

impl Walk<'_, '_> {
    /// Builds the literal `lit` into the variable `m`.
    pub fn map_lit(&mut self, lit: Expr, m: Expr, out: &mut Vec<Stmt>) {
        let Expr { kind, ty, span } = lit;
        let ExprKind::MapLit(entries, moved, esc) = kind else {
            unreachable!("a map literal")
        };
        let int = self.ctx.types.basic(Basic::Int);
        let hint = Expr::new(
            ExprKind::Const(ConstValue::int(entries.len() as u64 + moved)),
            int,
            span,
        );
        let n = entries.len();
        let total = n as u64 + moved;
        let saved = self.context.take();
        self.context = Some(format!(
            "map literal with {total} {}",
            if total == 1 { "entry" } else { "entries" }
        ));
        let made = self.make_map_with(ty, hint, &esc, span, out);
        out.push(stmt(StmtKind::Assign(m.clone(), made), span));
        let (kt, vt) = self.ctx.types.map_types(ty).expect("a map type");
        if n > MAX_UNROLLED {
            self.context = Some(format!(
                "{} > {MAX_UNROLLED}: the literal is built from two static arrays in a loop",
                entries_text(n)
            ));
            self.map_lit_loop(entries, m, span, out);
            self.context = saved;
            return;
        }
        self.context = Some(format!(
            "{} <= {MAX_UNROLLED}: one assignment per entry",
            entries_text(n)
        ));
        if entries.is_empty() {
            self.context = saved;
            return;
        }
        let tk = self.ctx.temp(kt, span);
        let tv = self.ctx.temp(vt, span);
        declare(out, &tk);
        declare(out, &tv);
        for (k, v) in entries {
            let (kspan, vspan) = (k.span, v.span);
            out.push(stmt(StmtKind::Assign(tk.clone(), k), kspan));
            out.push(stmt(StmtKind::Assign(tv.clone(), v), vspan));
            let target = Expr::new(
                ExprKind::IndexMap(Box::new(m.clone()), Box::new(tk.clone())),
                vt,
                kspan,
            );
            self.ordered(stmt(StmtKind::Assign(target, tv.clone()), vspan), out);
        }
        self.context = saved;
    }

    /// Orders then walks a statement walk itself made.
    fn ordered(&mut self, s: Stmt, out: &mut Vec<Stmt>) {
        for s in order::stmt_in_place(self.ctx, s) {
            self.stmt(s, out);
        }
    }

    /// `for i := 0; i < N; i++ { m[keys[i]] = elems[i] }` over read-only
    /// static tables.
    fn map_lit_loop(
        &mut self,
        entries: Vec<(Expr, Expr)>,
        m: Expr,
        span: gm_diag::Span,
        out: &mut Vec<Stmt>,
    ) {
        let n = entries.len() as u64;
        let (kt, vt) = self.ctx.types.map_types(m.ty).expect("a map type");
        let (keys, elems): (Vec<Expr>, Vec<Expr>) = entries.into_iter().unzip();
        let table = |w: &mut Self, items: Vec<Expr>, elem| {
            let ty = w.ctx.types.array(elem, n);
            let items = items
                .into_iter()
                .enumerate()
                .map(|(i, e)| (i as u64, e))
                .collect();
            w.ctx
                .readonly_static(Expr::new(ExprKind::ArrayLit(items), ty, span))
        };
        let ktab = table(self, keys, kt);
        let vtab = table(self, elems, vt);
        let int = self.ctx.types.basic(Basic::Int);
        let bool_ty = self.ctx.types.basic(Basic::Bool);
        let lit = |v: i128| Expr::new(ExprKind::Const(ConstValue::int(v)), int, span);
        let i = self.ctx.temp(int, span);
        declare(out, &i);
        out.push(stmt(StmtKind::Assign(i.clone(), lit(0)), span));
        let cond = Expr::new(
            ExprKind::Binary(BinOp::Lt, Box::new(i.clone()), Box::new(lit(n as i128))),
            bool_ty,
            span,
        );
        let next = Expr::new(
            ExprKind::Binary(BinOp::Add, Box::new(i.clone()), Box::new(lit(1))),
            int,
            span,
        );
        let post = stmt(StmtKind::Assign(i.clone(), next), span);
        let key = Expr::new(
            ExprKind::Index(Box::new(ktab), Box::new(i.clone())),
            kt,
            span,
        );
        let elem = Expr::new(
            ExprKind::Index(Box::new(vtab), Box::new(i.clone())),
            vt,
            span,
        );
        let target = Expr::new(ExprKind::IndexMap(Box::new(m), Box::new(key)), vt, span);
        let mut body = Vec::new();
        self.ordered(stmt(StmtKind::Assign(target, elem), span), &mut body);
        let id = self.ctx.func.loops.push(());
        out.push(stmt(
            StmtKind::For {
                id,
                cond: Some(cond),
                post: Some(Box::new(post)),
                body,
                per_iteration: vec![],
            },
            span,
        ));
    }
}

/// `1 static entry`, `3 static entries`.
fn entries_text(n: usize) -> String {
    if n == 1 {
        "1 static entry".to_string()
    } else {
        format!("{n} static entries")
    }
}
