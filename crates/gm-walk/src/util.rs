//! Helpers shared by the order and walk passes: temporaries, read-only
//! statics, and Go's "safe"/"cheap" expression tests.

use cranelift_entity::PrimaryMap;
use gm_diag::Span;
use gm_ir::{Expr, ExprKind, Func, Global, GlobalId, Stmt, StmtKind, TypeId, TypeTable, Var};

/// What a pass needs while it rewrites one function.
pub(crate) struct Ctx<'p> {
    pub types: &'p mut TypeTable,
    pub globals: &'p mut PrimaryMap<GlobalId, Global>,
    pub func: &'p mut Func,
}

impl Ctx<'_> {
    /// A fresh temporary of type `ty`.
    pub fn temp(&mut self, ty: TypeId, span: Span) -> Expr {
        let id = self.func.temp(ty, span);
        Expr::local(id, ty, span)
    }

    /// `tmp := e`, appended to `out`; returns `tmp`.
    pub fn copy_expr(&mut self, out: &mut Vec<Stmt>, e: Expr) -> Expr {
        let span = e.span;
        let t = self.temp(e.ty, span);
        declare(out, &t);
        out.push(Stmt {
            kind: StmtKind::Assign(t.clone(), e),
            span,
        });
        t
    }

    /// A zeroed temporary, declared in `out`.
    pub fn zeroed_temp(&mut self, out: &mut Vec<Stmt>, ty: TypeId, span: Span) -> Expr {
        let t = self.temp(ty, span);
        declare(out, &t);
        t
    }

    /// A read-only static holding a constant value (Go's `..stmp_N`).
    pub fn readonly_static(&mut self, value: Expr) -> Expr {
        let n = self.globals.values().filter(|g| g.readonly).count();
        let ty = value.ty;
        let span = value.span;
        let id = self.globals.push(Global {
            name: format!("..stmp_{n}"),
            ty,
            span,
            readonly: true,
            init_value: Some(value),
        });
        Expr::new(ExprKind::Name(Var::Global(id)), ty, span)
    }

    /// Marks the variable under `e` (a name, or a field/element of one) as
    /// address-taken.
    pub fn mark_addr_taken(&mut self, e: &Expr) {
        if let Some(id) = e.outer_local(self.types) {
            self.func.locals[id].addr_taken = true;
        }
    }

    /// `&e`, marking what it points into as address-taken.
    pub fn addr_of(&mut self, e: Expr) -> Expr {
        self.mark_addr_taken(&e);
        let ty = self.types.pointer(e.ty);
        let span = e.span;
        Expr::new(ExprKind::Addr(Box::new(e)), ty, span)
    }
}

/// Appends `var t` for a temporary.
pub(crate) fn declare(out: &mut Vec<Stmt>, t: &Expr) {
    if let ExprKind::Name(Var::Local(id)) = t.kind {
        out.push(Stmt {
            kind: StmtKind::Decl(id),
            span: t.span,
        });
    }
}

pub(crate) fn stmt(kind: StmtKind, span: Span) -> Stmt {
    Stmt { kind, span }
}

/// Go's `ir.SameSafeExpr`: the two expressions denote the same location or
/// value and evaluating them has no side effects.
pub(crate) fn same_safe_expr(a: &Expr, b: &Expr) -> bool {
    use ExprKind::*;
    match (&a.kind, &b.kind) {
        (ConvNop(x), _) => same_safe_expr(x, b),
        (_, ConvNop(y)) => same_safe_expr(a, y),
        (Name(x), Name(y)) => x == y,
        (Const(x), Const(y)) => x == y && a.ty == b.ty,
        (Dot(x, i), Dot(y, j)) | (DotPtr(x, i), DotPtr(y, j)) => i == j && same_safe_expr(x, y),
        (Deref(x), Deref(y)) => same_safe_expr(x, y),
        (Index(x, i), Index(y, j)) | (IndexMap(x, i), IndexMap(y, j)) => {
            same_safe_expr(x, y) && same_safe_expr(i, j)
        }
        _ => false,
    }
}

/// Whether the expression is a plain name (Go's ONAME).
pub(crate) fn is_name(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Name(_))
}

/// Whether `e` is a name, constant or nil (Go's cheap expressions).
pub(crate) fn is_cheap(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Name(_) | ExprKind::Const(_) | ExprKind::Nil
    )
}
