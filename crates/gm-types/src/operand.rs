//! Operands: a checked expression together with what kind of thing it is,
//! and their descriptions in messages (`x (variable of type int)`).

use gm_ir::constant::ConstValue;
use gm_ir::{Expr, ExprKind, FuncId, TypeId};
use gm_syntax::ast;

use crate::{Builtin, Checker};
use gm_syntax::exprtext::expr_string;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Mode {
    /// An error was reported; stay quiet about this operand.
    Invalid,
    /// A call of a function without results.
    NoValue,
    Const(ConstValue),
    /// An addressable variable.
    Variable,
    /// `m[k]`: assignable, not addressable.
    MapIndex,
    Value,
    /// The expression denotes a type.
    Type(TypeId),
    Builtin(Builtin),
    Func(FuncId),
}

#[derive(Clone, Debug)]
pub(crate) struct Operand {
    pub mode: Mode,
    pub expr: Expr,
}

impl Operand {
    pub fn new(mode: Mode, expr: Expr) -> Operand {
        Operand { mode, expr }
    }

    pub fn is_const(&self) -> bool {
        matches!(self.mode, Mode::Const(_))
    }

    pub fn const_value(&self) -> Option<&ConstValue> {
        match &self.mode {
            Mode::Const(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_invalid(&self) -> bool {
        self.mode == Mode::Invalid
    }

    pub fn is_nil(&self) -> bool {
        matches!(self.expr.kind, ExprKind::Nil)
    }

    pub fn ty(&self) -> TypeId {
        self.expr.ty
    }
}

impl<'a> Checker<'a> {
    /// How Go's checker describes an operand in messages.
    pub fn describe(&self, op: &Operand, src: &ast::Expr) -> String {
        let text = expr_string(src);
        self.describe_text(op, &text)
    }

    pub fn describe_text(&self, op: &Operand, text: &str) -> String {
        let ty = self.types.display(op.ty());
        let untyped = self.types.is_untyped(op.ty());
        match &op.mode {
            Mode::Invalid => format!("{text} (invalid operand)"),
            Mode::NoValue => format!("{text} (no value)"),
            Mode::Type(_) => format!("{text} (type)"),
            Mode::Builtin(b) => format!("{text} (built-in function {})", b.name()),
            Mode::Func(_) => format!("{text} (value of type func)"),
            _ if op.is_nil() => "nil".to_string(),
            Mode::Const(v) => {
                let value = const_text(v);
                let shown = if value == text {
                    String::new()
                } else {
                    format!(" {value}")
                };
                if untyped {
                    format!("{text} ({ty} constant{shown})")
                } else {
                    format!("{text} (constant{shown} of type {ty})")
                }
            }
            Mode::Variable => format!("{text} (variable of type {ty})"),
            Mode::MapIndex => format!("{text} (map index expression of type {ty})"),
            Mode::Value if untyped => format!("{text} ({ty} value)"),
            Mode::Value => format!("{text} (value of type {ty})"),
        }
    }
}

/// A constant value as Go's messages show it.
pub(crate) fn const_text(v: &ConstValue) -> String {
    v.message_text()
}
