//! Expressions: names, literals, selectors, indexing, slicing, unary
//! operators, calls and conversions, and the implicit conversion of untyped
//! operands. Binary operators live in `binary.rs`, builtins in `builtin.rs`,
//! composite literals in `lit.rs`.

use gm_diag::Span;
use gm_ir::constant::literal::{self, FloatError};
use gm_ir::constant::{ConstValue, MAX_UNTYPED_INT_BITS, representable};
use gm_ir::{
    AllocPlace, Basic, ConvBuf, Expr, ExprKind, SliceKind, Type, TypeId, UnOp, Untyped, Var,
};
use gm_syntax::ast::{self, ExprKind as A, UnaryOp, Unsupported};

use crate::operand::{Mode, Operand};
use crate::{Checker, Dep, Entity, universe};
use gm_syntax::exprtext::expr_string;

/// Why an implicit conversion failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConvError {
    Truncated,
    Overflows,
    Invalid,
}

/// Go refuses number literals longer than this, whatever their value.
const MAX_LITERAL_LEN: usize = 10_000;

impl<'a> Checker<'a> {
    /// Resolves a name through the function's scopes, the package and the
    /// universe, recording dependencies on globals and functions.
    pub fn lookup(&mut self, name: &str, _span: Span) -> Option<Entity> {
        if let Some(fc) = &self.fc
            && let Some(e) = fc.scopes.lookup(name)
        {
            return Some(e.clone());
        }
        if let Some(e) = self.pkg.get(name).cloned() {
            let e = match e {
                Entity::Object(i) => self.resolve_object(i),
                e => e,
            };
            match e {
                Entity::Global(g) => {
                    self.deps.insert(Dep::Global(g));
                }
                Entity::Func(f) => {
                    self.deps.insert(Dep::Func(f));
                }
                _ => {}
            }
            return Some(e);
        }
        universe::lookup(&self.types, name)
    }

    fn invalid(&self, span: Span) -> Operand {
        Operand::new(
            Mode::Invalid,
            Expr::new(ExprKind::Zero, self.invalid_type(), span),
        )
    }

    /// Checks an expression that may denote a value, a type or a builtin.
    pub fn expr(&mut self, e: &'a ast::Expr) -> Operand {
        let span = e.span;
        match &e.kind {
            A::Ident(name) => self.ident(name, span),
            A::Int(text) | A::Float(text) if text.len() > MAX_LITERAL_LEN => {
                let head: String = text.chars().take(10).collect();
                let n = text.len();
                self.error(
                    span,
                    format!("excessively long constant: {head}... ({n} chars)"),
                );
                self.invalid(span)
            }
            A::Int(text) => match literal::int_value(text) {
                Some(v) if v.bits() <= MAX_UNTYPED_INT_BITS => {
                    self.constant(ConstValue::Int(v), Untyped::Int, span)
                }
                _ => {
                    self.error(span, "constant overflow");
                    self.invalid(span)
                }
            },
            A::Float(text) => match literal::float_value(text).map(ConstValue::float) {
                Ok(Some(v)) => self.constant(v, Untyped::Float, span),
                Ok(None) | Err(FloatError::Malformed) => {
                    self.error(span, format!("malformed constant: {text}"));
                    self.invalid(span)
                }
                Err(FloatError::ExponentTooLarge) => {
                    let msg = format!(
                        "unsupported: floating-point constant {text} with an exponent beyond ±{}",
                        literal::MAX_DECIMAL_EXPONENT
                    );
                    self.error(span, msg);
                    self.invalid(span)
                }
            },
            A::Rune(r) => self.constant(ConstValue::int(*r), Untyped::Rune, span),
            A::Str(s) => self.constant(ConstValue::string(s), Untyped::String, span),
            A::Paren(x) => {
                let mut op = self.expr(x);
                op.expr.span = span;
                op
            }
            A::Binary(op, l, r, _) => self.binary(e, *op, l, r),
            A::Unary(op, x) => self.unary(e, *op, x),
            A::Selector(x, sel) => self.selector(e, x, sel),
            A::Index(x, i) => self.index(e, x, i),
            A::Slice { x, lo, hi, max } => {
                self.slice_expr(e, x, [lo.as_deref(), hi.as_deref(), max.as_deref()])
            }
            A::Call { func, args, spread } => self.call(e, func, args, *spread),
            A::Composite { ty, elems, lbrace } => {
                self.composite(e, ty.as_deref(), elems, *lbrace, None)
            }
            A::Type(t) => {
                let ty = self.resolve_type(t);
                Operand::new(Mode::Type(ty), Expr::new(ExprKind::Zero, ty, span))
            }
            A::Unsupported(what) => {
                self.unsupported(span, *what);
                self.invalid(span)
            }
        }
    }

    fn constant(&mut self, v: ConstValue, kind: Untyped, span: Span) -> Operand {
        let ty = self.types.untyped(kind);
        Operand::new(
            Mode::Const(v.clone()),
            Expr::new(ExprKind::Const(v), ty, span),
        )
    }

    /// Checks an expression that must be a single value.
    pub fn value(&mut self, e: &'a ast::Expr) -> Operand {
        let op = self.expr(e);
        self.require_value(op, e)
    }

    pub fn require_value(&mut self, op: Operand, e: &ast::Expr) -> Operand {
        let msg = match &op.mode {
            Mode::Type(_) => Some(format!("{} (type) is not an expression", expr_string(e))),
            Mode::Builtin(b) => Some(format!(
                "{} (built-in function {}) must be called",
                expr_string(e),
                b.name()
            )),
            Mode::NoValue => Some(format!("{} (no value) used as value", expr_string(e))),
            Mode::Func(_) => {
                self.unsupported(e.span, Unsupported::FunctionValues);
                return self.invalid(e.span);
            }
            _ if self.types.tuple_elems(op.ty()).is_some() => Some(format!(
                "multiple-value {} (value of type {}) in single-value context",
                expr_string(e),
                self.types.display(op.ty())
            )),
            _ => None,
        };
        match msg {
            Some(m) => {
                self.error(e.span, m);
                self.invalid(e.span)
            }
            None => op,
        }
    }

    fn ident(&mut self, name: &str, span: Span) -> Operand {
        if name == "_" {
            self.error(span, "cannot use _ as value or type");
            return self.invalid(span);
        }
        let Some(entity) = self.lookup(name, span) else {
            if !self.imported.contains(name) {
                self.error(span, format!("undefined: {name}"));
            }
            return self.invalid(span);
        };
        match entity {
            Entity::Local(id) => {
                if let Some(fc) = &mut self.fc {
                    fc.used.insert(id);
                }
                let ty = self.func().locals[id].ty;
                if self.is_invalid(ty) {
                    return self.invalid(span);
                }
                Operand::new(Mode::Variable, Expr::local(id, ty, span))
            }
            Entity::Global(g) => {
                let ty = self.globals[g].ty;
                if self.is_invalid(ty) {
                    return self.invalid(span);
                }
                Operand::new(
                    Mode::Variable,
                    Expr::new(ExprKind::Name(Var::Global(g)), ty, span),
                )
            }
            Entity::Const(ty, v) => Operand::new(
                Mode::Const(v.clone()),
                Expr::new(ExprKind::Const(v), ty, span),
            ),
            Entity::Type(t) => Operand::new(Mode::Type(t), Expr::new(ExprKind::Zero, t, span)),
            Entity::Func(f) => {
                let ty = self.invalid_type();
                Operand::new(Mode::Func(f), Expr::new(ExprKind::Zero, ty, span))
            }
            Entity::Builtin(b) => {
                let ty = self.invalid_type();
                Operand::new(Mode::Builtin(b), Expr::new(ExprKind::Zero, ty, span))
            }
            Entity::Nil => {
                let ty = self.types.untyped(Untyped::Nil);
                Operand::new(Mode::Value, Expr::new(ExprKind::Nil, ty, span))
            }
            Entity::Iota => match self.iota {
                Some(v) => self.constant(ConstValue::int(v), Untyped::Int, span),
                None => {
                    self.error(span, "cannot use iota outside constant declaration");
                    self.invalid(span)
                }
            },
            Entity::Unsupported(what) => {
                self.unsupported(span, what);
                self.invalid(span)
            }
            Entity::Object(_) | Entity::Invalid => self.invalid(span),
        }
    }

    // ------------------------------------------------------------ untyped

    /// The type an untyped value gets when nothing else decides it.
    pub fn default_type(&self, t: TypeId) -> TypeId {
        match self.types.untyped_of(t) {
            Some(Untyped::Bool) => self.types.basic(Basic::Bool),
            Some(Untyped::Int) => self.types.basic(Basic::Int),
            Some(Untyped::Rune) => self.types.basic(Basic::Rune),
            Some(Untyped::Float) => self.types.basic(Basic::Float64),
            Some(Untyped::String) => self.types.basic(Basic::String),
            _ => t,
        }
    }

    /// Converts an untyped operand to `target` in place (Go's
    /// implicitTypeAndValue). Typed operands are left alone.
    pub fn implicit_convert(&mut self, op: &mut Operand, target: TypeId) -> Result<(), ConvError> {
        if op.is_invalid() || !self.types.is_untyped(op.ty()) || self.is_invalid(target) {
            return Ok(());
        }
        if let Some(tu) = self.types.untyped_of(target) {
            let xu = self.types.untyped_of(op.ty()).unwrap_or(tu);
            if xu == Untyped::Nil || tu == Untyped::Nil {
                return if xu == tu {
                    Ok(())
                } else {
                    Err(ConvError::Invalid)
                };
            }
            let numeric = |u: Untyped| matches!(u, Untyped::Int | Untyped::Rune | Untyped::Float);
            if xu == tu {
                return Ok(());
            }
            if numeric(xu) && numeric(tu) {
                let m = xu.max(tu);
                // The value keeps its kind, as in Go: an integer stays one
                // (and prints as one) in an untyped float context.
                op.expr.ty = self.types.untyped(m);
                return Ok(());
            }
            return Err(ConvError::Invalid);
        }
        if op.is_nil() {
            return if self.has_nil(target) {
                op.expr.ty = target;
                Ok(())
            } else {
                Err(ConvError::Invalid)
            };
        }
        let Some(b) = self.types.basic_of(target) else {
            return Err(ConvError::Invalid);
        };
        if let Mode::Const(v) = &op.mode {
            let Some(nv) = representable(v, b) else {
                let from_float = self.types.is_float(op.ty());
                let numeric = self.types.is_numeric(op.ty()) && self.types.is_numeric(target);
                return Err(if !numeric {
                    ConvError::Invalid
                } else if from_float && self.types.is_integer(target) {
                    ConvError::Truncated
                } else {
                    ConvError::Overflows
                });
            };
            op.mode = Mode::Const(nv.clone());
            op.expr.kind = ExprKind::Const(nv);
            op.expr.ty = target;
            return Ok(());
        }
        let ok = match self.types.untyped_of(op.ty()) {
            Some(Untyped::Bool) => self.types.is_boolean(target),
            Some(Untyped::Int | Untyped::Rune | Untyped::Float) => self.types.is_numeric(target),
            Some(Untyped::String) => self.types.is_string(target),
            _ => false,
        };
        if !ok {
            return Err(ConvError::Invalid);
        }
        self.set_untyped_type(&mut op.expr, target)
    }

    /// Gives a non-constant untyped expression tree its final type (Go's
    /// updateExprType): the operands of untyped shifts and arithmetic follow.
    pub fn set_untyped_type(&mut self, e: &mut Expr, target: TypeId) -> Result<(), ConvError> {
        if !self.types.is_untyped(e.ty) {
            return Ok(());
        }
        e.ty = target;
        match &mut e.kind {
            ExprKind::Const(v) => {
                let b = self.types.basic_of(target).ok_or(ConvError::Invalid)?;
                match representable(v, b) {
                    Some(nv) => *v = nv,
                    None => return Err(ConvError::Overflows),
                }
            }
            ExprKind::Binary(op, l, r) => {
                if op.is_comparison() {
                    return Ok(());
                }
                if matches!(op, gm_ir::BinOp::Shl | gm_ir::BinOp::Shr) {
                    if !self.types.is_integer(target) {
                        let text = self
                            .shift_operand_texts
                            .get(&l.span)
                            .cloned()
                            .unwrap_or_else(|| shift_operand_text(l));
                        let msg = format!(
                            "invalid operation: shifted operand {text} (type {}) must be integer",
                            self.types.display(target)
                        );
                        self.error(l.span, msg);
                        return Ok(());
                    }
                    if let ExprKind::Const(v) = &l.kind
                        && let Some(b) = self.types.basic_of(target)
                        && representable(v, b).is_none()
                    {
                        // Go names the constant operand that does not fit.
                        let text = self
                            .shift_operand_texts
                            .get(&l.span)
                            .cloned()
                            .unwrap_or_else(|| shift_operand_text(l));
                        let shown = Operand::new(Mode::Const(v.clone()), (**l).clone());
                        let d = self.describe_text(&shown, &text);
                        let t = self.types.display(target);
                        self.error(l.span, format!("{d} overflows {t}"));
                        return Ok(());
                    }
                    return self.set_untyped_type(l, target);
                }
                self.set_untyped_type(l, target)?;
                self.set_untyped_type(r, target)?;
            }
            ExprKind::Unary(_, x) => self.set_untyped_type(x, target)?,
            _ => {}
        }
        Ok(())
    }

    /// Reports a failed implicit conversion as Go's convertUntyped does.
    pub fn convert_untyped(&mut self, op: &mut Operand, target: TypeId, src: &ast::Expr) -> bool {
        match self.implicit_convert(op, target) {
            Ok(()) => true,
            Err(err) => {
                let d = self.describe(op, src);
                let t = self.types.display(self.types.underlying(target));
                let msg = match err {
                    ConvError::Truncated => format!("{d} truncated to {t}"),
                    ConvError::Overflows => format!("{d} overflows {t}"),
                    ConvError::Invalid => format!("cannot convert {d} to type {t}"),
                };
                self.error(src.span, msg);
                op.mode = Mode::Invalid;
                false
            }
        }
    }

    pub fn has_nil(&self, t: TypeId) -> bool {
        matches!(
            self.types.under(t),
            Type::Pointer(_) | Type::Slice(_) | Type::Map(..) | Type::Basic(Basic::UnsafePointer)
        )
    }

    /// Go's assignability for typed values (untyped ones are converted first).
    pub fn assignable_type(&self, from: TypeId, to: TypeId) -> bool {
        if self.types.identical(from, to) {
            return true;
        }
        if self.is_invalid(from) || self.is_invalid(to) {
            return true;
        }
        // Identical underlying types and at least one side not a defined type.
        let (uf, ut) = (self.types.underlying(from), self.types.underlying(to));
        let named =
            |t: TypeId| self.types.is_named(t) || matches!(self.types.get(t), Type::Basic(_));
        self.types.identical(uf, ut) && (!named(from) || !named(to))
    }

    /// Checks that `op` can be assigned to a `target` and returns its IR.
    pub fn assign_value(
        &mut self,
        op: Operand,
        target: TypeId,
        src: &ast::Expr,
        context: &str,
    ) -> Expr {
        if op.is_invalid() || self.is_invalid(target) {
            return op.expr;
        }
        let mut op = self.require_value(op, src);
        if op.is_invalid() {
            return op.expr;
        }
        if self.types.is_untyped(op.ty())
            && let Err(err) = self.implicit_convert(&mut op, target)
        {
            let d = self.describe(&op, src);
            let mut msg = format!(
                "cannot use {d} as {} value in {context}",
                self.types.display(target)
            );
            match err {
                ConvError::Truncated => msg.push_str(" (truncated)"),
                ConvError::Overflows => msg.push_str(" (overflows)"),
                ConvError::Invalid => {}
            }
            self.error(src.span, msg);
            return op.expr;
        }
        if !self.assignable_type(op.ty(), target) {
            let d = self.describe(&op, src);
            let msg = format!(
                "cannot use {d} as {} value in {context}",
                self.types.display(target)
            );
            self.error(src.span, msg);
        }
        op.expr.ty = target;
        op.expr
    }

    /// The value of `x := e` / `var x = e`: untyped values take their
    /// default type; `nil` has none.
    pub fn define_value(&mut self, op: Operand, src: &ast::Expr, context: &str) -> Expr {
        let mut op = self.require_value(op, src);
        if op.is_invalid() {
            return op.expr;
        }
        if op.is_nil() {
            self.error(src.span, format!("use of untyped nil in {context}"));
            op.expr.ty = self.invalid_type();
            return op.expr;
        }
        if self.types.is_untyped(op.ty()) {
            let target = self.default_type(op.ty());
            if let Err(err) = self.implicit_convert(&mut op, target) {
                let d = self.describe(&op, src);
                let mut msg = format!(
                    "cannot use {d} as {} value in {context}",
                    self.types.display(target)
                );
                if err == ConvError::Overflows {
                    msg.push_str(" (overflows)");
                }
                self.error(src.span, msg);
            }
        }
        op.expr
    }

    /// Converts an operand used where any typed value will do (print
    /// arguments, switch tags): untyped values take their default type.
    pub fn defaulted(&mut self, op: Operand, src: &ast::Expr) -> Operand {
        if op.is_invalid() || !self.types.is_untyped(op.ty()) || op.is_nil() {
            return op;
        }
        let mut op = op;
        let target = self.default_type(op.ty());
        self.convert_untyped(&mut op, target, src);
        op
    }

    /// The entity a constant declaration gets.
    pub fn const_entity(
        &mut self,
        op: Operand,
        declared: Option<TypeId>,
        src: &'a ast::Expr,
    ) -> Entity {
        if op.is_invalid() {
            return Entity::Invalid;
        }
        let Mode::Const(_) = op.mode else {
            let d = self.describe(&op, src);
            self.error(src.span, format!("{d} is not constant"));
            return Entity::Invalid;
        };
        let mut op = op;
        if let Some(t) = declared {
            if self.is_invalid(t) {
                return Entity::Invalid;
            }
            if self.types.basic_of(t).is_none() {
                let msg = format!("invalid constant type {}", self.types.display(t));
                self.error(src.span, msg);
                return Entity::Invalid;
            }
            let e = self.assign_value(op.clone(), t, src, "constant declaration");
            if let ExprKind::Const(v) = e.kind {
                op.mode = Mode::Const(v);
            }
            op.expr.ty = t;
        }
        match op.mode {
            Mode::Const(v) => Entity::Const(op.expr.ty, v),
            _ => Entity::Invalid,
        }
    }

    // ------------------------------------------------------------ selectors

    fn selector(&mut self, e: &'a ast::Expr, x: &'a ast::Expr, sel: &'a ast::Ident) -> Operand {
        let xo = self.value(x);
        if xo.is_invalid() || self.is_invalid(xo.ty()) {
            return self.invalid(e.span);
        }
        let span = e.span;
        let mut base = xo.ty();
        let through_ptr = match self.types.pointer_elem(base) {
            Some(elem) if self.types.struct_fields(elem).is_some() => {
                base = elem;
                true
            }
            _ => false,
        };
        let found = self.types.struct_fields(base).and_then(|fields| {
            fields
                .iter()
                .position(|f| f.name == sel.name && f.name != "_")
        });
        let Some(index) = found else {
            let msg = format!(
                "{}.{} undefined (type {} has no field or method {})",
                expr_string(x),
                sel.name,
                self.types.display(xo.ty()),
                sel.name
            );
            self.error(sel.span, msg);
            return self.invalid(span);
        };
        let fty = self
            .types
            .struct_fields(base)
            .map(|f| f[index].ty)
            .unwrap_or(base);
        if through_ptr {
            let ex = Expr::new(ExprKind::DotPtr(Box::new(xo.expr), index), fty, span);
            return Operand::new(Mode::Variable, ex);
        }
        let mode = match xo.mode {
            Mode::Variable => Mode::Variable,
            _ => Mode::Value,
        };
        Operand::new(
            mode,
            Expr::new(ExprKind::Dot(Box::new(xo.expr), index), fty, span),
        )
    }

    // ------------------------------------------------------------ indexing

    /// Checks an index operand: an integer, non-negative if constant and
    /// below `len` when that is known.
    pub fn index_value(&mut self, e: &'a ast::Expr, len: Option<u64>, what: &str) -> Expr {
        let mut op = self.value(e);
        if op.is_invalid() {
            return op.expr;
        }
        if self.types.is_untyped(op.ty()) && op.is_const() {
            let int = self.types.basic(Basic::Int);
            if !self.convert_untyped(&mut op, int, e) {
                return op.expr;
            }
        } else if !self.types.is_integer(op.ty()) {
            let d = self.describe(&op, e);
            self.error(
                e.span,
                format!("invalid argument: {what} {d} must be integer"),
            );
            return op.expr;
        } else if self.types.is_untyped(op.ty()) {
            let int = self.types.basic(Basic::Int);
            let _ = self.set_untyped_type(&mut op.expr, int);
        }
        if let Some(v) = op.const_value().and_then(|v| v.as_int()) {
            if v < 0 {
                let d = self.describe(&op, e);
                self.error(
                    e.span,
                    format!("invalid argument: {what} {d} must not be negative"),
                );
            } else if let Some(n) = len
                && v as u128 >= u128::from(n)
            {
                let msg = format!(
                    "invalid argument: {what} {} out of bounds [0:{n}]",
                    expr_string(e)
                );
                self.error(e.span, msg);
            }
        }
        op.expr
    }

    fn index(&mut self, e: &'a ast::Expr, x: &'a ast::Expr, i: &'a ast::Expr) -> Operand {
        let xo = self.value(x);
        if xo.is_invalid() {
            self.expr(i);
            return xo;
        }
        let span = e.span;
        let xt = xo.ty();
        if let Some((k, v)) = self.types.map_types(xt) {
            let ko = self.value(i);
            let key = self.assign_value(ko, k, i, "map index");
            let ex = Expr::new(
                ExprKind::IndexMap(Box::new(xo.expr), Box::new(key)),
                v,
                span,
            );
            return Operand::new(Mode::MapIndex, ex);
        }
        if self.types.is_string(xt) {
            let len = xo
                .const_value()
                .and_then(|v| v.as_str())
                .map(|s| s.len() as u64);
            let idx = self.index_value(i, len, "index");
            let mut x_expr = xo.expr;
            if self.types.is_untyped(x_expr.ty) {
                x_expr.ty = self.types.basic(Basic::String);
            }
            let byte = self.types.basic(Basic::Byte);
            let ex = Expr::new(ExprKind::Index(Box::new(x_expr), Box::new(idx)), byte, span);
            return Operand::new(Mode::Value, ex);
        }
        if let Some((elem, n)) = self.types.array_of(xt) {
            let idx = self.index_value(i, Some(n), "index");
            let mode = if xo.mode == Mode::Variable {
                Mode::Variable
            } else {
                Mode::Value
            };
            let ex = Expr::new(
                ExprKind::Index(Box::new(xo.expr), Box::new(idx)),
                elem,
                span,
            );
            return Operand::new(mode, ex);
        }
        if let Some((elem, n)) = self
            .types
            .pointer_elem(xt)
            .and_then(|p| self.types.array_of(p))
        {
            let idx = self.index_value(i, Some(n), "index");
            let arr = self.types.pointer_elem(xt).unwrap_or(xt);
            let deref = Expr::new(ExprKind::Deref(Box::new(xo.expr)), arr, x.span);
            let ex = Expr::new(ExprKind::Index(Box::new(deref), Box::new(idx)), elem, span);
            return Operand::new(Mode::Variable, ex);
        }
        if let Some(elem) = self.types.slice_elem(xt) {
            let idx = self.index_value(i, None, "index");
            let ex = Expr::new(
                ExprKind::Index(Box::new(xo.expr), Box::new(idx)),
                elem,
                span,
            );
            return Operand::new(Mode::Variable, ex);
        }
        let d = self.describe(&xo, x);
        // Go reports it at the `[`.
        let at = Span::new(x.span.hi as usize, x.span.hi as usize + 1);
        self.error(at, format!("invalid operation: cannot index {d}"));
        self.expr(i);
        self.invalid(span)
    }

    fn slice_expr(
        &mut self,
        e: &'a ast::Expr,
        x: &'a ast::Expr,
        indices: [Option<&'a ast::Expr>; 3],
    ) -> Operand {
        let xo = self.value(x);
        if xo.is_invalid() {
            return xo;
        }
        let span = e.span;
        let xt = xo.ty();
        let (kind, result, len, base) = if self.types.is_string(xt) {
            if let Some(max) = indices[2] {
                self.error(max.span, "invalid operation: 3-index slice of string");
                return self.invalid(span);
            }
            let len = xo
                .const_value()
                .and_then(|v| v.as_str())
                .map(|s| s.len() as u64);
            let mut x_expr = xo.expr;
            let result = if self.types.is_untyped(x_expr.ty) {
                x_expr.ty = self.types.basic(Basic::String);
                x_expr.ty
            } else {
                xt
            };
            (SliceKind::String, result, len, x_expr)
        } else if let Some((elem, n)) = self.types.array_of(xt) {
            if xo.mode != Mode::Variable {
                let d = self.describe(&xo, x);
                self.error(
                    x.span,
                    format!("invalid operation: {d} (slice of unaddressable value)"),
                );
                return self.invalid(span);
            }
            let result = self.types.slice(elem);
            let ptr = self.types.pointer(xt);
            self.mark_addr_taken(&xo.expr);
            let addr = Expr::new(ExprKind::Addr(Box::new(xo.expr)), ptr, x.span);
            (SliceKind::Array, result, Some(n), addr)
        } else if let Some((elem, n)) = self
            .types
            .pointer_elem(xt)
            .and_then(|p| self.types.array_of(p))
        {
            let result = self.types.slice(elem);
            (SliceKind::Array, result, Some(n), xo.expr)
        } else if self.types.slice_elem(xt).is_some() {
            (SliceKind::Slice, xt, None, xo.expr)
        } else {
            let d = self.describe(&xo, x);
            self.error(x.span, format!("invalid operation: cannot slice {d}"));
            return self.invalid(span);
        };
        // Indices may equal the length when slicing.
        let bound = len.map(|n| n + 1);
        let [lo, hi, max] = indices.map(|i| i.map(|i| self.index_value(i, bound, "index")));
        self.check_slice_order(&indices, [&lo, &hi, &max]);
        let ex = Expr::new(
            ExprKind::Slice {
                kind,
                x: Box::new(base),
                lo: lo.map(Box::new),
                hi: hi.map(Box::new),
                max: max.map(Box::new),
            },
            result,
            span,
        );
        Operand::new(Mode::Value, ex)
    }

    /// Constant slice indices must not decrease: Go reports the first index
    /// smaller than one before it.
    fn check_slice_order(&mut self, asts: &[Option<&ast::Expr>; 3], exprs: [&Option<Expr>; 3]) {
        let konst = |e: &Option<Expr>| match e.as_ref().map(|e| &e.kind) {
            Some(ExprKind::Const(v)) => v.as_int(),
            _ => None,
        };
        let values = exprs.map(konst);
        for i in 0..values.len() {
            let Some(x) = values[i].filter(|&x| x > 0) else {
                continue;
            };
            for j in i + 1..values.len() {
                if let (Some(y), Some(at)) = (values[j], asts[j])
                    && y >= 0
                    && y < x
                {
                    self.error(at.span, format!("invalid slice indices: {y} < {x}"));
                    return;
                }
            }
        }
    }

    /// Records that the variable under an address-of is address-taken.
    pub fn mark_addr_taken(&mut self, e: &Expr) {
        if let (Some(id), Some(fc)) = (e.outer_local(&self.types), &mut self.fc) {
            fc.func.locals[id].addr_taken = true;
        }
    }

    // ------------------------------------------------------------ unary

    fn unary(&mut self, e: &'a ast::Expr, op: UnaryOp, x: &'a ast::Expr) -> Operand {
        let span = e.span;
        match op {
            UnaryOp::Addr => {
                if let A::Composite { .. } = strip_parens(x).kind {
                    let lit = self.value(x);
                    if lit.is_invalid() {
                        return lit;
                    }
                    let ty = self.types.pointer(lit.ty());
                    return Operand::new(
                        Mode::Value,
                        Expr::new(
                            ExprKind::PtrLit(Box::new(lit.expr), AllocPlace::default()),
                            ty,
                            span,
                        ),
                    );
                }
                let xo = self.value(x);
                if xo.is_invalid() {
                    return xo;
                }
                if xo.mode != Mode::Variable {
                    let d = self.describe(&xo, x);
                    self.error(
                        x.span,
                        format!("invalid operation: cannot take address of {d}"),
                    );
                    return self.invalid(span);
                }
                self.mark_addr_taken(&xo.expr);
                let ty = self.types.pointer(xo.ty());
                Operand::new(
                    Mode::Value,
                    Expr::new(ExprKind::Addr(Box::new(xo.expr)), ty, span),
                )
            }
            UnaryOp::Deref => {
                let xo = self.expr(x);
                if let Mode::Type(t) = xo.mode {
                    let p = self.types.pointer(t);
                    return Operand::new(Mode::Type(p), Expr::new(ExprKind::Zero, p, span));
                }
                let xo = self.require_value(xo, x);
                if xo.is_invalid() {
                    return xo;
                }
                if xo.is_nil() {
                    self.error(x.span, "invalid operation: cannot indirect nil");
                    return self.invalid(span);
                }
                match self.types.pointer_elem(xo.ty()) {
                    Some(elem) => Operand::new(
                        Mode::Variable,
                        Expr::new(ExprKind::Deref(Box::new(xo.expr)), elem, span),
                    ),
                    None => {
                        let d = self.describe(&xo, x);
                        self.error(x.span, format!("invalid operation: cannot indirect {d}"));
                        self.invalid(span)
                    }
                }
            }
            UnaryOp::Plus | UnaryOp::Neg | UnaryOp::Not | UnaryOp::BitNot => {
                let xo = self.value(x);
                if xo.is_invalid() {
                    return xo;
                }
                let ty = xo.ty();
                let ok = match op {
                    UnaryOp::Not => self.types.is_boolean(ty),
                    UnaryOp::BitNot => self.types.is_integer(ty),
                    _ => self.types.is_numeric(ty),
                };
                if !ok {
                    let d = self.describe(&xo, x);
                    self.error(
                        x.span,
                        format!(
                            "invalid operation: operator {} not defined on {d}",
                            op.symbol()
                        ),
                    );
                    return self.invalid(span);
                }
                let irop = match op {
                    UnaryOp::Plus => UnOp::Plus,
                    UnaryOp::Neg => UnOp::Neg,
                    UnaryOp::Not => UnOp::Not,
                    _ => UnOp::BitNot,
                };
                if let Mode::Const(v) = &xo.mode {
                    if let Some(r) = self.fold_unary(irop, v, ty) {
                        return self.typed_const(r, ty, span, e);
                    }
                    // Operators undefined on the operand were refused above;
                    // this is a fold that has no result.
                    self.error(span, "constant overflow");
                    return self.invalid(span);
                }
                Operand::new(
                    Mode::Value,
                    Expr::new(ExprKind::Unary(irop, Box::new(xo.expr)), ty, span),
                )
            }
        }
    }

    /// A constant result of an operation, checked against its type.
    pub fn typed_const(&mut self, v: ConstValue, ty: TypeId, span: Span, e: &ast::Expr) -> Operand {
        let mut v = v;
        if !self.types.is_untyped(ty)
            && let Some(b) = self.types.basic_of(ty)
        {
            match representable(&v, b) {
                Some(nv) => v = nv,
                None => {
                    let value = crate::operand::const_text(&v);
                    let msg = format!(
                        "{} (constant {value} of type {}) overflows {}",
                        expr_string(e),
                        self.types.display(ty),
                        self.types.display(ty)
                    );
                    self.error(span, msg);
                    return self.invalid(span);
                }
            }
        }
        Operand::new(
            Mode::Const(v.clone()),
            Expr::new(ExprKind::Const(v), ty, span),
        )
    }

    // ------------------------------------------------------------ calls

    fn call(
        &mut self,
        e: &'a ast::Expr,
        func: &'a ast::Expr,
        args: &'a [ast::Expr],
        spread: bool,
    ) -> Operand {
        let fo = self.expr(func);
        let span = e.span;
        match fo.mode {
            Mode::Invalid => {
                for a in args {
                    self.expr(a);
                }
                fo
            }
            Mode::Type(t) => self.conversion(e, t, args, spread),
            Mode::Builtin(b) => self.builtin(e, b, args, spread),
            Mode::Func(id) => self.func_call(e, id, func, args, spread),
            _ => {
                let d = self.describe(&fo, func);
                // Go leaves the arguments unchecked (and their variables
                // unused).
                self.error(
                    span,
                    format!("invalid operation: cannot call non-function {d}"),
                );
                let _ = args;
                self.invalid(span)
            }
        }
    }

    fn func_call(
        &mut self,
        e: &'a ast::Expr,
        id: gm_ir::FuncId,
        func: &'a ast::Expr,
        args: &'a [ast::Expr],
        spread: bool,
    ) -> Operand {
        let span = e.span;
        let sig = self.sigs.get(&id).cloned().unwrap_or(crate::Signature {
            params: vec![],
            results: vec![],
        });
        let name = expr_string(func);
        if spread {
            self.error(
                span,
                format!("have (...) used with non-variadic function {name}"),
            );
        }
        let mut ops: Vec<(Operand, &'a ast::Expr)> =
            args.iter().map(|a| (self.expr(a), a)).collect();
        let context = format!("argument to {name}");
        if let [(op, a)] = ops.as_slice()
            && let Some(results) = self.tuple_results(op)
        {
            // f(g()): g's results are f's arguments; the order pass gives
            // them temporaries.
            let a: &'a ast::Expr = a;
            if results.len() != sig.params.len() {
                let have = results.iter().map(|&t| self.types.display(t)).collect();
                self.argument_count_error(&name, results.len(), &sig, have, a.span);
                return self.call_result(id, &sig, vec![], span);
            }
            for (&t, &pt) in results.iter().zip(&sig.params) {
                if !self.assignable_type(t, pt) {
                    let msg = format!(
                        "cannot use {} (value of type {}) as {} value in {context}",
                        expr_string(a),
                        self.types.display(t),
                        self.types.display(pt)
                    );
                    self.error(a.span, msg);
                }
            }
            let (op, _) = ops.pop().expect("one argument");
            return self.call_result(id, &sig, vec![op.expr], span);
        }
        if ops.len() != sig.params.len() {
            let have = ops
                .iter()
                .map(|(o, _)| {
                    if o.is_const() && self.types.is_untyped(o.ty()) {
                        "number".to_string()
                    } else {
                        self.types.display(o.ty())
                    }
                })
                .collect();
            // Go points at the last argument (or the closing parenthesis)
            // when some are missing, at the first extra one otherwise.
            let at = if ops.len() < sig.params.len() {
                ops.last().map_or(
                    Span::new(span.hi as usize - 1, span.hi as usize),
                    |(_, a)| a.span,
                )
            } else {
                ops[sig.params.len()].1.span
            };
            self.argument_count_error(&name, ops.len(), &sig, have, at);
            return self.call_result(id, &sig, vec![], span);
        }
        let mut exprs = Vec::new();
        for ((op, a), &pt) in ops.drain(..).zip(&sig.params) {
            exprs.push(self.assign_value(op, pt, a, &context));
        }
        self.call_result(id, &sig, exprs, span)
    }

    /// "not enough/too many arguments in call to f", with what the call
    /// has and what `f` wants.
    fn argument_count_error(
        &mut self,
        name: &str,
        count: usize,
        sig: &crate::Signature,
        have: Vec<String>,
        at: Span,
    ) {
        let which = if count < sig.params.len() {
            "not enough"
        } else {
            "too many"
        };
        let want: Vec<String> = sig.params.iter().map(|&t| self.types.display(t)).collect();
        let diag = gm_diag::Diagnostic::error(at, format!("{which} arguments in call to {name}"))
            .with_note(format!("have ({})", have.join(", ")))
            .with_note(format!("want ({})", want.join(", ")));
        self.diags.push(diag);
    }

    fn call_result(
        &mut self,
        id: gm_ir::FuncId,
        sig: &crate::Signature,
        args: Vec<Expr>,
        span: Span,
    ) -> Operand {
        let (mode, ty) = match sig.results.len() {
            0 => (Mode::NoValue, self.invalid_type()),
            1 => (Mode::Value, sig.results[0]),
            _ => (Mode::Value, self.types.tuple(sig.results.clone())),
        };
        Operand::new(mode, Expr::new(ExprKind::Call(id, args), ty, span))
    }

    /// The result types of a multi-value call operand.
    pub fn tuple_results(&self, op: &Operand) -> Option<Vec<TypeId>> {
        if op.is_invalid() {
            return None;
        }
        self.types.tuple_elems(op.ty()).map(|t| t.to_vec())
    }

    // ------------------------------------------------------------ conversions

    fn conversion(
        &mut self,
        e: &'a ast::Expr,
        t: TypeId,
        args: &'a [ast::Expr],
        spread: bool,
    ) -> Operand {
        let span = e.span;
        let tname = self.types.display(t);
        if args.len() != 1 || spread {
            let msg = if args.is_empty() {
                format!("missing argument in conversion to {tname}")
            } else {
                format!("too many arguments in conversion to {tname}")
            };
            self.error(span, msg);
            return self.invalid(span);
        }
        let x = &args[0];
        let xo = self.value(x);
        if xo.is_invalid() || self.is_invalid(t) {
            return self.invalid(span);
        }
        // Constant conversions stay constant.
        if let (Mode::Const(v), Some(b)) = (&xo.mode, self.types.basic_of(t)) {
            let from_int = self.types.is_integer(xo.ty());
            let result = if b == Basic::String && from_int {
                let r = v
                    .as_int()
                    .and_then(|r| u32::try_from(r).ok())
                    .and_then(char::from_u32)
                    .unwrap_or('\u{fffd}');
                Some(ConstValue::string(r.to_string().as_bytes()))
            } else if self.types.is_numeric(xo.ty()) && b.is_integer() && b != Basic::UnsafePointer
            {
                if self.types.is_float(xo.ty()) && v.rational().is_some_and(|r| !r.is_integer()) {
                    let d = self.describe(&xo, x);
                    self.error(x.span, format!("cannot convert {d} to type {tname}"));
                    return self.invalid(span);
                }
                match representable(v, b) {
                    Some(nv) => Some(nv),
                    None if self.types.is_float(xo.ty()) => {
                        // Go has already made the float an integer here,
                        // and shows it in full.
                        let value = v.big_int().map_or_else(|| v.clone(), ConstValue::Int);
                        let shown = Operand::new(Mode::Const(value), xo.expr.clone());
                        let d = self.describe(&shown, x);
                        self.error(x.span, format!("cannot convert {d} to type {tname}"));
                        return self.invalid(span);
                    }
                    None => {
                        let value = crate::operand::const_text(v);
                        self.error(x.span, format!("constant {value} overflows {tname}"));
                        return self.invalid(span);
                    }
                }
            } else if self.types.is_numeric(xo.ty()) && matches!(b, Basic::Float32 | Basic::Float64)
            {
                representable(v, b)
            } else if (self.types.is_string(xo.ty()) && b == Basic::String)
                || (self.types.is_boolean(xo.ty()) && b == Basic::Bool)
            {
                Some(v.clone())
            } else {
                None
            };
            if let Some(r) = result {
                return Operand::new(
                    Mode::Const(r.clone()),
                    Expr::new(ExprKind::Const(r), t, span),
                );
            }
        }
        // Messages show the operand as written, before any defaulting.
        let original = xo.clone();
        let mut xo = xo;
        if self.types.is_untyped(xo.ty()) {
            // Untyped non-constant values (comparisons, shifts) and nil.
            let target = if xo.is_nil() || self.types.basic_of(t).is_some() {
                t
            } else {
                self.default_type(xo.ty())
            };
            if self.implicit_convert(&mut xo, target).is_err() {
                let d = self.describe(&xo, x);
                self.error(x.span, format!("cannot convert {d} to type {tname}"));
                return self.invalid(span);
            }
            if xo.is_nil() {
                // A converted nil is a typed value, no longer untyped nil.
                let nil = Expr::new(ExprKind::Nil, t, x.span);
                return Operand::new(
                    Mode::Value,
                    Expr::new(ExprKind::ConvNop(Box::new(nil)), t, span),
                );
            }
        }
        let from = xo.ty();
        let kind = match self.conversion_kind(from, t) {
            Some(k) => k,
            None => {
                let d = self.describe(&original, x);
                self.error(x.span, format!("cannot convert {d} to type {tname}"));
                return self.invalid(span);
            }
        };
        // Go sizes the array for a constant string exactly; escape analysis
        // decides the rest.
        let buf = if xo.is_const() {
            ConvBuf::Exact
        } else {
            ConvBuf::Heap
        };
        let inner = Box::new(xo.expr);
        let kind = match kind {
            ConvKind::Nop => ExprKind::ConvNop(inner),
            ConvKind::Numeric => ExprKind::Conv(inner),
            ConvKind::StrToBytes => ExprKind::StrToBytes(inner, buf),
            ConvKind::BytesToStr => ExprKind::BytesToStr(inner),
            ConvKind::RuneToStr => ExprKind::RuneToStr(inner),
            ConvKind::StrToRunes => ExprKind::StrToRunes(inner, buf),
            ConvKind::RunesToStr => ExprKind::RunesToStr(inner),
        };
        Operand::new(Mode::Value, Expr::new(kind, t, span))
    }

    fn conversion_kind(&self, from: TypeId, to: TypeId) -> Option<ConvKind> {
        let t = &self.types;
        // Same representation (`int64(k)` of an int64, `int(d)` of a
        // `type D int`): Go's OCONVNOP.
        if t.identical(t.underlying(from), t.underlying(to)) {
            return Some(ConvKind::Nop);
        }
        if t.is_numeric(from) && t.is_numeric(to) {
            return Some(ConvKind::Numeric);
        }
        if let (Some(a), Some(b)) = (t.pointer_elem(from), t.pointer_elem(to))
            && !t.is_named(from)
            && !t.is_named(to)
            && t.identical(t.underlying(a), t.underlying(b))
        {
            return Some(ConvKind::Nop);
        }
        let slice_of =
            |x: TypeId, b: Basic| t.slice_elem(x).is_some_and(|e| t.basic_of(e) == Some(b));
        let is_bytes = |x: TypeId| slice_of(x, Basic::Uint8);
        let is_runes = |x: TypeId| slice_of(x, Basic::Int32);
        if t.is_string(to) && t.is_integer(from) {
            return Some(ConvKind::RuneToStr);
        }
        if t.is_string(to) && is_bytes(from) {
            return Some(ConvKind::BytesToStr);
        }
        if t.is_string(from) && is_bytes(to) {
            return Some(ConvKind::StrToBytes);
        }
        if t.is_string(to) && is_runes(from) {
            return Some(ConvKind::RunesToStr);
        }
        if t.is_string(from) && is_runes(to) {
            return Some(ConvKind::StrToRunes);
        }
        None
    }
}

enum ConvKind {
    Nop,
    Numeric,
    StrToBytes,
    BytesToStr,
    RuneToStr,
    StrToRunes,
    RunesToStr,
}

pub(crate) fn strip_parens(e: &ast::Expr) -> &ast::Expr {
    match &e.kind {
        A::Paren(x) => strip_parens(x),
        _ => e,
    }
}

/// The left operand of a shift as Go names it in messages.
fn shift_operand_text(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Const(v) => crate::operand::const_text(v),
        _ => "operand".to_string(),
    }
}
