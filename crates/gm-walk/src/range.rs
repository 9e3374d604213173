//! Ranging over a map (Go's walkRange for maps): a zeroed iterator,
//! `mapiterinit`, a loop while `it.key != nil` advancing with
//! `mapiternext`, and the key and elem loaded through the iterator.
//! The `for k := range m { delete(m, k) }` idiom becomes `mapclear`.

use gm_diag::Span;
use gm_ir::runtime::RtFn;
use gm_ir::{BinOp, Expr, ExprKind, LoopId, Stmt, StmtKind};

use crate::order;
use crate::rtypes::{HITER_ELEM, HITER_KEY};
use crate::util::{declare, stmt};
use crate::walk::Walk;

impl Walk<'_, '_> {
    #[allow(clippy::too_many_arguments)]
    pub fn map_range(
        &mut self,
        id: LoopId,
        key: Option<Expr>,
        value: Option<Expr>,
        define: bool,
        x: Expr,
        body: Vec<Stmt>,
        span: Span,
        out: &mut Vec<Stmt>,
    ) {
        // The order pass left the idiom's body unordered; recognise it again.
        if order::is_map_clear(self.ctx.types, &key, &value, define, &x, &body) {
            let m = self.expr(x, out);
            let why = "range-delete idiom: a loop that deletes every key it visits is one mapclear";
            self.explain(RtFn::mapclear, span, why.to_string());
            let call = self.map_clear(m, span, out);
            out.push(stmt(StmtKind::Expr(call), span));
            return;
        }
        let m = self.expr(x, out);
        let map = m.ty;
        let (kt, vt) = self.ctx.types.map_types(map).expect("a map type");
        let hiter = self.rt.hiter(self.ctx.types);
        let it = self.ctx.zeroed_temp(out, hiter, span);
        let void = self.void();
        let desc = self.type_desc(map, span);
        let it_addr = self.ctx.addr_of(it.clone());
        let mt = self.ctx.types.display(map);
        let why = format!("range over {mt}: the iterator starts at a random bucket and offset");
        self.explain(RtFn::mapiterinit, span, why);
        let why = "advances the range iterator; the loop ends when it.key is nil".to_string();
        self.explain(RtFn::mapiternext, span, why);
        let init = self.call(
            RtFn::mapiterinit,
            vec![desc, m, it_addr.clone()],
            void,
            span,
        );
        out.push(stmt(StmtKind::Expr(init), span));
        let uptr = self.ctx.types.basic(gm_ir::Basic::UnsafePointer);
        let bool_ty = self.ctx.types.basic(gm_ir::Basic::Bool);
        let field = |i: usize| Expr::new(ExprKind::Dot(Box::new(it.clone()), i), uptr, span);
        let nil = Expr::new(ExprKind::Nil, uptr, span);
        let cond = Expr::new(
            ExprKind::Binary(BinOp::Ne, Box::new(field(HITER_KEY)), Box::new(nil)),
            bool_ty,
            span,
        );
        let next = self.call(RtFn::mapiternext, vec![it_addr], void, span);
        let post = stmt(StmtKind::Expr(next), span);
        // *(*K)(it.key), *(*V)(it.elem)
        let load = |w: &mut Self, i: usize, t| {
            let pt = w.ctx.types.pointer(t);
            let p = Expr::new(ExprKind::ConvNop(Box::new(field(i))), pt, span);
            Expr::new(ExprKind::Deref(Box::new(p)), t, span)
        };
        let mut prologue = Vec::new();
        if define {
            for v in key.iter().chain(&value) {
                declare(&mut prologue, v);
            }
        }
        match (key, value) {
            (None, None) => {}
            (Some(k), None) => {
                let kload = load(self, HITER_KEY, kt);
                prologue.push(stmt(StmtKind::Assign(k, kload), span));
            }
            (k, Some(v)) => {
                let k = k.unwrap_or(Expr::new(ExprKind::Blank, kt, span));
                let kload = load(self, HITER_KEY, kt);
                let vload = load(self, HITER_ELEM, vt);
                prologue.push(stmt(
                    StmtKind::Assign2(vec![k, v], vec![kload, vload]),
                    span,
                ));
            }
        }
        let mut walked = Vec::new();
        for s in prologue {
            for s in order::stmt_in_place(self.ctx, s) {
                self.stmt(s, &mut walked);
            }
        }
        walked.extend(self.block(body));
        out.push(stmt(
            StmtKind::For {
                id,
                cond: Some(cond),
                post: Some(Box::new(post)),
                body: walked,
                per_iteration: vec![],
            },
            span,
        ));
    }
}
