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
    let (a, b) = (strip_conv_nop(a), strip_conv_nop(b));
    if a.ty != b.ty {
        return false;
    }
    match (&a.kind, &b.kind) {
        (Name(x), Name(y)) => x == y,
        (Const(x), Const(y)) => x == y,
        (Nil, Nil) => true,
        (Dot(x, i), Dot(y, j)) | (DotPtr(x, i), DotPtr(y, j)) => i == j && same_safe_expr(x, y),
        (Deref(x), Deref(y)) => same_safe_expr(x, y),
        (Unary(o, x), Unary(p, y)) => o == p && same_safe_expr(x, y),
        // Conv is a numeric conversion: its result may be reused, unlike
        // that of a conversion that allocates.
        (Conv(x), Conv(y)) => same_safe_expr(x, y),
        (Index(x, i), Index(y, j)) | (IndexMap(x, i), IndexMap(y, j)) => {
            same_safe_expr(x, y) && same_safe_expr(i, j)
        }
        (Binary(o, x1, y1), Binary(p, x2, y2)) => {
            use gm_ir::BinOp as B;
            let arithmetic = matches!(
                o,
                B::Add
                    | B::Sub
                    | B::Or
                    | B::Xor
                    | B::Mul
                    | B::Shl
                    | B::Shr
                    | B::And
                    | B::AndNot
                    | B::Div
                    | B::Rem
            );
            arithmetic && o == p && same_safe_expr(x1, x2) && same_safe_expr(y1, y2)
        }
        _ => false,
    }
}

/// Whether `x = append(first, …)` appends to `x` itself. An append has its
/// first argument's type; when that is not `x`'s, Go's right-hand side is
/// a conversion of the append, which is no such idiom.
pub(crate) fn appends_to_itself(x: &Expr, first: &Expr) -> bool {
    first.ty == x.ty && same_safe_expr(x, first)
}

/// `m[k] = append(m[k], …)`: one mapassign serves both sides.
pub(crate) fn is_map_append(x: &Expr, y: &Expr) -> bool {
    matches!(x.kind, ExprKind::IndexMap(..))
        && matches!(&y.kind, ExprKind::Append(args, _) if appends_to_itself(x, &args[0]))
}

fn strip_conv_nop(mut e: &Expr) -> &Expr {
    while let ExprKind::ConvNop(x) = &e.kind {
        e = x;
    }
    e
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
