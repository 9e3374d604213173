//! How each gm type is represented in generated code.
//!
//! Every type has Go's amd64 size and alignment (the same rules as
//! `gm_ir::types::TypeTable::layout`, recomputed here because that one needs
//! `&mut`). Besides, a type is either
//!
//! - a *register* type: its value is a short list of machine values, the
//!   *leaves*, each with its Cranelift type and its byte offset in memory.
//!   Scalars have one leaf, a string two (`ptr, len`), a slice three
//!   (`ptr, len, cap`), and structs and arrays of at most one element whose
//!   parts are register types and that have at most [`MAX_LEAVES`] leaves in
//!   all are flattened into their fields' leaves; or
//! - a *memory* type (larger structs and arrays): values live in memory and
//!   generated code handles them by address.

use std::collections::HashMap;
use std::rc::Rc;

use cranelift_codegen::ir::{self, types};
use gm_ir::types::Type;
use gm_ir::{Basic, TypeId, TypeTable};

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
    /// A value of no bytes, held in no registers.
    fn empty() -> TyInfo {
        TyInfo {
            size: 0,
            align: 1,
            kind: Kind::Other,
            regs: Some(Vec::new()),
            has_pointers: false,
            mem_eq: true,
        }
    }

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

/// Type information, computed once per type id.
#[derive(Default)]
pub struct Layouts {
    cache: HashMap<TypeId, Rc<TyInfo>>,
}

impl Layouts {
    pub fn get(&mut self, types: &TypeTable, t: TypeId) -> Rc<TyInfo> {
        if let Some(i) = self.cache.get(&t) {
            return i.clone();
        }
        let info = Rc::new(self.compute(types, t, 0));
        self.cache.insert(t, info.clone());
        info
    }

    fn compute(&mut self, types: &TypeTable, t: TypeId, depth: u32) -> TyInfo {
        let scalar = |ty: ir::Type, kind: Kind, size: u64| TyInfo {
            size,
            align: size.max(1),
            kind,
            regs: Some(vec![Leaf { ty, off: 0 }]),
            has_pointers: false,
            mem_eq: true,
        };
        let under = types.underlying(t);
        match types.get(under) {
            Type::Basic(b) => match b {
                Basic::Bool => scalar(types::I8, Kind::Bool, 1),
                Basic::Float32 => TyInfo {
                    mem_eq: false,
                    ..scalar(types::F32, Kind::Float { bits: 32 }, 4)
                },
                Basic::Float64 => TyInfo {
                    mem_eq: false,
                    ..scalar(types::F64, Kind::Float { bits: 64 }, 8)
                },
                Basic::String => TyInfo {
                    size: 16,
                    align: 8,
                    kind: Kind::String,
                    regs: Some(vec![
                        Leaf {
                            ty: types::I64,
                            off: 0,
                        },
                        Leaf {
                            ty: types::I64,
                            off: 8,
                        },
                    ]),
                    has_pointers: true,
                    mem_eq: false,
                },
                Basic::UnsafePointer => TyInfo {
                    has_pointers: true,
                    ..scalar(types::I64, Kind::Pointer { elem: None }, 8)
                },
                b => {
                    let bits = b.bits();
                    let ty = ir::Type::int(bits as u16).unwrap_or(types::I64);
                    scalar(
                        ty,
                        Kind::Int {
                            signed: !b.is_unsigned(),
                            bits,
                        },
                        u64::from(bits / 8),
                    )
                }
            },
            Type::Untyped(u) => {
                use gm_ir::Untyped as U;
                let b = match u {
                    U::Bool => Basic::Bool,
                    U::Int => Basic::Int,
                    U::Rune => Basic::Int32,
                    U::Float => Basic::Float64,
                    U::String => Basic::String,
                    U::Nil => {
                        return TyInfo {
                            size: 8,
                            align: 8,
                            kind: Kind::Pointer { elem: None },
                            regs: Some(vec![Leaf {
                                ty: types::I64,
                                off: 0,
                            }]),
                            has_pointers: true,
                            mem_eq: true,
                        };
                    }
                };
                let id = types.basic(b);
                self.compute(types, id, depth)
            }
            Type::Pointer(e) => TyInfo {
                has_pointers: true,
                ..scalar(types::I64, Kind::Pointer { elem: Some(*e) }, 8)
            },
            Type::Map(..) => TyInfo {
                has_pointers: true,
                ..scalar(types::I64, Kind::Pointer { elem: None }, 8)
            },
            Type::Slice(e) => TyInfo {
                size: 24,
                align: 8,
                kind: Kind::Slice { elem: *e },
                regs: Some(
                    (0..3)
                        .map(|i| Leaf {
                            ty: types::I64,
                            off: i * 8,
                        })
                        .collect(),
                ),
                has_pointers: true,
                mem_eq: false,
            },
            Type::Array(e, n) => {
                let (e, n) = (*e, *n);
                let el = self.sub(types, e, depth);
                let regs = match n {
                    0 => Some(Vec::new()),
                    1 => el.regs.clone(),
                    _ => None,
                };
                TyInfo {
                    size: el.size.saturating_mul(n),
                    align: el.align,
                    kind: Kind::Array { elem: e, len: n },
                    regs,
                    has_pointers: el.has_pointers && n > 0,
                    mem_eq: el.mem_eq,
                }
            }
            Type::Struct(fields) => {
                let mut off = 0u64;
                let mut align = 1u64;
                let mut infos = Vec::with_capacity(fields.len());
                let mut regs = Some(Vec::new());
                let mut has_pointers = false;
                let mut mem_eq = true;
                let mut last_size = 1;
                for f in fields {
                    let fl = self.sub(types, f.ty, depth);
                    off = off.next_multiple_of(fl.align);
                    infos.push(FieldInfo {
                        ty: f.ty,
                        off,
                        blank: f.name == "_",
                    });
                    match (&mut regs, &fl.regs) {
                        (Some(r), Some(fr)) => r.extend(fr.iter().map(|l| Leaf {
                            ty: l.ty,
                            off: l.off + off as u32,
                        })),
                        _ => regs = None,
                    }
                    has_pointers |= fl.has_pointers;
                    mem_eq &= fl.mem_eq && f.name != "_";
                    off = off.saturating_add(fl.size);
                    align = align.max(fl.align);
                    last_size = fl.size;
                }
                if !fields.is_empty() && last_size == 0 && off > 0 {
                    off += 1;
                }
                let size = off.next_multiple_of(align);
                // Padding anywhere makes byte equality wrong.
                let covered: u64 = infos
                    .iter()
                    .map(|f| self.sub(types, f.ty, depth).size)
                    .sum();
                if covered != size {
                    mem_eq = false;
                }
                if regs.as_ref().is_some_and(|r| r.len() > MAX_LEAVES) {
                    regs = None;
                }
                TyInfo {
                    size,
                    align,
                    kind: Kind::Struct { fields: infos },
                    regs,
                    has_pointers,
                    mem_eq,
                }
            }
            Type::Named(_) | Type::Tuple(_) => TyInfo::empty(),
        }
    }

    fn sub(&mut self, types: &TypeTable, t: TypeId, depth: u32) -> Rc<TyInfo> {
        if let Some(i) = self.cache.get(&t) {
            return i.clone();
        }
        // Valid Go types cannot contain themselves by value; the depth
        // limit only guards against a malformed table.
        let info = if depth > 200 {
            TyInfo::empty()
        } else {
            self.compute(types, t, depth + 1)
        };
        let info = Rc::new(info);
        self.cache.insert(t, info.clone());
        info
    }
}
