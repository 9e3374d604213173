//! Go 1.23's map constants and the layouts of the runtime's map structs,
//! as field lists both the compiler (which builds `hmap`, `hiter` and
//! bucket types for the walk dump and for stack maps) and the runtime
//! (whose `#[repr(C)]` structs are asserted against them) read.

/// Slots per bucket (Go: `abi.MapBucketCount`).
pub const BUCKET_CNT: usize = 8;
/// log2 of [`BUCKET_CNT`].
pub const BUCKET_CNT_BITS: usize = 3;
/// Keys up to this size are stored inline (Go: `abi.MapMaxKeyBytes`).
pub const MAX_KEY_SIZE: usize = 128;
/// Elems up to this size are stored inline (Go: `abi.MapMaxElemBytes`).
pub const MAX_ELEM_SIZE: usize = 128;
/// Where the keys start in a bucket: after the tophash bytes.
pub const DATA_OFFSET: usize = BUCKET_CNT;
/// Size of the shared zero block; larger elems are read with `_fat` calls
/// that pass their own (Go: `abi.ZeroValSize`).
pub const ZERO_VAL_SIZE: usize = 1024;

/// The machine type of one field of a runtime struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
    Int,
    Uint8,
    Uint16,
    Uint32,
    Uintptr,
    Bool,
    /// Any pointer (`unsafe.Pointer` as the compiler sees it).
    Pointer,
}

impl Word {
    /// Size and alignment (equal for every word).
    pub const fn size(self) -> usize {
        match self {
            Word::Uint8 | Word::Bool => 1,
            Word::Uint16 => 2,
            Word::Uint32 => 4,
            Word::Int | Word::Uintptr | Word::Pointer => 8,
        }
    }
}

/// One field of a runtime struct, by Go's name.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Word,
}

const fn f(name: &'static str, ty: Word) -> Field {
    Field { name, ty }
}

/// `runtime.hmap`, Go's field order.
pub const HMAP: &[Field] = &[
    f("count", Word::Int),
    f("flags", Word::Uint8),
    f("B", Word::Uint8),
    f("noverflow", Word::Uint16),
    f("hash0", Word::Uint32),
    f("buckets", Word::Pointer),
    f("oldbuckets", Word::Pointer),
    f("nevacuate", Word::Uintptr),
    f("extra", Word::Pointer),
];
/// Field indices of [`HMAP`] that generated code touches.
pub const HMAP_COUNT: usize = 0;
pub const HMAP_HASH0: usize = 4;
pub const HMAP_BUCKETS: usize = 5;

/// `runtime.hiter`, Go's field order: `key` and `elem` first, which
/// generated code reads after every `mapiternext`.
pub const HITER: &[Field] = &[
    f("key", Word::Pointer),
    f("elem", Word::Pointer),
    f("t", Word::Pointer),
    f("h", Word::Pointer),
    f("buckets", Word::Pointer),
    f("bptr", Word::Pointer),
    f("overflow", Word::Pointer),
    f("oldoverflow", Word::Pointer),
    f("startBucket", Word::Uintptr),
    f("offset", Word::Uint8),
    f("wrapped", Word::Bool),
    f("B", Word::Uint8),
    f("i", Word::Uint8),
    f("bucket", Word::Uintptr),
    f("checkBucket", Word::Uintptr),
];
pub const HITER_KEY: usize = 0;
pub const HITER_ELEM: usize = 1;

/// `runtime.mapextra`: the overflow lists of a map whose buckets hold no
/// pointers, and the next preallocated overflow bucket.
pub const MAPEXTRA: &[Field] = &[
    f("overflow", Word::Pointer),
    f("oldoverflow", Word::Pointer),
    f("nextOverflow", Word::Pointer),
];

/// The byte offset of field `i` (C layout: each field at its alignment).
pub const fn offset(fields: &[Field], i: usize) -> usize {
    let mut off: usize = 0;
    let mut j = 0;
    while j <= i {
        let size = fields[j].ty.size();
        off = off.next_multiple_of(size);
        if j == i {
            return off;
        }
        off += size;
        j += 1;
    }
    off
}

/// The size of the struct, padded to its alignment.
pub const fn size(fields: &[Field]) -> usize {
    let last = fields.len() - 1;
    let end = offset(fields, last) + fields[last].ty.size();
    let mut align: usize = 1;
    let mut j = 0;
    while j < fields.len() {
        if fields[j].ty.size() > align {
            align = fields[j].ty.size();
        }
        j += 1;
    }
    end.next_multiple_of(align)
}

pub const HMAP_SIZE: usize = size(HMAP);
pub const HMAP_COUNT_OFFSET: usize = offset(HMAP, HMAP_COUNT);
pub const HMAP_HASH0_OFFSET: usize = offset(HMAP, HMAP_HASH0);
pub const HMAP_BUCKETS_OFFSET: usize = offset(HMAP, HMAP_BUCKETS);
pub const HITER_SIZE: usize = size(HITER);
pub const MAPEXTRA_SIZE: usize = size(MAPEXTRA);

/// Where a key or elem lives in a bucket slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Stored in the slot (this many bytes).
    Inline(usize),
    /// Over the size limit: the slot holds a pointer to it.
    Indirect,
}

impl Slot {
    pub const fn of(size: usize, limit: usize) -> Slot {
        if size > limit {
            Slot::Indirect
        } else {
            Slot::Inline(size)
        }
    }

    pub const fn size(self) -> usize {
        match self {
            Slot::Inline(n) => n,
            Slot::Indirect => size_of::<usize>(),
        }
    }
}

/// A bucket of `map[K]V`: `tophash [8]uint8`, `keys [8]K`, `elems [8]V`,
/// `overflow *bucket`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    pub key: Slot,
    pub elem: Slot,
    pub elems_offset: usize,
    pub overflow_offset: usize,
    pub size: usize,
}

impl Bucket {
    /// The bucket for keys and elems of these sizes. Their alignments are
    /// at most 8 and divide their sizes, so eight slots keep every later
    /// field 8-aligned: there is no padding.
    pub const fn new(key_size: usize, elem_size: usize) -> Bucket {
        let key = Slot::of(key_size, MAX_KEY_SIZE);
        let elem = Slot::of(elem_size, MAX_ELEM_SIZE);
        let elems_offset = DATA_OFFSET + BUCKET_CNT * key.size();
        let overflow_offset = elems_offset + BUCKET_CNT * elem.size();
        Bucket {
            key,
            elem,
            elems_offset,
            overflow_offset,
            size: overflow_offset + size_of::<usize>(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_go_amd64() {
        assert_eq!(HMAP_SIZE, 48);
        assert_eq!(
            (HMAP_COUNT_OFFSET, HMAP_HASH0_OFFSET, HMAP_BUCKETS_OFFSET),
            (0, 12, 16)
        );
        assert_eq!(offset(HMAP, 3), 10);
        assert_eq!(HITER_SIZE, 96);
        assert_eq!(offset(HITER, 9), 72);
        assert_eq!(offset(HITER, 13), 80);
        assert_eq!(MAPEXTRA_SIZE, 24);
    }

    #[test]
    fn buckets_follow_the_indirect_rule() {
        assert_eq!(Bucket::new(8, 8).size, 144);
        assert_eq!(Bucket::new(1, 1).size, 32);
        assert_eq!(Bucket::new(16, 8).size, 208);
        let big = Bucket::new(129, 129);
        assert_eq!(
            (big.key, big.elem, big.size),
            (Slot::Indirect, Slot::Indirect, 144)
        );
        assert_eq!(Bucket::new(128, 128).size, 2064);
        assert_eq!(Bucket::new(8, 0).size, 80);
    }
}
