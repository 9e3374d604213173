//! The one layout engine: for every type, Go's amd64 size, alignment and
//! field offsets, its hash/equality class, and which of its words hold
//! pointers (Go's `ptrdata` and `GCData`).
//!
//! [`TypeTable::complete_layouts`] computes every type's layout once the
//! checker has resolved all defined types; types interned afterwards (by
//! order and walk) get theirs as they are interned. Everything downstream
//! reads them through `&TypeTable`.

use crate::types::{Basic, Type, TypeId, TypeTable};

/// Go's hash/equality algorithm class of a type (`types.AlgType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    /// Plain memory of a size with no dedicated class.
    Mem,
    Mem0,
    Mem8,
    Mem16,
    Mem32,
    Mem64,
    Mem128,
    Float32,
    Float64,
    String,
    /// Needs a generated hash/equality (padding, blank fields, mixed parts),
    /// or is not comparable at all.
    Special,
}

impl Alg {
    fn is_mem(self) -> bool {
        matches!(
            self,
            Alg::Mem | Alg::Mem0 | Alg::Mem8 | Alg::Mem16 | Alg::Mem32 | Alg::Mem64 | Alg::Mem128
        )
    }

    /// Plain memory is refined by size (amd64 has no alignment exception).
    fn refined(self, size: u64) -> Alg {
        if !self.is_mem() {
            return self;
        }
        match size {
            0 => Alg::Mem0,
            1 => Alg::Mem8,
            2 => Alg::Mem16,
            4 => Alg::Mem32,
            8 => Alg::Mem64,
            16 => Alg::Mem128,
            _ => Alg::Mem,
        }
    }
}

/// Pointer masks of more words than this are not kept: such objects are
/// scanned as if every word of their `ptrdata` could be a pointer.
const MAX_MASK_WORDS: u64 = 1 << 20;

/// Everything the passes and the runtime need to know about how a type's
/// values sit in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeLayout {
    pub size: u64,
    pub align: u64,
    /// A struct's field offsets, in field order; empty for other types.
    pub field_offsets: Box<[u64]>,
    pub alg: Alg,
    /// `==` is byte equality: no floats, strings, padding or blank fields.
    pub mem_eq: bool,
    /// The length of the prefix that holds pointers, up to the end of the
    /// last pointer word (0: the type is pointer-free, Go's noscan).
    pub ptrdata: u64,
    /// Bit `i` of word `i / 64` is set when word `i` holds a pointer;
    /// `None` when the mask would be larger than [`MAX_MASK_WORDS`].
    mask: Option<Box<[u64]>>,
}

impl TypeLayout {
    fn scalar(size: u64, alg: Alg, pointer: bool) -> TypeLayout {
        TypeLayout {
            size,
            align: size.clamp(1, 8),
            field_offsets: Box::new([]),
            alg: alg.refined(size),
            mem_eq: alg.is_mem(),
            ptrdata: if pointer { 8 } else { 0 },
            mask: Some(if pointer { Box::new([1]) } else { Box::new([]) }),
        }
    }

    /// The layout of a type with no values of its own (untyped constants,
    /// tuples, unresolved defined types).
    fn empty() -> TypeLayout {
        TypeLayout {
            align: 1,
            alg: Alg::Special,
            mem_eq: false,
            ..TypeLayout::scalar(0, Alg::Mem, false)
        }
    }

    pub fn has_pointers(&self) -> bool {
        self.ptrdata > 0
    }

    /// The indexes of the words holding pointers, in order; `None` when the
    /// mask is not kept (see [`MAX_MASK_WORDS`]).
    pub fn pointer_words(&self) -> Option<Vec<usize>> {
        let mask = self.mask.as_ref()?;
        let words = (self.ptrdata / 8) as usize;
        Some((0..words).filter(|&w| bit(mask, w)).collect())
    }
}

fn bit(mask: &[u64], w: usize) -> bool {
    mask.get(w / 64).is_some_and(|m| m >> (w % 64) & 1 == 1)
}

fn set_bit(mask: &mut Vec<u64>, w: usize) {
    if mask.len() <= w / 64 {
        mask.resize(w / 64 + 1, 0);
    }
    mask[w / 64] |= 1 << (w % 64);
}

/// Sets in `out` the pointer words of a part with mask `part` (of
/// `ptrdata` bytes) placed at word `base`.
fn place(out: &mut Vec<u64>, part: &[u64], ptrdata: u64, base: usize) {
    for w in (0..(ptrdata / 8) as usize).filter(|&w| bit(part, w)) {
        set_bit(out, base + w);
    }
}

/// Computes layouts into `slots` (indexed by type id), reading only what
/// the table says about each type.
pub(crate) struct Engine<'a> {
    pub types: &'a TypeTable,
    pub slots: &'a mut Vec<Option<TypeLayout>>,
}

impl Engine<'_> {
    pub fn get(&mut self, t: TypeId, depth: u32) -> &TypeLayout {
        let i = t.as_u32() as usize;
        if self.slots.len() <= i {
            self.slots.resize(i + 1, None);
        }
        if self.slots[i].is_none() {
            // Valid Go types cannot contain themselves by value; the depth
            // limit only guards against the invalid ones the checker reports.
            let l = if depth > 200 {
                TypeLayout::empty()
            } else {
                self.compute(t, depth + 1)
            };
            self.slots[i] = Some(l);
        }
        self.slots[i].as_ref().expect("just computed")
    }

    fn compute(&mut self, t: TypeId, depth: u32) -> TypeLayout {
        match self.types.get(t).clone() {
            Type::Basic(b) => {
                let size = b.size();
                match b {
                    Basic::Float32 => TypeLayout::scalar(size, Alg::Float32, false),
                    Basic::Float64 => TypeLayout::scalar(size, Alg::Float64, false),
                    Basic::String => TypeLayout {
                        align: 8,
                        mem_eq: false,
                        ..TypeLayout::scalar(16, Alg::String, true)
                    },
                    Basic::UnsafePointer => TypeLayout::scalar(size, Alg::Mem, true),
                    _ => TypeLayout::scalar(size, Alg::Mem, false),
                }
            }
            Type::Untyped(_) | Type::Tuple(_) => TypeLayout::empty(),
            Type::Pointer(_) | Type::Map(..) => TypeLayout::scalar(8, Alg::Mem, true),
            Type::Slice(_) => TypeLayout {
                align: 8,
                mem_eq: false,
                ..TypeLayout::scalar(24, Alg::Special, true)
            },
            Type::Array(e, n) => self.array(e, n, depth),
            Type::Struct(fields) => {
                let tys: Vec<(TypeId, bool)> =
                    fields.iter().map(|f| (f.ty, f.name == "_")).collect();
                self.structure(&tys, depth)
            }
            Type::Named(n) => match n.underlying {
                Some(u) => self.get(u, depth).clone(),
                None => TypeLayout::empty(),
            },
        }
    }

    fn array(&mut self, e: TypeId, n: u64, depth: u32) -> TypeLayout {
        let el = self.get(e, depth).clone();
        let size = el.size.saturating_mul(n);
        let alg = match (el.alg, n) {
            (a, _) if a.is_mem() => Alg::Mem,
            (_, 0) => Alg::Mem,
            // One element keeps its class: `[1]string` hashes as a string.
            (a, 1) => a,
            _ => Alg::Special,
        };
        let ptrdata = if el.has_pointers() && n > 0 {
            (n - 1) * el.size + el.ptrdata
        } else {
            0
        };
        let mask = match &el.mask {
            Some(m) if ptrdata / 8 <= MAX_MASK_WORDS => {
                let mut out = Vec::new();
                if ptrdata > 0 {
                    let ewords = (el.size / 8) as usize;
                    for i in 0..n as usize {
                        place(&mut out, m, el.ptrdata, i * ewords);
                    }
                }
                Some(out.into_boxed_slice())
            }
            _ => None,
        };
        TypeLayout {
            size,
            align: el.align,
            field_offsets: Box::new([]),
            alg: alg.refined(size),
            mem_eq: el.mem_eq,
            ptrdata,
            mask,
        }
    }

    /// A struct of the given field types (`true`: a blank field).
    fn structure(&mut self, fields: &[(TypeId, bool)], depth: u32) -> TypeLayout {
        let mut off = 0u64;
        let mut align = 1u64;
        let mut offsets = Vec::with_capacity(fields.len());
        let mut last_size = 1;
        let mut covered = 0u64;
        let mut mem_eq = true;
        let mut ptrdata = 0;
        let mut mask = Some(Vec::new());
        let mut plain = true;
        for &(ty, blank) in fields {
            let fl = self.get(ty, depth);
            off = off.next_multiple_of(fl.align);
            offsets.push(off);
            mem_eq &= fl.mem_eq && !blank;
            plain &= fl.alg.is_mem() && !blank;
            if fl.has_pointers() {
                ptrdata = off + fl.ptrdata;
                match (&mut mask, &fl.mask) {
                    (Some(out), Some(m)) if ptrdata / 8 <= MAX_MASK_WORDS => {
                        place(out, m, fl.ptrdata, (off / 8) as usize);
                    }
                    _ => mask = None,
                }
            }
            covered += fl.size;
            off = off.saturating_add(fl.size);
            align = align.max(fl.align);
            last_size = fl.size;
        }
        // Go pads a trailing zero-size field so its address stays inside.
        if !fields.is_empty() && last_size == 0 && off > 0 {
            off += 1;
        }
        let size = off.next_multiple_of(align);
        // Padding anywhere makes byte equality and plain hashing wrong.
        let padded = covered != size;
        let alg = match fields {
            [(ty, false)] => self.get(*ty, depth).alg,
            _ if plain && !padded => Alg::Mem,
            _ => Alg::Special,
        };
        TypeLayout {
            size,
            align,
            field_offsets: offsets.into_boxed_slice(),
            alg: alg.refined(size),
            mem_eq: mem_eq && !padded,
            ptrdata,
            mask: mask.map(Vec::into_boxed_slice),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_words_follow_go_gcdata() {
        let mut t = TypeTable::new();
        t.complete_layouts();
        let int = t.basic(Basic::Int);
        let u8_ = t.basic(Basic::Uint8);
        let s = t.basic(Basic::String);
        let p = t.pointer(int);
        let sl = t.slice(int);
        let m = t.map(s, int);
        // int, string (ptr, len), *int, [3]byte + pad, []int (ptr, len, cap), int
        let bytes = t.array(u8_, 3);
        let mixed = t.structure(&[
            ("a", int),
            ("s", s),
            ("p", p),
            ("b", bytes),
            ("sl", sl),
            ("z", int),
        ]);
        let l = t.layout(mixed);
        assert_eq!(l.size, 72);
        assert_eq!(l.pointer_words(), Some(vec![1, 3, 5]));
        assert_eq!(l.ptrdata, 48);
        let arr = t.array(mixed, 2);
        assert_eq!(
            t.layout(arr).pointer_words(),
            Some(vec![1, 3, 5, 10, 12, 14])
        );
        assert_eq!(t.layout(arr).ptrdata, 72 + 48);
        for (ty, ptrdata) in [(int, 0), (s, 8), (p, 8), (sl, 8), (m, 8), (bytes, 0)] {
            assert_eq!(t.layout(ty).ptrdata, ptrdata, "{}", t.display(ty));
        }
        let none = t.array(p, 0);
        assert!(!t.layout(none).has_pointers());
        // Too many words to keep a mask for: still knows it has pointers.
        let huge = t.array(p, 1 << 30);
        assert_eq!(t.layout(huge).ptrdata, 8 << 30);
        assert_eq!(t.layout(huge).pointer_words(), None);
    }

    #[test]
    fn hash_classes_follow_go() {
        let mut t = TypeTable::new();
        t.complete_layouts();
        let i8_ = t.basic(Basic::Int8);
        let i32_ = t.basic(Basic::Int32);
        let f32_ = t.basic(Basic::Float32);
        let s = t.basic(Basic::String);
        let sl = t.slice(i32_);
        let padded = t.structure(&[("a", i8_), ("b", i32_)]);
        let blank = t.structure(&[("a", i32_), ("_", i32_)]);
        let pair = t.structure(&[("a", i32_), ("b", i32_)]);
        let one_float = t.structure(&[("f", f32_)]);
        let a1s = t.array(s, 1);
        let a2s = t.array(s, 2);
        let empty = t.structure(&[]);
        for (ty, alg, mem_eq) in [
            (i8_, Alg::Mem8, true),
            (f32_, Alg::Float32, false),
            (s, Alg::String, false),
            (sl, Alg::Special, false),
            (padded, Alg::Special, false),
            (blank, Alg::Special, false),
            (pair, Alg::Mem64, true),
            (one_float, Alg::Float32, false),
            (a1s, Alg::String, false),
            (a2s, Alg::Special, false),
            (empty, Alg::Mem0, true),
        ] {
            let l = t.layout(ty);
            assert_eq!((l.alg, l.mem_eq), (alg, mem_eq), "{}", t.display(ty));
        }
    }

    #[test]
    fn defined_types_resolved_later_get_their_layout() {
        let mut t = TypeTable::new();
        let named = t.new_named("T", 0);
        let int = t.basic(Basic::Int);
        let p = t.pointer(named);
        let st = t.structure(&[("next", p), ("v", int)]);
        t.set_underlying(named, st);
        t.complete_layouts();
        assert_eq!(t.size(named), 16);
        assert_eq!(t.layout(named).pointer_words(), Some(vec![0]));
    }
}
