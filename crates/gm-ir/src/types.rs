//! The type table: every type of a program, interned, with Go's layout rules.
//!
//! Types are referred to by [`TypeId`]. Structural types (slices, maps,
//! arrays, pointers, structs) are interned, so equal spellings share an id.
//! `byte` and `rune` keep their own ids so messages can say `byte` where the
//! source did, but every type also has a canonical form (`byte` → `uint8`,
//! recursively), and [`TypeTable::identical`] compares those.

use foldhash::{HashMap, HashMapExt};
use std::fmt::Write as _;

use cranelift_entity::{EntityRef, PrimaryMap, entity_impl};

use crate::layout::{Engine, TypeLayout};

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(u32);
entity_impl!(TypeId, "type");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Basic {
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    Int,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Uint,
    Uintptr,
    Float32,
    Float64,
    String,
    /// `byte`, identical to `uint8`.
    Byte,
    /// `rune`, identical to `int32`.
    Rune,
    /// The runtime's `unsafe.Pointer`; appears only after walk.
    UnsafePointer,
}

/// The kinds of untyped constants and values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Untyped {
    Bool,
    Int,
    Rune,
    Float,
    String,
    Nil,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub ty: TypeId,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Basic(Basic),
    Untyped(Untyped),
    Array(TypeId, u64),
    Slice(TypeId),
    Map(TypeId, TypeId),
    Pointer(TypeId),
    Struct(Vec<Field>),
    /// A defined type. Its underlying type is filled in once resolved
    /// (defined types may refer to themselves through pointers).
    Named(NamedType),
    /// The results of a call with several of them.
    Tuple(Vec<TypeId>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NamedType {
    pub name: String,
    /// Disambiguates same-named local types; 0 for package-level ones.
    pub serial: u32,
    pub underlying: Option<TypeId>,
}

pub struct TypeTable {
    types: PrimaryMap<TypeId, Type>,
    canon: PrimaryMap<TypeId, TypeId>,
    interned: HashMap<Type, TypeId>,
    /// Indexed by type id; see [`crate::layout`].
    layouts: Vec<Option<TypeLayout>>,
    layouts_complete: bool,
    basics: HashMap<Basic, TypeId>,
    untyped: HashMap<Untyped, TypeId>,
}

impl Default for TypeTable {
    fn default() -> Self {
        TypeTable::new()
    }
}

impl TypeTable {
    pub fn new() -> TypeTable {
        let mut table = TypeTable {
            types: PrimaryMap::new(),
            canon: PrimaryMap::new(),
            interned: HashMap::new(),
            layouts: Vec::new(),
            layouts_complete: false,
            basics: HashMap::new(),
            untyped: HashMap::new(),
        };
        use Basic::*;
        for b in [
            Bool,
            Int8,
            Int16,
            Int32,
            Int64,
            Int,
            Uint8,
            Uint16,
            Uint32,
            Uint64,
            Uint,
            Uintptr,
            Float32,
            Float64,
            String,
            UnsafePointer,
        ] {
            let id = table.intern(Type::Basic(b));
            table.basics.insert(b, id);
        }
        for (alias, of) in [(Byte, Uint8), (Rune, Int32)] {
            let target = table.basics[&of];
            let id = table.types.push(Type::Basic(alias));
            table.canon.push(target);
            table.interned.insert(Type::Basic(alias), id);
            table.basics.insert(alias, id);
        }
        for u in [
            Untyped::Bool,
            Untyped::Int,
            Untyped::Rune,
            Untyped::Float,
            Untyped::String,
            Untyped::Nil,
        ] {
            let id = table.intern(Type::Untyped(u));
            table.untyped.insert(u, id);
        }
        table
    }

    pub fn basic(&self, b: Basic) -> TypeId {
        self.basics[&b]
    }

    pub fn untyped(&self, u: Untyped) -> TypeId {
        self.untyped[&u]
    }

    pub fn get(&self, id: TypeId) -> &Type {
        &self.types[id]
    }

    /// Interns a structural type, computing its canonical form.
    pub fn intern(&mut self, ty: Type) -> TypeId {
        if let Some(&id) = self.interned.get(&ty) {
            return id;
        }
        let canon_ty = self.canonical_shape(&ty);
        let id = self.types.push(ty.clone());
        if canon_ty == ty {
            self.canon.push(id);
        } else {
            let c = self.intern(canon_ty);
            self.canon.push(c);
        }
        self.interned.insert(ty, id);
        self.add_layout(id);
        id
    }

    fn canonical_shape(&self, ty: &Type) -> Type {
        let c = |id: TypeId| self.canon[id];
        match ty {
            Type::Array(e, n) => Type::Array(c(*e), *n),
            Type::Slice(e) => Type::Slice(c(*e)),
            Type::Map(k, v) => Type::Map(c(*k), c(*v)),
            Type::Pointer(e) => Type::Pointer(c(*e)),
            Type::Struct(fields) => Type::Struct(
                fields
                    .iter()
                    .map(|f| Field {
                        name: f.name.clone(),
                        ty: c(f.ty),
                    })
                    .collect(),
            ),
            Type::Tuple(ts) => Type::Tuple(ts.iter().map(|&t| c(t)).collect()),
            other => other.clone(),
        }
    }

    /// Creates a new defined type; its underlying type is set later.
    pub fn new_named(&mut self, name: &str, serial: u32) -> TypeId {
        let id = self.types.push(Type::Named(NamedType {
            name: name.to_string(),
            serial,
            underlying: None,
        }));
        self.canon.push(id);
        self.add_layout(id);
        id
    }

    pub fn set_underlying(&mut self, named: TypeId, underlying: TypeId) {
        let under = self.underlying(underlying);
        if let Type::Named(n) = &mut self.types[named] {
            n.underlying = Some(under);
        }
        self.add_layout(named);
    }

    pub fn slice(&mut self, elem: TypeId) -> TypeId {
        self.intern(Type::Slice(elem))
    }

    pub fn pointer(&mut self, elem: TypeId) -> TypeId {
        self.intern(Type::Pointer(elem))
    }

    pub fn map(&mut self, key: TypeId, elem: TypeId) -> TypeId {
        self.intern(Type::Map(key, elem))
    }

    pub fn array(&mut self, elem: TypeId, len: u64) -> TypeId {
        self.intern(Type::Array(elem, len))
    }

    /// The struct type with these fields, in order.
    pub fn structure(&mut self, fields: &[(&str, TypeId)]) -> TypeId {
        let fields = fields
            .iter()
            .map(|&(name, ty)| Field {
                name: name.to_string(),
                ty,
            })
            .collect();
        self.intern(Type::Struct(fields))
    }

    pub fn tuple(&mut self, elems: Vec<TypeId>) -> TypeId {
        self.intern(Type::Tuple(elems))
    }

    pub fn identical(&self, a: TypeId, b: TypeId) -> bool {
        a == b || self.canon[a] == self.canon[b]
    }

    /// The canonical id of a type (`byte` → `uint8`, `[]byte` → `[]uint8`).
    pub fn canonical(&self, t: TypeId) -> TypeId {
        self.canon[t]
    }

    /// The underlying type: itself unless it is a defined type. A defined
    /// type whose underlying type is not resolved yet (an invalid recursive
    /// type) answers itself.
    pub fn underlying(&self, t: TypeId) -> TypeId {
        match &self.types[t] {
            Type::Named(n) => n.underlying.unwrap_or(t),
            _ => t,
        }
    }

    /// The underlying type's shape.
    pub fn under(&self, t: TypeId) -> &Type {
        &self.types[self.underlying(t)]
    }

    pub fn is_named(&self, t: TypeId) -> bool {
        matches!(self.types[t], Type::Named(_))
    }

    pub fn basic_of(&self, t: TypeId) -> Option<Basic> {
        match self.under(t) {
            Type::Basic(Basic::Byte) => Some(Basic::Uint8),
            Type::Basic(Basic::Rune) => Some(Basic::Int32),
            Type::Basic(b) => Some(*b),
            _ => None,
        }
    }

    pub fn untyped_of(&self, t: TypeId) -> Option<Untyped> {
        match self.types[t] {
            Type::Untyped(u) => Some(u),
            _ => None,
        }
    }

    pub fn is_untyped(&self, t: TypeId) -> bool {
        self.untyped_of(t).is_some()
    }

    pub fn is_integer(&self, t: TypeId) -> bool {
        match self.untyped_of(t) {
            Some(u) => matches!(u, Untyped::Int | Untyped::Rune),
            None => self.basic_of(t).is_some_and(|b| b.is_integer()),
        }
    }

    pub fn is_unsigned(&self, t: TypeId) -> bool {
        self.basic_of(t).is_some_and(|b| b.is_unsigned())
    }

    pub fn is_float(&self, t: TypeId) -> bool {
        match self.untyped_of(t) {
            Some(u) => u == Untyped::Float,
            None => matches!(self.basic_of(t), Some(Basic::Float32 | Basic::Float64)),
        }
    }

    pub fn is_numeric(&self, t: TypeId) -> bool {
        self.is_integer(t) || self.is_float(t)
    }

    pub fn is_string(&self, t: TypeId) -> bool {
        match self.untyped_of(t) {
            Some(u) => u == Untyped::String,
            None => self.basic_of(t) == Some(Basic::String),
        }
    }

    pub fn is_boolean(&self, t: TypeId) -> bool {
        match self.untyped_of(t) {
            Some(u) => u == Untyped::Bool,
            None => self.basic_of(t) == Some(Basic::Bool),
        }
    }

    pub fn map_types(&self, t: TypeId) -> Option<(TypeId, TypeId)> {
        match self.under(t) {
            Type::Map(k, v) => Some((*k, *v)),
            _ => None,
        }
    }

    pub fn slice_elem(&self, t: TypeId) -> Option<TypeId> {
        match self.under(t) {
            Type::Slice(e) => Some(*e),
            _ => None,
        }
    }

    pub fn array_of(&self, t: TypeId) -> Option<(TypeId, u64)> {
        match self.under(t) {
            Type::Array(e, n) => Some((*e, *n)),
            _ => None,
        }
    }

    pub fn pointer_elem(&self, t: TypeId) -> Option<TypeId> {
        match self.under(t) {
            Type::Pointer(e) => Some(*e),
            _ => None,
        }
    }

    pub fn struct_fields(&self, t: TypeId) -> Option<&[Field]> {
        match self.under(t) {
            Type::Struct(f) => Some(f),
            _ => None,
        }
    }

    pub fn tuple_elems(&self, t: TypeId) -> Option<&[TypeId]> {
        match &self.types[t] {
            Type::Tuple(ts) => Some(ts),
            _ => None,
        }
    }

    /// Go's comparability: may be used with `==` and as a map key.
    pub fn comparable(&self, t: TypeId) -> bool {
        match self.under(t) {
            Type::Basic(_) | Type::Pointer(_) => true,
            Type::Untyped(u) => *u != Untyped::Nil,
            Type::Array(e, _) => self.comparable(*e),
            Type::Struct(fields) => fields.iter().all(|f| self.comparable(f.ty)),
            Type::Named(_) => false,
            Type::Slice(_) | Type::Map(..) | Type::Tuple(_) => false,
        }
    }

    /// Whether values of the type are ordered (`<` and friends).
    pub fn ordered(&self, t: TypeId) -> bool {
        self.is_numeric(t) || self.is_string(t)
    }

    /// Computes every type's layout; called once all defined types are
    /// resolved. Types interned from then on get theirs immediately.
    pub fn complete_layouts(&mut self) {
        let all: Vec<TypeId> = self.types.keys().collect();
        self.compute_layouts(&all);
        self.layouts_complete = true;
    }

    /// Computes the layout of a type added after [`complete_layouts`](Self::complete_layouts)
    /// (again, for a defined type given its underlying type).
    fn add_layout(&mut self, t: TypeId) {
        if self.layouts_complete {
            if let Some(slot) = self.layouts.get_mut(t.index()) {
                *slot = None;
            }
            self.compute_layouts(&[t]);
        }
    }

    fn compute_layouts(&mut self, ts: &[TypeId]) {
        let mut slots = std::mem::take(&mut self.layouts);
        let mut engine = Engine {
            types: self,
            slots: &mut slots,
        };
        for &t in ts {
            engine.get(t, 0);
        }
        self.layouts = slots;
    }

    /// The layout of a type (see [`crate::layout`]).
    pub fn layout(&self, t: TypeId) -> &TypeLayout {
        match self.layouts.get(t.index()) {
            Some(Some(l)) => l,
            _ => panic!(
                "layout of {} asked before layouts were computed",
                self.display(t)
            ),
        }
    }

    /// The byte offset of each field of a struct type.
    pub fn field_offsets(&self, t: TypeId) -> &[u64] {
        &self.layout(t).field_offsets
    }

    pub fn size(&self, t: TypeId) -> u64 {
        self.layout(t).size
    }

    /// Writes a type the way Go prints it (`map[string][]int`, `main.T`
    /// for defined types when `qualified`).
    pub fn display(&self, t: TypeId) -> String {
        let mut s = String::new();
        self.write(&mut s, t, false);
        s
    }

    /// Like [`display`](Self::display) but defined types are written `main.T`.
    pub fn display_qualified(&self, t: TypeId) -> String {
        let mut s = String::new();
        self.write(&mut s, t, true);
        s
    }

    fn write(&self, s: &mut String, t: TypeId, qualified: bool) {
        match &self.types[t] {
            Type::Basic(b) => s.push_str(b.name()),
            Type::Untyped(u) => s.push_str(u.name()),
            Type::Array(e, n) => {
                let _ = write!(s, "[{n}]");
                self.write(s, *e, qualified);
            }
            Type::Slice(e) => {
                s.push_str("[]");
                self.write(s, *e, qualified);
            }
            Type::Map(k, v) => {
                s.push_str("map[");
                self.write(s, *k, qualified);
                s.push(']');
                self.write(s, *v, qualified);
            }
            Type::Pointer(e) => {
                s.push('*');
                self.write(s, *e, qualified);
            }
            Type::Struct(fields) => {
                s.push_str("struct{");
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        s.push_str("; ");
                    }
                    let _ = write!(s, "{} ", f.name);
                    self.write(s, f.ty, qualified);
                }
                s.push('}');
            }
            Type::Named(n) => {
                if qualified {
                    s.push_str("main.");
                }
                s.push_str(&n.name);
            }
            Type::Tuple(ts) => {
                s.push('(');
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    self.write(s, *t, qualified);
                }
                s.push(')');
            }
        }
    }

    /// Every type id, for passes that need to look at all of them.
    pub fn ids(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.types.keys()
    }
}

impl Basic {
    pub fn name(self) -> &'static str {
        match self {
            Basic::Bool => "bool",
            Basic::Int8 => "int8",
            Basic::Int16 => "int16",
            Basic::Int32 => "int32",
            Basic::Int64 => "int64",
            Basic::Int => "int",
            Basic::Uint8 => "uint8",
            Basic::Uint16 => "uint16",
            Basic::Uint32 => "uint32",
            Basic::Uint64 => "uint64",
            Basic::Uint => "uint",
            Basic::Uintptr => "uintptr",
            Basic::Float32 => "float32",
            Basic::Float64 => "float64",
            Basic::String => "string",
            Basic::Byte => "byte",
            Basic::Rune => "rune",
            Basic::UnsafePointer => "unsafe.Pointer",
        }
    }

    pub fn size(self) -> u64 {
        match self {
            Basic::Bool | Basic::Int8 | Basic::Uint8 | Basic::Byte => 1,
            Basic::Int16 | Basic::Uint16 => 2,
            Basic::Int32 | Basic::Uint32 | Basic::Float32 | Basic::Rune => 4,
            Basic::String => 16,
            _ => 8,
        }
    }

    pub fn is_integer(self) -> bool {
        !matches!(
            self,
            Basic::Bool | Basic::Float32 | Basic::Float64 | Basic::String | Basic::UnsafePointer
        )
    }

    pub fn is_unsigned(self) -> bool {
        matches!(
            self,
            Basic::Uint8
                | Basic::Uint16
                | Basic::Uint32
                | Basic::Uint64
                | Basic::Uint
                | Basic::Uintptr
                | Basic::Byte
        )
    }

    /// Size in bits of an integer type.
    pub fn bits(self) -> u32 {
        (self.size() * 8) as u32
    }
}

impl Untyped {
    pub fn name(self) -> &'static str {
        match self {
            Untyped::Bool => "untyped bool",
            Untyped::Int => "untyped int",
            Untyped::Rune => "untyped rune",
            Untyped::Float => "untyped float",
            Untyped::String => "untyped string",
            Untyped::Nil => "untyped nil",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_is_identical_to_uint8_everywhere() {
        let mut t = TypeTable::new();
        let byte = t.basic(Basic::Byte);
        let u8_ = t.basic(Basic::Uint8);
        assert!(t.identical(byte, u8_));
        let a = t.slice(byte);
        let b = t.slice(u8_);
        assert_ne!(a, b);
        assert!(t.identical(a, b));
        assert_eq!(t.display(a), "[]byte");
    }

    #[test]
    fn struct_layout_follows_go() {
        let mut t = TypeTable::new();
        let i8_ = t.basic(Basic::Int8);
        let i32_ = t.basic(Basic::Int32);
        let i64_ = t.basic(Basic::Int64);
        let padded = t.intern(Type::Struct(vec![
            Field {
                name: "a".into(),
                ty: i8_,
            },
            Field {
                name: "b".into(),
                ty: i32_,
            },
        ]));
        t.complete_layouts();
        assert_eq!((t.layout(padded).size, t.layout(padded).align), (8, 4));
        assert_eq!(t.field_offsets(padded), [0, 4]);
        let empty = t.intern(Type::Struct(vec![]));
        let trailing = t.intern(Type::Struct(vec![
            Field {
                name: "a".into(),
                ty: i64_,
            },
            Field {
                name: "b".into(),
                ty: empty,
            },
        ]));
        assert_eq!(t.layout(trailing).size, 16);
        assert_eq!(t.layout(empty).size, 0);
    }
}
