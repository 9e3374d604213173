//! How each gm type is represented in generated code.
//!
//! Sizes, alignments, field offsets and pointer words come from gm-ir's
//! layout engine ([`gm_ir::layout`]); this module adds how values are held
//! in Cranelift. A type is either
//!
//! - a *register* type: its value is a short list of machine values, the
//!   *leaves*, each with its Cranelift type and its byte offset in memory.
//!   Scalars have one leaf, a string two (`ptr, len`), a slice three
//!   (`ptr, len, cap`), and structs and arrays of at most one element whose
//!   parts are register types and that have at most [`MAX_LEAVES`] leaves in
//!   all are flattened into their fields' leaves; or
//! - a *memory* type (larger structs and arrays): values live in memory and
//!   generated code handles them by address.

use std::cell::RefCell;
use std::rc::Rc;

use cranelift_codegen::ir::{self, types};
use gm_ir::types::Type;
use gm_ir::{Basic, TypeId, TypeTable, Untyped};

/// The machine type of addresses.
pub const PTR: ir::Type = types::I64;

/// Structs with more leaves than this live in memory.
pub const MAX_LEAVES: usize = 4;

/// One machine value of a register type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    pub ty: ir::Type,
    pub off: u32,
}

/// What kind of value a type holds, as far as code generation cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Bool,
    Int {
        signed: bool,
        bits: u32,
    },
    Float {
        bits: u32,
    },
    String,
    Slice {
        elem: TypeId,
    },
    /// Pointers, maps, `unsafe.Pointer`: one address.
    Pointer {
        elem: Option<TypeId>,
    },
    Array {
        elem: TypeId,
        len: u64,
    },
    Struct {
        fields: Vec<FieldInfo>,
    },
    /// Untyped nil, tuples and other types that have no values of their own.
    Other,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldInfo {
    pub ty: TypeId,
    pub off: u64,
    pub blank: bool,
}

#[derive(Clone, Debug)]
pub struct TyInfo {
    pub size: u64,
    pub align: u64,
    pub kind: Kind,
    /// The leaves, for register types.
    pub regs: Option<Vec<Leaf>>,
    /// Holds pointers somewhere (for `append`'s size-class rule).
    pub has_pointers: bool,
    /// `==` is plain byte equality: no floats, strings or padding inside.
    pub mem_eq: bool,
}

impl TyInfo {
    pub fn is_regs(&self) -> bool {
        self.regs.is_some()
    }

    pub fn leaves(&self) -> &[Leaf] {
        self.regs.as_deref().unwrap_or(&[])
    }

    pub fn is_signed(&self) -> bool {
        matches!(self.kind, Kind::Int { signed: true, .. })
    }

    /// The Cranelift type of a single-leaf type.
    pub fn scalar(&self) -> Option<ir::Type> {
        match self.regs.as_deref() {
            Some([l]) => Some(l.ty),
            _ => None,
        }
    }
}

/// Type information for the types of a program, each computed on first
/// use: a small program uses few of the types its table holds.
pub struct Layouts<'t> {
    types: &'t TypeTable,
    infos: RefCell<Vec<Option<Rc<TyInfo>>>>,
}

impl<'t> Layouts<'t> {
    pub fn new(types: &'t TypeTable) -> Layouts<'t> {
        Layouts {
            types,
            infos: RefCell::new(Vec::new()),
        }
    }

    pub fn get(&self, t: TypeId) -> Rc<TyInfo> {
        info(self.types, t, &mut self.infos.borrow_mut())
    }
}

fn info(types: &TypeTable, t: TypeId, infos: &mut Vec<Option<Rc<TyInfo>>>) -> Rc<TyInfo> {
    if infos.len() <= slot(t) {
        infos.resize(slot(t) + 1, None);
    }
    if let Some(i) = &infos[slot(t)] {
        return i.clone();
    }
    let i = Rc::new(compute(types, t, infos));
    infos[slot(t)] = Some(i.clone());
    i
}

fn compute(types: &TypeTable, t: TypeId, infos: &mut Vec<Option<Rc<TyInfo>>>) -> TyInfo {
    // Untyped values are held as their default types; nil as a pointer.
    let typed = match types.untyped_of(t) {
        Some(u) => types.basic(match u {
            Untyped::Bool => Basic::Bool,
            Untyped::Int => Basic::Int,
            Untyped::Rune => Basic::Int32,
            Untyped::Float => Basic::Float64,
            Untyped::String => Basic::String,
            Untyped::Nil => Basic::UnsafePointer,
        }),
        None => t,
    };
    let layout = types.layout(typed);
    let word = |n: u32| {
        (0..n)
            .map(|i| Leaf {
                ty: types::I64,
                off: i * 8,
            })
            .collect()
    };
    let one = |ty: ir::Type| Some(vec![Leaf { ty, off: 0 }]);
    let (kind, regs) = match types.under(typed) {
        Type::Basic(b) => match b {
            Basic::Bool => (Kind::Bool, one(types::I8)),
            Basic::Float32 => (Kind::Float { bits: 32 }, one(types::F32)),
            Basic::Float64 => (Kind::Float { bits: 64 }, one(types::F64)),
            Basic::String => (Kind::String, Some(word(2))),
            Basic::UnsafePointer => (Kind::Pointer { elem: None }, one(types::I64)),
            b => {
                let bits = b.bits();
                let kind = Kind::Int {
                    signed: !b.is_unsigned(),
                    bits,
                };
                (kind, one(ir::Type::int(bits as u16).unwrap_or(types::I64)))
            }
        },
        Type::Pointer(e) => (Kind::Pointer { elem: Some(*e) }, one(types::I64)),
        Type::Map(..) => (Kind::Pointer { elem: None }, one(types::I64)),
        Type::Slice(e) => (Kind::Slice { elem: *e }, Some(word(3))),
        &Type::Array(elem, len) => {
            let regs = match len {
                0 => Some(Vec::new()),
                1 => info(types, elem, infos).regs.clone(),
                _ => None,
            };
            (Kind::Array { elem, len }, regs)
        }
        Type::Struct(fields) => {
            let mut regs = Some(Vec::new());
            let mut infos_out = Vec::with_capacity(fields.len());
            for (f, &off) in fields.iter().zip(&layout.field_offsets) {
                infos_out.push(FieldInfo {
                    ty: f.ty,
                    off,
                    blank: f.name == "_",
                });
                match (&mut regs, &info(types, f.ty, infos).regs) {
                    (Some(r), Some(fr)) => r.extend(fr.iter().map(|l| Leaf {
                        ty: l.ty,
                        off: l.off + off as u32,
                    })),
                    _ => regs = None,
                }
            }
            if regs.as_ref().is_some_and(|r| r.len() > MAX_LEAVES) {
                regs = None;
            }
            (Kind::Struct { fields: infos_out }, regs)
        }
        // Tuples and unresolved defined types have no values of their own.
        Type::Untyped(_) | Type::Named(_) | Type::Tuple(_) => (Kind::Other, Some(Vec::new())),
    };
    TyInfo {
        size: layout.size,
        align: layout.align,
        kind,
        regs,
        has_pointers: layout.has_pointers(),
        mem_eq: layout.mem_eq,
    }
}

fn slot(t: TypeId) -> usize {
    t.as_u32() as usize
}
