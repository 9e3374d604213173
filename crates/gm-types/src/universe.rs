//! Predeclared identifiers: types, constants, `nil` and builtins, plus the
//! Go names gm recognises only to reject them.

use gm_ir::constant::ConstValue;
use gm_ir::{Basic, TypeTable, Untyped};
use gm_syntax::ast::Unsupported;

use crate::Entity;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Append,
    Cap,
    Clear,
    Copy,
    Delete,
    Len,
    Make,
    Max,
    Min,
    New,
    Panic,
    Print,
    Println,
}

impl Builtin {
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Append => "append",
            Builtin::Cap => "cap",
            Builtin::Clear => "clear",
            Builtin::Copy => "copy",
            Builtin::Delete => "delete",
            Builtin::Len => "len",
            Builtin::Make => "make",
            Builtin::Max => "max",
            Builtin::Min => "min",
            Builtin::New => "new",
            Builtin::Panic => "panic",
            Builtin::Print => "print",
            Builtin::Println => "println",
        }
    }
}

/// Looks up a predeclared name.
pub fn lookup(types: &TypeTable, name: &str) -> Option<Entity> {
    let basic = |b| Some(Entity::Type(types.basic(b)));
    let builtin = |b| Some(Entity::Builtin(b));
    match name {
        "bool" => basic(Basic::Bool),
        "int" => basic(Basic::Int),
        "int8" => basic(Basic::Int8),
        "int16" => basic(Basic::Int16),
        "int32" => basic(Basic::Int32),
        "int64" => basic(Basic::Int64),
        "uint" => basic(Basic::Uint),
        "uint8" => basic(Basic::Uint8),
        "uint16" => basic(Basic::Uint16),
        "uint32" => basic(Basic::Uint32),
        "uint64" => basic(Basic::Uint64),
        "uintptr" => basic(Basic::Uintptr),
        "float32" => basic(Basic::Float32),
        "float64" => basic(Basic::Float64),
        "string" => basic(Basic::String),
        "byte" => basic(Basic::Byte),
        "rune" => basic(Basic::Rune),
        "true" => Some(Entity::Const(
            types.untyped(Untyped::Bool),
            ConstValue::Bool(true),
        )),
        "false" => Some(Entity::Const(
            types.untyped(Untyped::Bool),
            ConstValue::Bool(false),
        )),
        "iota" => Some(Entity::Iota),
        "nil" => Some(Entity::Nil),
        "append" => builtin(Builtin::Append),
        "cap" => builtin(Builtin::Cap),
        "clear" => builtin(Builtin::Clear),
        "copy" => builtin(Builtin::Copy),
        "delete" => builtin(Builtin::Delete),
        "len" => builtin(Builtin::Len),
        "make" => builtin(Builtin::Make),
        "max" => builtin(Builtin::Max),
        "min" => builtin(Builtin::Min),
        "new" => builtin(Builtin::New),
        "panic" => builtin(Builtin::Panic),
        "print" => builtin(Builtin::Print),
        "println" => builtin(Builtin::Println),
        "any" | "error" | "comparable" => Some(Entity::Unsupported(Unsupported::Interfaces)),
        "complex64" | "complex128" | "complex" | "real" | "imag" => {
            Some(Entity::Unsupported(Unsupported::ComplexNumbers))
        }
        "recover" => Some(Entity::Unsupported(Unsupported::Recover)),
        "close" => Some(Entity::Unsupported(Unsupported::Channels)),
        _ => None,
    }
}
