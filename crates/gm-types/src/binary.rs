//! Binary operators: operand matching, comparisons, shifts and constant
//! folding, following Go's checker (types2) and its messages.

use gm_diag::Span;
use gm_ir::constant::{ConstValue, MAX_UNTYPED_INT_BITS, int_range};
use gm_ir::{Basic, BinOp, Expr, ExprKind, Type, TypeId, UnOp, Untyped};
use gm_syntax::ast::{self, BinaryOp};
use num_bigint::BigInt;

use crate::Checker;
use crate::operand::{Mode, Operand};
use gm_syntax::exprtext::expr_string;

/// Go's bound on a constant shift count: enough to reach the smallest
/// float64 from 1.
const MAX_CONST_SHIFT: i128 = 1023 - 1 + 52;

pub(crate) fn ir_op(op: BinaryOp) -> BinOp {
    match op {
        BinaryOp::OrOr => BinOp::OrOr,
        BinaryOp::AndAnd => BinOp::AndAnd,
        BinaryOp::Eq => BinOp::Eq,
        BinaryOp::Ne => BinOp::Ne,
        BinaryOp::Lt => BinOp::Lt,
        BinaryOp::Le => BinOp::Le,
        BinaryOp::Gt => BinOp::Gt,
        BinaryOp::Ge => BinOp::Ge,
        BinaryOp::Add => BinOp::Add,
        BinaryOp::Sub => BinOp::Sub,
        BinaryOp::Or => BinOp::Or,
        BinaryOp::Xor => BinOp::Xor,
        BinaryOp::Mul => BinOp::Mul,
        BinaryOp::Div => BinOp::Div,
        BinaryOp::Rem => BinOp::Rem,
        BinaryOp::Shl => BinOp::Shl,
        BinaryOp::Shr => BinOp::Shr,
        BinaryOp::And => BinOp::And,
        BinaryOp::AndNot => BinOp::AndNot,
    }
}

impl<'a> Checker<'a> {
    pub fn binary(
        &mut self,
        e: &'a ast::Expr,
        op: BinaryOp,
        l: &'a ast::Expr,
        r: &'a ast::Expr,
    ) -> Operand {
        let x = self.value(l);
        let y = self.value(r);
        self.binary_operands(e.span, e, ir_op(op), x, l, y, r)
    }

    /// Checks `x op y` with both operands already evaluated; also used for
    /// `x op= y`, whose message text is the whole statement (`e`).
    #[allow(clippy::too_many_arguments)]
    pub fn binary_operands(
        &mut self,
        span: Span,
        e: &ast::Expr,
        op: BinOp,
        mut x: Operand,
        l: &ast::Expr,
        mut y: Operand,
        r: &ast::Expr,
    ) -> Operand {
        if x.is_invalid() || y.is_invalid() {
            return self.invalid_at(span);
        }
        if matches!(op, BinOp::Shl | BinOp::Shr) {
            return self.shift(span, e, op, x, l, y, r);
        }
        if !self.match_types(&mut x, l, &mut y, r) {
            return self.invalid_at(span);
        }
        if x.is_invalid() || y.is_invalid() {
            let text = expr_string(e);
            let msg = format!(
                "invalid operation: {text} (mismatched types {} and {})",
                self.types.display(x.ty()),
                self.types.display(y.ty())
            );
            self.error(span, msg);
            return self.invalid_at(span);
        }
        if op.is_comparison() {
            return self.comparison(span, e, op, x, l, y, r);
        }
        if !self.types.identical(x.ty(), y.ty()) {
            let msg = format!(
                "invalid operation: {} (mismatched types {} and {})",
                expr_string(e),
                self.types.display(x.ty()),
                self.types.display(y.ty())
            );
            self.error(span, msg);
            return self.invalid_at(span);
        }
        let ty = x.ty();
        let defined = match op {
            BinOp::Add => self.types.is_numeric(ty) || self.types.is_string(ty),
            BinOp::Sub | BinOp::Mul | BinOp::Div => self.types.is_numeric(ty),
            BinOp::Rem | BinOp::And | BinOp::Or | BinOp::Xor | BinOp::AndNot => {
                self.types.is_integer(ty)
            }
            BinOp::AndAnd | BinOp::OrOr => self.types.is_boolean(ty),
            _ => true,
        };
        if !defined {
            let d = self.describe(&x, l);
            self.error(
                span,
                format!(
                    "invalid operation: operator {} not defined on {d}",
                    op.symbol()
                ),
            );
            return self.invalid_at(span);
        }
        if matches!(op, BinOp::Div | BinOp::Rem) {
            let zero = match y.const_value() {
                Some(v @ ConstValue::Int(_)) => v.is_zero(),
                Some(v @ ConstValue::Float(_)) => {
                    v.is_zero() && (x.is_const() || self.types.is_integer(ty))
                }
                _ => false,
            };
            if zero {
                self.error(r.span, "invalid operation: division by zero");
                return self.invalid_at(span);
            }
        }
        if let (Some(a), Some(b)) = (x.const_value().cloned(), y.const_value().cloned()) {
            let folded = fold_binary(op, &a, &b, self.types.is_integer(ty))
                .filter(|v| !self.types.is_untyped(ty) || within_untyped_limit(v));
            return match folded {
                Some(v) => self.typed_const(v, ty, span, e),
                None => {
                    let at = operator_span(e, span);
                    self.error(at, format!("constant {}overflow", op_name(op)));
                    self.invalid_at(span)
                }
            };
        }
        let kind = if op == BinOp::Add && self.types.is_string(ty) {
            let mut parts = Vec::new();
            for operand in [x.expr, y.expr] {
                match operand.kind {
                    ExprKind::AddStr(ps) => parts.extend(ps),
                    _ => parts.push(operand),
                }
            }
            ExprKind::AddStr(parts)
        } else {
            ExprKind::Binary(op, Box::new(x.expr), Box::new(y.expr))
        };
        Operand::new(Mode::Value, Expr::new(kind, ty, span))
    }

    fn invalid_at(&self, span: Span) -> Operand {
        Operand::new(
            Mode::Invalid,
            Expr::new(ExprKind::Zero, self.invalid_type(), span),
        )
    }

    /// Go's matchTypes: converts an untyped operand to the other's type when
    /// that can work; marks both invalid (without a message) when not.
    /// Converts an untyped operand to the other operand's type where Go
    /// may (its matchTypes); `false` when a conversion failed and was
    /// reported.
    pub fn match_types(
        &mut self,
        x: &mut Operand,
        l: &ast::Expr,
        y: &mut Operand,
        r: &ast::Expr,
    ) -> bool {
        let (xt, yt) = (x.ty(), y.ty());
        let t = &self.types;
        if !t.is_untyped(xt) && !t.is_untyped(yt) {
            return true;
        }
        if t.is_boolean(xt) != t.is_boolean(yt) || t.is_string(xt) != t.is_string(yt) {
            return true;
        }
        if x.is_nil() && !self.has_nil(yt) || y.is_nil() && !self.has_nil(xt) {
            return true;
        }
        if !x.is_nil()
            && !y.is_nil()
            && (t.pointer_elem(xt).is_some() || t.pointer_elem(yt).is_some())
        {
            return true;
        }
        self.convert_untyped(x, yt, l) && self.convert_untyped(y, x.ty(), r)
    }

    #[allow(clippy::too_many_arguments)]
    fn comparison(
        &mut self,
        span: Span,
        e: &ast::Expr,
        op: BinOp,
        mut x: Operand,
        l: &ast::Expr,
        mut y: Operand,
        r: &ast::Expr,
    ) -> Operand {
        let text = expr_string(e);
        let (xt, yt) = (x.ty(), y.ty());
        let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
        // Go reports a comparison error at the operand at fault: the second
        // one for a type mismatch.
        let mut cause: Option<(String, Span)> = None;
        let assignable = self.assignable_type(xt, yt) || self.assignable_type(yt, xt);
        if !assignable {
            let c = format!(
                "mismatched types {} and {}",
                self.types.display(xt),
                self.types.display(yt)
            );
            cause = Some((c, r.span));
        } else if ordered {
            let (t, at) = if x.is_nil() {
                (yt, r.span)
            } else {
                (xt, l.span)
            };
            if !self.types.ordered(t) {
                let c = format!(
                    "operator {} not defined on {}",
                    op.symbol(),
                    self.kind_name(t)
                );
                cause = Some((c, at));
            }
        } else if x.is_nil() || y.is_nil() {
            let other = if x.is_nil() { yt } else { xt };
            if !(self.has_nil(other) || self.types.untyped_of(other) == Some(Untyped::Nil)) {
                let c = format!(
                    "mismatched types {} and untyped nil",
                    self.types.display(other)
                );
                cause = Some((c, r.span));
            } else if x.is_nil() && y.is_nil() {
                cause = Some(("operator == not defined on nil".to_string(), r.span));
            }
        } else if !self.types.comparable(xt) {
            cause = Some((self.incomparable_cause(xt), l.span));
        } else if !self.types.comparable(yt) {
            cause = Some((self.incomparable_cause(yt), r.span));
        }
        if let Some((c, at)) = cause {
            self.error(at, format!("invalid operation: {text} ({c})"));
            return self.invalid_at(span);
        }
        let bool_ty = self.types.untyped(Untyped::Bool);
        if let (Some(a), Some(b)) = (x.const_value().cloned(), y.const_value().cloned()) {
            let v = compare(op, &a, &b);
            return Operand::new(
                Mode::Const(ConstValue::Bool(v)),
                Expr::new(ExprKind::Const(ConstValue::Bool(v)), bool_ty, span),
            );
        }
        // Operands keep their own types; untyped leftovers take defaults.
        for o in [&mut x, &mut y] {
            if self.types.is_untyped(o.ty()) && !o.is_nil() {
                let d = self.default_type(o.ty());
                let _ = self.implicit_convert(o, d);
            }
        }
        if x.is_nil() {
            x.expr.ty = y.ty();
        }
        if y.is_nil() {
            y.expr.ty = x.ty();
        }
        let ex = Expr::new(
            ExprKind::Binary(op, Box::new(x.expr), Box::new(y.expr)),
            bool_ty,
            span,
        );
        Operand::new(Mode::Value, ex)
    }

    fn kind_name(&self, t: TypeId) -> &'static str {
        match self.types.under(t) {
            Type::Struct(_) => "struct",
            Type::Array(..) => "array",
            Type::Slice(_) => "slice",
            Type::Map(..) => "map",
            Type::Pointer(_) => "pointer",
            Type::Basic(Basic::Bool) | Type::Untyped(Untyped::Bool) => "bool",
            _ => "type",
        }
    }

    fn incomparable_cause(&self, t: TypeId) -> String {
        match self.types.under(t) {
            Type::Slice(_) => "slice can only be compared to nil".into(),
            Type::Map(..) => "map can only be compared to nil".into(),
            Type::Struct(fields) => {
                let bad = fields.iter().find(|f| !self.types.comparable(f.ty));
                match bad {
                    Some(f) => format!(
                        "struct containing {} cannot be compared",
                        self.types.display(f.ty)
                    ),
                    None => "struct cannot be compared".into(),
                }
            }
            Type::Array(..) => format!("{} cannot be compared", self.types.display(t)),
            _ => format!("{} cannot be compared", self.types.display(t)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn shift(
        &mut self,
        span: Span,
        e: &ast::Expr,
        op: BinOp,
        mut x: Operand,
        l: &ast::Expr,
        mut y: Operand,
        r: &ast::Expr,
    ) -> Operand {
        // The count: an integer, non-negative if constant.
        let count_text = self.describe(&y, r);
        if let Some(v) = y.const_value().cloned() {
            let integral = v.as_int().filter(|_| self.types.is_numeric(y.ty()));
            match integral {
                Some(n) if n < 0 => {
                    let d = self.describe(&y, r);
                    self.error(
                        r.span,
                        format!("invalid operation: negative shift count {d}"),
                    );
                    return self.invalid_at(span);
                }
                Some(_) if self.types.is_untyped(y.ty()) => {
                    let uint = self.types.basic(Basic::Uint);
                    let _ = self.implicit_convert(&mut y, uint);
                }
                Some(_) if self.types.is_integer(y.ty()) => {}
                // A fractional untyped constant: Go says it is truncated.
                None if self.types.is_untyped(y.ty()) && self.types.is_numeric(y.ty()) => {
                    let uint = self.types.basic(Basic::Uint);
                    self.convert_untyped(&mut y, uint, r);
                    return self.invalid_at(span);
                }
                _ => {
                    let d = self.describe(&y, r);
                    self.error(
                        r.span,
                        format!("invalid operation: shift count {d} must be integer"),
                    );
                    return self.invalid_at(span);
                }
            }
        } else if !self.types.is_integer(y.ty()) {
            let d = self.describe(&y, r);
            self.error(
                r.span,
                format!("invalid operation: shift count {d} must be integer"),
            );
            return self.invalid_at(span);
        } else if self.types.is_untyped(y.ty()) {
            let uint = self.types.basic(Basic::Uint);
            let _ = self.set_untyped_type(&mut y.expr, uint);
        }
        if let Some(xv) = x.const_value().cloned() {
            let xi = xv.big_int().filter(|_| self.types.is_numeric(x.ty()));
            let Some(value) = xi else {
                let d = self.describe(&x, l);
                self.error(
                    l.span,
                    format!("invalid operation: shifted operand {d} must be integer"),
                );
                return self.invalid_at(span);
            };
            if let Some(count) = y.const_value().map(|v| v.as_int()) {
                // Go bounds constant shift counts just past the exponent
                // of the smallest float64.
                let Some(count) = count.filter(|&c| c <= MAX_CONST_SHIFT) else {
                    let msg = format!("invalid operation: invalid shift count {count_text}");
                    self.error(r.span, msg);
                    return self.invalid_at(span);
                };
                let v = if op == BinOp::Shl {
                    value << count as usize
                } else {
                    value >> count as usize
                };
                if self.types.is_untyped(x.ty()) && self.types.is_float(x.ty()) {
                    // An integral untyped float shifts as an untyped int;
                    // in a non-constant shift it keeps its kind until the
                    // context types it.
                    x.expr.ty = self.types.untyped(Untyped::Int);
                }
                let ty = x.ty();
                if self.types.is_untyped(ty) && v.bits() > MAX_UNTYPED_INT_BITS {
                    self.error(operator_span(e, span), "constant shift overflow");
                    return self.invalid_at(span);
                }
                return self.typed_const(ConstValue::Int(v), ty, span, e);
            }
            // A non-constant shift of an untyped constant: its type comes
            // from the context (see `set_untyped_type`).
            self.shift_operand_texts.insert(x.expr.span, expr_string(l));
            x.mode = Mode::Value;
            let ty = x.ty();
            let ex = Expr::new(
                ExprKind::Binary(op, Box::new(x.expr), Box::new(y.expr)),
                ty,
                span,
            );
            return Operand::new(Mode::Value, ex);
        }
        if !self.types.is_integer(x.ty()) {
            let d = self.describe(&x, l);
            self.error(
                l.span,
                format!("invalid operation: shifted operand {d} must be integer"),
            );
            return self.invalid_at(span);
        }
        let ty = x.ty();
        let ex = Expr::new(
            ExprKind::Binary(op, Box::new(x.expr), Box::new(y.expr)),
            ty,
            span,
        );
        Operand::new(Mode::Value, ex)
    }

    /// Folds a unary operator on a constant of type `ty`.
    pub fn fold_unary(&mut self, op: UnOp, v: &ConstValue, ty: TypeId) -> Option<ConstValue> {
        Some(match (op, v) {
            (UnOp::Plus, v) => v.clone(),
            (UnOp::Neg, ConstValue::Int(i)) => ConstValue::Int(-i),
            // Rationals have no negative zero, as Go's constants have none.
            (UnOp::Neg, ConstValue::Float(f)) => ConstValue::Float(Box::new(-&**f)),
            (UnOp::Not, ConstValue::Bool(b)) => ConstValue::Bool(!b),
            (UnOp::BitNot, ConstValue::Int(i)) => match self.types.basic_of(ty) {
                // Within the type's range, `^x` is `max - x`.
                Some(b) if b.is_unsigned() => ConstValue::Int(BigInt::from(int_range(b).1) - i),
                _ => ConstValue::Int(!i),
            },
            _ => return None,
        })
    }
}

/// Folds a binary operator on two constants; `integer` selects integer
/// division. `None` when a float result is out of reach.
pub(crate) fn fold_binary(
    op: BinOp,
    a: &ConstValue,
    b: &ConstValue,
    integer: bool,
) -> Option<ConstValue> {
    use ConstValue::*;
    if let (String(x), String(y)) = (a, b) {
        return match op {
            BinOp::Add => Some(ConstValue::string(&[&x[..], &y[..]].concat())),
            _ => None,
        };
    }
    if let (Bool(x), Bool(y)) = (a, b) {
        return match op {
            BinOp::AndAnd => Some(Bool(*x && *y)),
            BinOp::OrOr => Some(Bool(*x || *y)),
            _ => None,
        };
    }
    if let (Int(x), Int(y)) = (a, b) {
        // Go keeps integers integers except in float division.
        let v = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            // Truncated division and remainder, as Go's.
            BinOp::Div if integer => x / y,
            BinOp::Rem => x % y,
            BinOp::And => x & y,
            BinOp::Or => x | y,
            BinOp::Xor => x ^ y,
            BinOp::AndNot => x & !y,
            _ => return fold_float(op, a, b),
        };
        return Some(Int(v));
    }
    fold_float(op, a, b)
}

fn fold_float(op: BinOp, a: &ConstValue, b: &ConstValue) -> Option<ConstValue> {
    let (x, y) = (a.rational()?, b.rational()?);
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        _ => return None,
    };
    ConstValue::float(r)
}

/// Untyped integer constants stay within Go's 512 bits.
fn within_untyped_limit(v: &ConstValue) -> bool {
    !matches!(v, ConstValue::Int(i) if i.bits() > MAX_UNTYPED_INT_BITS)
}

/// Where Go reports a constant operation's overflow: at the operator.
fn operator_span(e: &ast::Expr, whole: Span) -> Span {
    match &e.kind {
        ast::ExprKind::Binary(_, _, _, op) => *op,
        _ => whole,
    }
}

/// The operation named in Go's `constant … overflow` message.
fn op_name(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "addition ",
        BinOp::Sub => "subtraction ",
        BinOp::Xor => "bitwise XOR ",
        BinOp::Mul => "multiplication ",
        BinOp::Shl => "shift ",
        _ => "",
    }
}

fn compare(op: BinOp, a: &ConstValue, b: &ConstValue) -> bool {
    use std::cmp::Ordering;
    let ord = match (a, b) {
        (ConstValue::Int(x), ConstValue::Int(y)) => x.cmp(y),
        (ConstValue::String(x), ConstValue::String(y)) => x.cmp(y),
        (ConstValue::Bool(x), ConstValue::Bool(y)) => x.cmp(y),
        _ => a
            .rational()
            .zip(b.rational())
            .map_or(Ordering::Less, |(x, y)| x.cmp(&y)),
    };
    match op {
        BinOp::Eq => ord == Ordering::Equal,
        BinOp::Ne => ord != Ordering::Equal,
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}
