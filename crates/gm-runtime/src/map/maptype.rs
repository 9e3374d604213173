//! Map type descriptors (Go: `abi.MapType` plus the compiler's
//! `reflectdata.MapBucketType`).
//!
//! The JIT describes a key by size, alignment and hash/equality class
//! ([`KeyType`]) and an elem by size and alignment; [`MapType::new`] derives
//! the rest exactly as Go's compiler does: slot sizes (indirect above 128
//! bytes), the bucket layout and size, and the descriptor flags.

use gm_abi::map::Slot;

use super::{BUCKET_CNT, DATA_OFFSET};

/// How a key is hashed and compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAlg {
    /// Plain memory, hashed and compared byte for byte: integers, bools,
    /// pointers, and padding-free structs/arrays of those.
    Mem,
    /// `float32`: +0 and −0 are equal and hash alike; NaN is unequal to
    /// everything and hashes to a fresh random value each time.
    Float32,
    /// `float64`, with the same rules as [`KeyAlg::Float32`].
    Float64,
    /// A Go string `{ptr, len}` (16 bytes), hashed and compared by contents.
    String,
    /// An array or struct: each part at its offset; bytes covered by no part
    /// (padding, blank fields) are ignored.
    Parts(Vec<KeyPart>),
}

/// One piece of a composite key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPart {
    pub offset: usize,
    pub size: usize,
    pub alg: KeyAlg,
}

/// A map key type as the compiler lays it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyType {
    pub size: usize,
    pub align: usize,
    pub alg: KeyAlg,
}

impl KeyType {
    /// Plain memory of `size` bytes (`int`, `uint32`, pointers, `[4]byte`…).
    pub fn mem(size: usize, align: usize) -> KeyType {
        KeyType {
            size,
            align,
            alg: KeyAlg::Mem,
        }
    }

    /// `float32`.
    pub fn float32() -> KeyType {
        KeyType {
            size: 4,
            align: 4,
            alg: KeyAlg::Float32,
        }
    }

    /// `float64`.
    pub fn float64() -> KeyType {
        KeyType {
            size: 8,
            align: 8,
            alg: KeyAlg::Float64,
        }
    }

    /// `string`.
    pub fn string() -> KeyType {
        KeyType {
            size: 16,
            align: 8,
            alg: KeyAlg::String,
        }
    }

    /// A struct or array made of `parts`.
    pub fn parts(size: usize, align: usize, parts: Vec<KeyPart>) -> KeyType {
        KeyType {
            size,
            align,
            alg: KeyAlg::Parts(parts),
        }
    }
}

/// Descriptor flag: the key slot holds a pointer to the key (Go:
/// `IndirectKey`).
pub const INDIRECT_KEY: u8 = 1;
/// Descriptor flag: the elem slot holds a pointer to the elem.
pub const INDIRECT_ELEM: u8 = 2;
/// Descriptor flag: `k == k` for every key (no floats inside).
pub const REFLEXIVE_KEY: u8 = 4;
/// Descriptor flag: an equal key must be overwritten on assignment (floats
/// for ±0, strings for the data pointer).
pub const NEED_KEY_UPDATE: u8 = 8;

/// A leaf of a flattened key: what to hash/compare at one offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Leaf {
    Mem(usize),
    F32,
    F64,
    Str,
}

/// How the runtime dispatches hashing and equality for a key, chosen once
/// when the descriptor is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyRepr {
    /// Plain memory of any size (4 and 8 take the integer hash, so the
    /// slow and the fast entry points agree).
    Mem(usize),
    F32,
    F64,
    Str,
    /// (offset, leaf) in key order, adjacent memory merged.
    Composite(Box<[(usize, Leaf)]>),
}

/// A map type descriptor (Go: `abi.MapType`). Build with [`MapType::new`];
/// the JIT leaks it to pass a stable `*const MapType`.
#[derive(Clone, Debug)]
pub struct MapType {
    key: KeyType,
    elem_size: usize,
    elem_align: usize,
    pub(crate) repr: KeyRepr,
    /// Go: `KeySize` (8 when indirect).
    pub(crate) key_slot: usize,
    /// Go: `ValueSize` (8 when indirect).
    pub(crate) elem_slot: usize,
    /// Go: `BucketSize`.
    pub(crate) bucket_size: usize,
    /// Offset of elem 0 in a bucket.
    pub(crate) elems_offset: usize,
    /// Offset of the overflow pointer in a bucket.
    pub(crate) overflow_offset: usize,
    pub(crate) flags: u8,
    /// Whether a bucket holds pointers the collector must follow (Go: the
    /// bucket type's `PtrBytes != 0`); pointer-free buckets are allocated
    /// noscan and their overflow buckets kept alive through `mapextra`.
    pub(crate) bucket_pointers: bool,
    /// Whether a key holds pointers: an inline one is cleared on delete, as
    /// Go does, and indirect storage is scanned.
    pub(crate) key_pointers: bool,
    /// Whether an elem holds pointers (indirect storage is scanned).
    pub(crate) elem_pointers: bool,
    /// The bucket's precise layout for the collector, or 0 (scan every
    /// word).
    pub(crate) bucket_descr: usize,
    /// The offsets in a bucket that `prefetch_bucket` hints.
    pub(crate) prefetch_at: [usize; 3],
}

fn check_size_align(what: &str, size: usize, align: usize) {
    assert!(
        align.is_power_of_two() && align <= 8,
        "gm-runtime: {what} alignment {align} must be a power of two <= 8"
    );
    assert!(
        size.is_multiple_of(align),
        "gm-runtime: {what} size {size} must be a multiple of its alignment {align}"
    );
}

/// Flattens `alg`, placed at `base` in a container of `size` bytes, into
/// leaves at absolute offsets.
fn flatten(alg: &KeyAlg, base: usize, size: usize, out: &mut Vec<(usize, Leaf)>) {
    match alg {
        KeyAlg::Mem => {
            if size != 0 {
                out.push((base, Leaf::Mem(size)))
            }
        }
        KeyAlg::Float32 => {
            assert_eq!(size, 4, "gm-runtime: a float32 key part is 4 bytes");
            out.push((base, Leaf::F32));
        }
        KeyAlg::Float64 => {
            assert_eq!(size, 8, "gm-runtime: a float64 key part is 8 bytes");
            out.push((base, Leaf::F64));
        }
        KeyAlg::String => {
            assert_eq!(size, 16, "gm-runtime: a string key part is 16 bytes");
            out.push((base, Leaf::Str));
        }
        KeyAlg::Parts(parts) => {
            for p in parts {
                assert!(
                    p.offset.checked_add(p.size).is_some_and(|end| end <= size),
                    "gm-runtime: key part at {}+{} exceeds its {size}-byte container",
                    p.offset,
                    p.size
                );
                flatten(&p.alg, base + p.offset, p.size, out);
            }
        }
    }
}

fn key_repr(key: &KeyType) -> KeyRepr {
    match &key.alg {
        KeyAlg::Mem => KeyRepr::Mem(key.size),
        KeyAlg::Float32 => {
            assert_eq!(key.size, 4, "gm-runtime: a float32 key is 4 bytes");
            KeyRepr::F32
        }
        KeyAlg::Float64 => {
            assert_eq!(key.size, 8, "gm-runtime: a float64 key is 8 bytes");
            KeyRepr::F64
        }
        KeyAlg::String => {
            assert_eq!(key.size, 16, "gm-runtime: a string key is 16 bytes");
            KeyRepr::Str
        }
        KeyAlg::Parts(_) => {
            let mut leaves = Vec::new();
            flatten(&key.alg, 0, key.size, &mut leaves);
            leaves.sort_by_key(|&(off, _)| off);
            // Merge touching memory leaves into one comparison.
            let mut merged: Vec<(usize, Leaf)> = Vec::with_capacity(leaves.len());
            for (off, leaf) in leaves {
                if let (Some((poff, Leaf::Mem(psize))), Leaf::Mem(size)) = (merged.last_mut(), leaf)
                    && *poff + *psize == off
                {
                    *psize += size;
                    continue;
                }
                merged.push((off, leaf));
            }
            for w in merged.windows(2) {
                let end = w[0].0 + leaf_size(w[0].1);
                assert!(end <= w[1].0, "gm-runtime: key parts overlap at {}", w[1].0);
            }
            match merged.as_slice() {
                [] => KeyRepr::Mem(0),
                [(0, Leaf::Mem(n))] if *n == key.size => KeyRepr::Mem(key.size),
                [(0, Leaf::F32)] => KeyRepr::F32,
                [(0, Leaf::F64)] => KeyRepr::F64,
                [(0, Leaf::Str)] => KeyRepr::Str,
                _ => KeyRepr::Composite(merged.into_boxed_slice()),
            }
        }
    }
}

pub(crate) fn leaf_size(l: Leaf) -> usize {
    match l {
        Leaf::Mem(n) => n,
        Leaf::F32 => 4,
        Leaf::F64 => 8,
        Leaf::Str => 16,
    }
}

impl KeyRepr {
    fn has(&self, pred: fn(Leaf) -> bool) -> bool {
        match self {
            KeyRepr::Mem(n) => pred(Leaf::Mem(*n)),
            KeyRepr::F32 => pred(Leaf::F32),
            KeyRepr::F64 => pred(Leaf::F64),
            KeyRepr::Str => pred(Leaf::Str),
            KeyRepr::Composite(leaves) => leaves.iter().any(|&(_, l)| pred(l)),
        }
    }
}

impl MapType {
    /// The descriptor of `map[K]V` for key `key` and an elem of `elem_size`
    /// bytes at `elem_align`.
    ///
    /// Panics (a compiler bug, not a Go error) if an alignment is not a power
    /// of two up to 8, a size is not a multiple of its alignment, or a key
    /// part lies outside the key.
    pub fn new(key: KeyType, elem_size: usize, elem_align: usize) -> MapType {
        check_size_align("key", key.size, key.align);
        check_size_align("elem", elem_size, elem_align);
        let repr = key_repr(&key);
        let mut flags = 0;
        let bucket = gm_abi::map::Bucket::new(key.size, elem_size);
        if bucket.key == Slot::Indirect {
            flags |= INDIRECT_KEY;
        }
        if bucket.elem == Slot::Indirect {
            flags |= INDIRECT_ELEM;
        }
        let has_float = repr.has(|l| matches!(l, Leaf::F32 | Leaf::F64));
        let has_string = repr.has(|l| l == Leaf::Str);
        if !has_float {
            flags |= REFLEXIVE_KEY;
        }
        if has_float || has_string {
            flags |= NEED_KEY_UPDATE;
        }
        MapType {
            key,
            elem_size,
            elem_align,
            repr,
            key_slot: bucket.key.size(),
            elem_slot: bucket.elem.size(),
            bucket_size: bucket.size,
            elems_offset: bucket.elems_offset,
            overflow_offset: bucket.overflow_offset,
            flags,
            bucket_pointers: true,
            key_pointers: true,
            elem_pointers: true,
            bucket_descr: 0,
            prefetch_at: crate::map::hmap::prefetch_offsets(bucket.size),
        }
        .with_pointers(has_string, true)
    }

    /// Sets whether keys and elems hold pointers (the compiler knows; the
    /// default from [`MapType::new`] is what the key's class shows and
    /// pointers in the elem). Indirect slots are pointers either way.
    pub fn with_pointers(mut self, key: bool, elem: bool) -> MapType {
        self.key_pointers = key;
        self.elem_pointers = elem;
        self.bucket_pointers = key || elem || self.indirect_key() || self.indirect_elem();
        self
    }

    /// Gives the exact pointer words (word offsets) of a key and an elem:
    /// buckets are then allocated with a precise layout, scanning only
    /// those words (and the overflow link).
    pub fn with_pointer_words(self, key: &[usize], elem: &[usize]) -> MapType {
        let mut t = self.with_pointers(!key.is_empty(), !elem.is_empty());
        if !t.bucket_pointers {
            return t;
        }
        let mut words = Vec::new();
        for i in 0..BUCKET_CNT {
            let k = (DATA_OFFSET + i * t.key_slot) / 8;
            if t.indirect_key() {
                words.push(k);
            } else {
                words.extend(key.iter().map(|w| k + w));
            }
            let e = (t.elems_offset + i * t.elem_slot) / 8;
            if t.indirect_elem() {
                words.push(e);
            } else {
                words.extend(elem.iter().map(|w| e + w));
            }
        }
        words.push(t.overflow_offset / 8);
        t.bucket_descr = crate::alloc::descriptor(&words, t.bucket_size / 8);
        t
    }

    /// Whether buckets hold pointers (else they are noscan memory).
    pub fn bucket_pointers(&self) -> bool {
        self.bucket_pointers
    }

    /// The key type.
    pub fn key(&self) -> &KeyType {
        &self.key
    }

    /// Size of an elem in bytes.
    pub fn elem_size(&self) -> usize {
        self.elem_size
    }

    /// Alignment of an elem.
    pub fn elem_align(&self) -> usize {
        self.elem_align
    }

    /// Bytes per key slot (Go: `KeySize`; a pointer when indirect).
    pub fn key_slot_size(&self) -> usize {
        self.key_slot
    }

    /// Bytes per elem slot (Go: `ValueSize`; a pointer when indirect).
    pub fn elem_slot_size(&self) -> usize {
        self.elem_slot
    }

    /// Bytes per bucket (Go: `BucketSize`); the size of a JIT stack bucket.
    pub fn bucket_size(&self) -> usize {
        self.bucket_size
    }

    /// The offset of elem slot 0 in a bucket.
    pub fn elems_offset(&self) -> usize {
        self.elems_offset
    }

    /// Go's descriptor flags: [`INDIRECT_KEY`] | [`INDIRECT_ELEM`] |
    /// [`REFLEXIVE_KEY`] | [`NEED_KEY_UPDATE`].
    pub fn flags(&self) -> u8 {
        self.flags
    }

    pub fn indirect_key(&self) -> bool {
        self.flags & INDIRECT_KEY != 0
    }

    pub fn indirect_elem(&self) -> bool {
        self.flags & INDIRECT_ELEM != 0
    }

    pub fn reflexive_key(&self) -> bool {
        self.flags & REFLEXIVE_KEY != 0
    }

    pub fn need_key_update(&self) -> bool {
        self.flags & NEED_KEY_UPDATE != 0
    }
}
