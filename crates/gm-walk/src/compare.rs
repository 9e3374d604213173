//! String comparisons against short constants (Go's walkCompareString):
//! `s == "ab"` becomes a length test and byte comparisons, merged into
//! wider loads as amd64 does, each part using `s` again. Go reuses the
//! operand through its safeExpr, which keeps a map read as it is, so each
//! part reads the map anew: `m[k] != "deleted"` makes eight map calls.

use gm_diag::Span;
use gm_ir::constant::ConstValue;
use gm_ir::{Basic, BinOp, Expr, ExprKind, Stmt, TypeId};

use crate::walk::Walk;

/// The longest constant compared byte-wise: two registers on amd64.
const MAX_REWRITE_LEN: usize = 16;

impl Walk<'_, '_> {
    /// `x op y` on strings where one side is a constant and the other is
    /// not; `None` leaves the comparison as it is.
    pub fn compare_string(
        &mut self,
        op: BinOp,
        x: &Expr,
        y: &Expr,
        ty: TypeId,
        out: &mut Vec<Stmt>,
    ) -> Option<Expr> {
        let konst = |e: &Expr| match &e.kind {
            ExprKind::Const(ConstValue::String(s)) => Some(s.clone()),
            _ => None,
        };
        // The constant goes on the right, reversing the operator.
        let (op, ncs, s) = match (konst(x), konst(y)) {
            (None, Some(s)) => (op, x.clone(), s),
            (Some(s), None) => (reversed(op), y.clone(), s),
            _ => return None,
        };
        let (and, max) = match op {
            BinOp::Eq => (BinOp::AndAnd, MAX_REWRITE_LEN),
            BinOp::Ne => (BinOp::OrOr, MAX_REWRITE_LEN),
            // Ordered comparisons: only against "" (a length test).
            _ => (BinOp::AndAnd, 0),
        };
        if s.len() > max {
            return None;
        }
        let span = x.span;
        let int = self.ctx.types.basic(Basic::Int);
        let bool_ty = self.ctx.types.basic(Basic::Bool);
        let (ncs, walked) = if s.is_empty() {
            (ncs, false)
        } else {
            self.safe_expr(ncs, out)
        };
        // Each use of the operand is walked on its own, as Go walks the
        // same node once per use.
        let uses = |w: &mut Self, out: &mut Vec<Stmt>| {
            if walked {
                ncs.clone()
            } else {
                w.expr(ncs.clone(), out)
            }
        };
        let len_of = uses(self, out);
        let len = Expr::new(ExprKind::Len(Box::new(len_of)), int, span);
        let mut r = binary(op, len, konst_of(s.len() as i128, int, span), bool_ty);
        let mut i = 0;
        while i < s.len() {
            let remains = s.len() - i;
            let mut part = Vec::new();
            let cmp = if remains == 1 {
                let b = uses(self, &mut part);
                let byte = self.byte_at(b, i, span);
                let c = konst_of(s[i].into(), byte.ty, span);
                i += 1;
                binary(op, byte, c, bool_ty)
            } else {
                let (step, basic) = match remains {
                    8.. => (8, Basic::Int64),
                    4.. => (4, Basic::Uint32),
                    _ => (2, Basic::Uint16),
                };
                let wide = self.ctx.types.basic(basic);
                let mut word: Option<Expr> = None;
                let mut bits: i64 = 0;
                for off in 0..step {
                    let b = uses(self, &mut part);
                    let byte = self.byte_at(b, i + off, span);
                    let mut v = Expr::new(ExprKind::Conv(Box::new(byte)), wide, span);
                    if off > 0 {
                        let sh = konst_of(8 * off as i128, int, span);
                        v = binary(BinOp::Shl, v, sh, wide);
                    }
                    word = Some(match word {
                        None => v,
                        Some(w) => binary(BinOp::Or, w, v, wide),
                    });
                    bits |= i64::from(s[i + off]).wrapping_shl(8 * off as u32);
                }
                i += step;
                let c = konst_of(constant_word(bits, basic), wide, span);
                binary(op, c, word.expect("at least two bytes"), bool_ty)
            };
            // A part's side statements run only when the part is reached.
            let cmp = if part.is_empty() {
                cmp
            } else {
                Expr::new(ExprKind::Init(part, Box::new(cmp)), bool_ty, span)
            };
            r = binary(and, r, cmp, bool_ty);
        }
        r.ty = ty;
        Some(r)
    }

    fn byte_at(&mut self, s: Expr, i: usize, span: Span) -> Expr {
        let int = self.ctx.types.basic(Basic::Int);
        let byte = self.ctx.types.basic(Basic::Uint8);
        let idx = konst_of(i as i128, int, span);
        Expr::new(ExprKind::Index(Box::new(s), Box::new(idx)), byte, span)
    }

    /// Go's walk-time safeExpr: a version of `e` that may be evaluated
    /// several times. Names, constants, fields, dereferences and index
    /// expressions (map reads too) over such parts stay; anything else is
    /// evaluated once into a temporary. Returns whether the result is
    /// already walked (a part was replaced, and Go walks the rebuilt node).
    pub fn safe_expr(&mut self, e: Expr, out: &mut Vec<Stmt>) -> (Expr, bool) {
        let Expr { kind, ty, span } = e;
        let (kind, changed) = match kind {
            ExprKind::Name(_) | ExprKind::Const(_) | ExprKind::Nil => {
                return (Expr { kind, ty, span }, false);
            }
            ExprKind::Len(x) => {
                let (x, c) = self.safe_expr(*x, out);
                (ExprKind::Len(Box::new(x)), c)
            }
            ExprKind::Cap(x) => {
                let (x, c) = self.safe_expr(*x, out);
                (ExprKind::Cap(Box::new(x)), c)
            }
            ExprKind::Dot(x, i) => {
                let (x, c) = self.safe_expr(*x, out);
                (ExprKind::Dot(Box::new(x), i), c)
            }
            ExprKind::DotPtr(x, i) => {
                let (x, c) = self.safe_expr(*x, out);
                (ExprKind::DotPtr(Box::new(x), i), c)
            }
            ExprKind::Deref(x) => {
                let (x, c) = self.safe_expr(*x, out);
                (ExprKind::Deref(Box::new(x)), c)
            }
            ExprKind::Index(x, i) => {
                let (x, c1) = self.safe_expr(*x, out);
                let (i, c2) = self.safe_expr(*i, out);
                (ExprKind::Index(Box::new(x), Box::new(i)), c1 || c2)
            }
            ExprKind::IndexMap(x, i) => {
                let (x, c1) = self.safe_expr(*x, out);
                let (i, c2) = self.safe_expr(*i, out);
                (ExprKind::IndexMap(Box::new(x), Box::new(i)), c1 || c2)
            }
            other => {
                // Go's cheapExpr: the walked value, copied.
                let e = self.expr(Expr::new(other, ty, span), out);
                return (self.ctx.copy_expr(out, e), true);
            }
        };
        let e = Expr { kind, ty, span };
        if changed {
            (self.expr(e, out), true)
        } else {
            (e, false)
        }
    }
}

fn binary(op: BinOp, x: Expr, y: Expr, ty: TypeId) -> Expr {
    let span = x.span;
    Expr::new(ExprKind::Binary(op, Box::new(x), Box::new(y)), ty, span)
}

fn konst_of(v: i128, ty: TypeId, span: Span) -> Expr {
    Expr::new(ExprKind::Const(ConstValue::int(v)), ty, span)
}

/// The constant of a merged load, in the range of its type.
fn constant_word(bits: i64, basic: Basic) -> i128 {
    match basic {
        Basic::Int64 => bits.into(),
        _ => (bits as u64).into(),
    }
}

/// The operator with its operands swapped (Go's brrev).
fn reversed(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Gt => BinOp::Lt,
        BinOp::Le => BinOp::Ge,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}
