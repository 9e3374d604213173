//! Walking expressions: map reads become `*mapaccess1…(T, m, key)`, `make`
//! becomes `makemap…` or a stack header, `delete` and `clear` become runtime
//! calls (Go's walkIndexMap, walkMakeMap, walkDelete, mapClear).

use gm_diag::Span;
use gm_ir::constant::ConstValue;
use gm_ir::runtime::RtFn;
use gm_ir::{Basic, BinOp, Expr, ExprKind, MapEscape, Stmt, StmtKind, TypeId};

use crate::mapfast::{MapFast, MapOp, map_fast, map_fn_why};
use crate::rtypes::{HMAP_BUCKETS, HMAP_HASH0};
use crate::util::{declare, stmt};
use crate::walk::Walk;

/// Hints up to this many entries fit the one bucket a map starts with.
const BUCKET_COUNT: i128 = gm_abi::map::BUCKET_CNT as i128;

impl Walk<'_, '_> {
    /// Walks an expression; side effects and temporaries go to `out`.
    pub fn expr(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Expr {
        if let ExprKind::Binary(op, x, y) = &e.kind
            && matches!(
                op,
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
            )
            && self.ctx.types.is_string(x.ty)
            && let Some(r) = self.compare_string(*op, x, y, e.ty, out)
        {
            return r;
        }
        match e.kind {
            ExprKind::IndexMap(..) => self.index_map(e, false, out),
            ExprKind::MakeMap(..) => self.make_map(e, out),
            ExprKind::MapLit(..) => {
                let t = self.ctx.zeroed_temp(out, e.ty, e.span);
                self.map_lit(e, t.clone(), out);
                t
            }
            ExprKind::Call(f, args) => {
                let args = args.into_iter().map(|a| self.expr(a, out)).collect();
                let args = self.call_args(args, out);
                Expr::new(ExprKind::Call(f, args), e.ty, e.span)
            }
            ExprKind::Init(stmts, x) => {
                let mut init = self.block(stmts);
                let x = self.expr(*x, &mut init);
                let (ty, span) = (x.ty, x.span);
                Expr::new(ExprKind::Init(init, Box::new(x)), ty, span)
            }
            _ => {
                let mut e = e;
                for c in e.children_mut() {
                    let taken = std::mem::replace(c, Expr::new(ExprKind::Zero, c.ty, c.span));
                    *c = self.expr(taken, out);
                }
                e
            }
        }
    }

    /// Walks an assignment target: a map index becomes `*mapassign…`.
    pub fn lhs(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Expr {
        match e.kind {
            ExprKind::IndexMap(..) => self.index_map(e, true, out),
            _ => self.expr(e, out),
        }
    }

    /// `&type:map[K]V`, the map type's runtime descriptor.
    pub fn type_desc(&mut self, map: TypeId, span: Span) -> Expr {
        let p = self.ctx.types.basic(Basic::UnsafePointer);
        Expr::new(ExprKind::TypeDesc(map), p, span)
    }

    pub fn call(&mut self, f: RtFn, args: Vec<Expr>, ty: TypeId, span: Span) -> Expr {
        Expr::new(ExprKind::RuntimeCall(f, args), ty, span)
    }

    /// A runtime call whose arguments that may call or panic are evaluated
    /// into temporaries first (Go's walkCall1).
    pub fn call_in(
        &mut self,
        f: RtFn,
        args: Vec<Expr>,
        ty: TypeId,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Expr {
        let args = self.call_args(args, out);
        self.call(f, args, ty, span)
    }

    fn call_args(&mut self, args: Vec<Expr>, out: &mut Vec<Stmt>) -> Vec<Expr> {
        args.into_iter()
            .map(|a| {
                if may_call(&a) {
                    self.ctx.copy_expr(out, a)
                } else {
                    a
                }
            })
            .collect()
    }

    /// The key argument of a map call (Go's mapKeyArg): slow variants take
    /// its address; pointer keys are passed as integers except to assign.
    pub fn map_key_arg(&mut self, map: TypeId, key: Expr, assigned: bool) -> Expr {
        match map_fast(self.ctx.types, map) {
            MapFast::Slow => self.ctx.addr_of(key),
            MapFast::Fast32Ptr | MapFast::Fast64Ptr if !assigned => {
                let t = if map_fast(self.ctx.types, map) == MapFast::Fast32Ptr {
                    Basic::Uint32
                } else {
                    Basic::Uint64
                };
                let ty = self.ctx.types.basic(t);
                let span = key.span;
                Expr::new(ExprKind::Reinterpret(Box::new(key)), ty, span)
            }
            _ => key,
        }
    }

    /// `m[k]` as `*mapaccess1…(T, m, k)` or, assigned, `*mapassign…(T, m, k)`.
    fn index_map(&mut self, e: Expr, assigned: bool, out: &mut Vec<Stmt>) -> Expr {
        let Expr { kind, ty, span } = e;
        let ExprKind::IndexMap(m, k) = kind else {
            unreachable!("a map index")
        };
        let m = self.expr(*m, out);
        let k = self.expr(*k, out);
        let map = m.ty;
        let key = self.map_key_arg(map, k, assigned);
        let desc = self.type_desc(map, span);
        let mut args = vec![desc, m, key];
        let f = if assigned {
            let (f, why) = map_fn_why(self.ctx.types, map, MapOp::Assign);
            self.explain(f, span, why);
            f
        } else {
            let (f, why) = map_fn_why(self.ctx.types, map, MapOp::Access1);
            self.explain(f, span, why);
            if f == RtFn::mapaccess1_fat {
                args.push(self.map_zero(span));
            }
            f
        };
        let pty = self.ctx.types.pointer(ty);
        let call = self.call_in(f, args, pty, span, out);
        Expr::new(ExprKind::Deref(Box::new(call)), ty, span)
    }

    pub fn map_zero(&mut self, span: Span) -> Expr {
        let p = self.ctx.types.basic(Basic::UnsafePointer);
        Expr::new(ExprKind::MapZero, p, span)
    }

    pub fn map_delete(&mut self, m: Expr, k: Expr, span: Span, out: &mut Vec<Stmt>) -> Expr {
        let m = self.expr(m, out);
        let k = self.expr(k, out);
        let map = m.ty;
        let key = self.map_key_arg(map, k, false);
        let (f, why) = map_fn_why(self.ctx.types, map, MapOp::Delete);
        self.explain(f, span, why);
        let desc = self.type_desc(map, span);
        let void = self.void();
        self.call_in(f, vec![desc, m, key], void, span, out)
    }

    pub fn map_clear(&mut self, m: Expr, span: Span, out: &mut Vec<Stmt>) -> Expr {
        let why = "clear(m) on a map empties it in one call".to_string();
        self.explain(RtFn::mapclear, span, why);
        let desc = self.type_desc(m.ty, span);
        let void = self.void();
        self.call_in(RtFn::mapclear, vec![desc, m], void, span, out)
    }

    /// `make(map[K]V, hint)` (Go's walkMakeMap), with escape analysis
    /// deciding between a heap map and a stack header.
    pub fn make_map(&mut self, e: Expr, out: &mut Vec<Stmt>) -> Expr {
        let Expr { kind, ty, span } = e;
        let ExprKind::MakeMap(hint, esc) = kind else {
            unreachable!("a make")
        };
        let int = self.ctx.types.basic(Basic::Int);
        let hint = match hint {
            Some(h) => self.expr(*h, out),
            None => Expr::new(ExprKind::Const(ConstValue::int(0)), int, span),
        };
        self.make_map_with(ty, hint, &esc, span, out)
    }

    pub fn make_map_with(
        &mut self,
        ty: TypeId,
        hint: Expr,
        esc: &MapEscape,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Expr {
        let on_stack = *esc == MapEscape::Stack;
        let const_hint = match &hint.kind {
            ExprKind::Const(v) => v.as_int(),
            _ => None,
        };
        let small = const_hint.is_some_and(|h| h <= BUCKET_COUNT);
        self.explain_make(esc, const_hint, span);
        let mut header = None;
        if on_stack {
            // var hv hmap; h := &hv
            let hmap = self.rt.hmap(self.ctx.types);
            let hv = self.ctx.zeroed_temp(out, hmap, span);
            if const_hint.is_none() || small {
                // if hint <= 8 { var bv bucket; hv.buckets = &bv }
                let bool_ty = self.ctx.types.basic(Basic::Bool);
                let eight = Expr::new(
                    ExprKind::Const(ConstValue::int(BUCKET_COUNT)),
                    hint.ty,
                    span,
                );
                let cond = Expr::new(
                    ExprKind::Binary(BinOp::Le, Box::new(hint.clone()), Box::new(eight)),
                    bool_ty,
                    span,
                );
                let mut then = Vec::new();
                let bucket = self.rt.bucket(self.ctx.types, ty);
                let bv = self.ctx.temp(bucket, span);
                declare(&mut then, &bv);
                let addr = self.ctx.addr_of(bv);
                let uptr = self.ctx.types.basic(Basic::UnsafePointer);
                let addr = Expr::new(ExprKind::ConvNop(Box::new(addr)), uptr, span);
                let field = Expr::new(
                    ExprKind::Dot(Box::new(hv.clone()), HMAP_BUCKETS),
                    uptr,
                    span,
                );
                then.push(stmt(StmtKind::Assign(field, addr), span));
                out.push(stmt(StmtKind::If(cond, then, vec![]), span));
            }
            header = Some(hv);
        }
        if small {
            if let Some(hv) = header {
                // Only the seed is needed: hv.hash0 = rand32()
                let u32_ = self.ctx.types.basic(Basic::Uint32);
                let seed = self.call(RtFn::rand32, vec![], u32_, span);
                let field = Expr::new(ExprKind::Dot(Box::new(hv.clone()), HMAP_HASH0), u32_, span);
                out.push(stmt(StmtKind::Assign(field, seed), span));
                let addr = self.ctx.addr_of(hv);
                return Expr::new(ExprKind::ConvNop(Box::new(addr)), ty, span);
            }
            return self.call(RtFn::makemap_small, vec![], ty, span);
        }
        let hmap = self.rt.hmap(self.ctx.types);
        let phmap = self.ctx.types.pointer(hmap);
        let h = match header {
            Some(hv) => self.ctx.addr_of(hv),
            None => Expr::new(ExprKind::Nil, phmap, span),
        };
        // The hint is passed as an int (makemap64 is only needed where int
        // is narrower than the hint's type, which amd64 never is).
        let int = self.ctx.types.basic(Basic::Int);
        let hint = if self.ctx.types.identical(hint.ty, int) {
            hint
        } else if let ExprKind::Const(v) = &hint.kind {
            Expr::new(ExprKind::Const(v.clone()), int, hint.span)
        } else {
            let hspan = hint.span;
            Expr::new(ExprKind::Conv(Box::new(hint)), int, hspan)
        };
        let desc = self.type_desc(ty, span);
        self.call_in(RtFn::makemap, vec![desc, hint, h], ty, span, out)
    }
}

impl Walk<'_, '_> {
    /// Why a `make` or literal becomes the calls it does: escape analysis
    /// picks the header's place, the constant hint the bucket's.
    fn explain_make(&mut self, esc: &MapEscape, hint: Option<i128>, span: Span) {
        let hint_text = match hint {
            Some(h) if h <= BUCKET_COUNT => format!("hint {h} <= {BUCKET_COUNT}"),
            Some(h) => format!("hint {h} > {BUCKET_COUNT}"),
            None => "the hint is not constant".to_string(),
        };
        let escapes = || match esc {
            MapEscape::Heap(r) if !r.is_empty() => format!("the map escapes to heap: {r}"),
            _ => "the map escapes to heap".to_string(),
        };
        let on_stack = *esc == MapEscape::Stack;
        let (f, text) = match (on_stack, hint.is_some_and(|h| h <= BUCKET_COUNT)) {
            (true, true) => (
                RtFn::rand32,
                format!(
                    "stack hmap and bucket: the map does not escape and {hint_text}; rand32 only seeds its hash"
                ),
            ),
            (true, false) => (
                RtFn::makemap,
                format!("stack hmap passed to makemap: the map does not escape, but {hint_text}"),
            ),
            (false, true) => (
                RtFn::makemap_small,
                format!("{hint_text}, and {}", escapes()),
            ),
            (false, false) => (RtFn::makemap, format!("{hint_text}, and {}", escapes())),
        };
        self.explain(f, span, text);
    }
}

/// Whether evaluating `e` may call a function or panic (Go's mayCall).
fn may_call(e: &Expr) -> bool {
    e.any(&mut |n| {
        matches!(
            &n.kind,
            ExprKind::Call(..)
                | ExprKind::RuntimeCall(..)
                | ExprKind::Index(..)
                | ExprKind::Slice { .. }
                | ExprKind::Deref(_)
                | ExprKind::DotPtr(..)
                | ExprKind::Binary(BinOp::Div | BinOp::Rem, ..)
        )
    })
}
