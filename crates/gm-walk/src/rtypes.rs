//! The runtime's own types as walk sees them: the map header `hmap`, the
//! hash iterator `hiter` and a map's bucket type, built from gm-abi's field
//! lists, which the runtime's structs are asserted against.

use foldhash::HashMap;

use gm_abi::map::{self as abi, Word};
use gm_ir::{Basic, TypeId, TypeTable};

/// Index of `hiter.key` and `hiter.elem`.
pub const HITER_KEY: usize = abi::HITER_KEY;
pub const HITER_ELEM: usize = abi::HITER_ELEM;
/// Index of `hmap.hash0` and `hmap.buckets`.
pub const HMAP_HASH0: usize = abi::HMAP_HASH0;
pub const HMAP_BUCKETS: usize = abi::HMAP_BUCKETS;

/// Creates (once per program) and hands out the runtime types.
#[derive(Default)]
pub struct RuntimeTypes {
    hiter: Option<TypeId>,
    hmap: Option<TypeId>,
    buckets: HashMap<TypeId, TypeId>,
}

fn named_struct(types: &mut TypeTable, name: &str, fields: &[(&str, TypeId)]) -> TypeId {
    let st = types.structure(fields);
    let named = types.new_named(name, 0);
    types.set_underlying(named, st);
    named
}

/// The named struct of one of gm-abi's field lists.
fn abi_struct(types: &mut TypeTable, name: &str, fields: &[abi::Field]) -> TypeId {
    let fields = fields
        .iter()
        .map(|f| {
            let b = match f.ty {
                Word::Int => Basic::Int,
                Word::Uint8 => Basic::Uint8,
                Word::Uint16 => Basic::Uint16,
                Word::Uint32 => Basic::Uint32,
                Word::Uintptr => Basic::Uintptr,
                Word::Bool => Basic::Bool,
                Word::Pointer => Basic::UnsafePointer,
            };
            (f.name, types.basic(b))
        })
        .collect::<Vec<_>>();
    named_struct(types, name, &fields)
}

impl RuntimeTypes {
    /// `runtime.hiter`: 12 words, `key` and `elem` first.
    pub fn hiter(&mut self, types: &mut TypeTable) -> TypeId {
        *self
            .hiter
            .get_or_insert_with(|| abi_struct(types, "runtime.hiter", abi::HITER))
    }

    /// `runtime.hmap`: the 48-byte map header.
    pub fn hmap(&mut self, types: &mut TypeTable) -> TypeId {
        *self
            .hmap
            .get_or_insert_with(|| abi_struct(types, "runtime.hmap", abi::HMAP))
    }

    /// `map.bucket[K]V`: tophash bytes, 8 keys, 8 elems, overflow pointer;
    /// keys or elems over 128 bytes are stored as pointers.
    pub fn bucket(&mut self, types: &mut TypeTable, map: TypeId) -> TypeId {
        let canon = types.canonical(map);
        if let Some(&t) = self.buckets.get(&canon) {
            return t;
        }
        let (k, v) = types.map_types(map).expect("a map type");
        let shape = abi::Bucket::new(types.size(k) as usize, types.size(v) as usize);
        let slot = |types: &mut TypeTable, t: TypeId, slot: abi::Slot| match slot {
            abi::Slot::Indirect => types.pointer(t),
            abi::Slot::Inline(_) => t,
        };
        let ks = slot(types, k, shape.key);
        let vs = slot(types, v, shape.elem);
        let u8_ = types.basic(Basic::Uint8);
        let n = abi::BUCKET_CNT as u64;
        let fields = vec![
            ("topbits", types.array(u8_, n)),
            ("keys", types.array(ks, n)),
            ("elems", types.array(vs, n)),
            ("overflow", types.basic(Basic::UnsafePointer)),
        ];
        let name = format!("map.bucket[{}]{}", types.display(k), types.display(v));
        let t = named_struct(types, &name, &fields);
        self.buckets.insert(canon, t);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_the_runtime() {
        let mut types = TypeTable::new();
        types.complete_layouts();
        let mut rt = RuntimeTypes::default();
        let hiter = rt.hiter(&mut types);
        let hmap = rt.hmap(&mut types);
        assert_eq!(types.size(hiter), abi::HITER_SIZE as u64);
        assert_eq!(types.size(hmap), abi::HMAP_SIZE as u64);
        assert_eq!(
            types.field_offsets(hmap)[HMAP_HASH0],
            abi::HMAP_HASH0_OFFSET as u64
        );
        let int = types.basic(Basic::Int);
        let i8_ = types.basic(Basic::Int8);
        let i64_ = types.basic(Basic::Int64);
        let s = types.basic(Basic::String);
        let b = types.basic(Basic::Uint8);
        let empty = types.structure(&[]);
        let big = types.array(b, 129);
        let b128 = types.array(b, 128);
        for (k, v, size) in [
            (int, int, 144),
            (i8_, i8_, 32),
            (i64_, i8_, 88),
            (s, int, 208),
            (big, big, 144),
            (b128, b128, 2064),
            (int, empty, 80),
        ] {
            let m = types.map(k, v);
            let bt = rt.bucket(&mut types, m);
            assert_eq!(types.size(bt), size, "{}", types.display(m));
            let shape = abi::Bucket::new(types.size(k) as usize, types.size(v) as usize);
            assert_eq!(types.size(bt), shape.size as u64);
            let offs = types.field_offsets(bt);
            assert_eq!(offs[2], shape.elems_offset as u64);
            assert_eq!(offs[3], shape.overflow_offset as u64);
            // A bucket's last pointer word is its overflow pointer.
            assert_eq!(types.layout(bt).ptrdata, shape.size as u64);
        }
    }
}
