//! The runtime's own types as walk sees them: the map header `hmap`, the
//! hash iterator `hiter` and a map's bucket type, laid out exactly as the
//! runtime crate lays them out (Go's field order).

use std::collections::HashMap;

use gm_ir::types::Field;
use gm_ir::{Basic, Type, TypeId, TypeTable};

use crate::mapfast::MAX_ELEM_BYTES;

/// Index of `hiter.key` and `hiter.elem`.
pub const HITER_KEY: usize = 0;
pub const HITER_ELEM: usize = 1;
/// Index of `hmap.hash0` and `hmap.buckets`.
pub const HMAP_HASH0: usize = 4;
pub const HMAP_BUCKETS: usize = 5;

/// Creates (once per program) and hands out the runtime types.
#[derive(Default)]
pub struct RuntimeTypes {
    hiter: Option<TypeId>,
    hmap: Option<TypeId>,
    buckets: HashMap<TypeId, TypeId>,
}

fn named_struct(types: &mut TypeTable, name: &str, fields: Vec<(&str, TypeId)>) -> TypeId {
    let st = types.intern(Type::Struct(
        fields
            .into_iter()
            .map(|(n, ty)| Field {
                name: n.to_string(),
                ty,
            })
            .collect(),
    ));
    let named = types.new_named(name, 0);
    types.set_underlying(named, st);
    named
}

impl RuntimeTypes {
    /// `runtime.hiter`: 12 words, `key` and `elem` first.
    pub fn hiter(&mut self, types: &mut TypeTable) -> TypeId {
        if let Some(t) = self.hiter {
            return t;
        }
        let p = types.basic(Basic::UnsafePointer);
        let uptr = types.basic(Basic::Uintptr);
        let u8_ = types.basic(Basic::Uint8);
        let b = types.basic(Basic::Bool);
        let t = named_struct(
            types,
            "runtime.hiter",
            vec![
                ("key", p),
                ("elem", p),
                ("t", p),
                ("h", p),
                ("buckets", p),
                ("bptr", p),
                ("overflow", p),
                ("oldoverflow", p),
                ("startBucket", uptr),
                ("offset", u8_),
                ("wrapped", b),
                ("B", u8_),
                ("i", u8_),
                ("bucket", uptr),
                ("checkBucket", uptr),
            ],
        );
        self.hiter = Some(t);
        t
    }

    /// `runtime.hmap`: the 48-byte map header.
    pub fn hmap(&mut self, types: &mut TypeTable) -> TypeId {
        if let Some(t) = self.hmap {
            return t;
        }
        let p = types.basic(Basic::UnsafePointer);
        let t = named_struct(
            types,
            "runtime.hmap",
            vec![
                ("count", types.basic(Basic::Int)),
                ("flags", types.basic(Basic::Uint8)),
                ("B", types.basic(Basic::Uint8)),
                ("noverflow", types.basic(Basic::Uint16)),
                ("hash0", types.basic(Basic::Uint32)),
                ("buckets", p),
                ("oldbuckets", p),
                ("nevacuate", types.basic(Basic::Uintptr)),
                ("extra", p),
            ],
        );
        self.hmap = Some(t);
        t
    }

    /// `map.bucket[K]V`: tophash bytes, 8 keys, 8 elems, overflow pointer;
    /// keys or elems over 128 bytes are stored as pointers.
    pub fn bucket(&mut self, types: &mut TypeTable, map: TypeId) -> TypeId {
        let canon = types.canonical(map);
        if let Some(&t) = self.buckets.get(&canon) {
            return t;
        }
        let (k, v) = types.map_types(map).expect("a map type");
        let slot = |types: &mut TypeTable, t: TypeId| {
            if types.size(t) > MAX_ELEM_BYTES {
                types.pointer(t)
            } else {
                t
            }
        };
        let ks = slot(types, k);
        let vs = slot(types, v);
        let u8_ = types.basic(Basic::Uint8);
        let fields = vec![
            ("topbits", types.array(u8_, 8)),
            ("keys", types.array(ks, 8)),
            ("elems", types.array(vs, 8)),
            ("overflow", types.basic(Basic::UnsafePointer)),
        ];
        let name = format!("map.bucket[{}]{}", types.display(k), types.display(v));
        let t = named_struct(types, &name, fields);
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
        let mut rt = RuntimeTypes::default();
        let hiter = rt.hiter(&mut types);
        let hmap = rt.hmap(&mut types);
        assert_eq!(types.size(hiter), 96);
        assert_eq!(types.size(hmap), 48);
        let int = types.basic(Basic::Int);
        let i8_ = types.basic(Basic::Int8);
        let i64_ = types.basic(Basic::Int64);
        let s = types.basic(Basic::String);
        let b = types.basic(Basic::Uint8);
        let empty = types.intern(Type::Struct(vec![]));
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
        }
    }
}
