//! Choosing the runtime variant of a map operation, as Go's `mapfast` does:
//! from the key's algorithm class and the element size (LOWERING §1).

use gm_ir::runtime::RtFn;
use gm_ir::{Alg, Basic, Type, TypeId, TypeTable};

/// Elements larger than this are stored indirectly and disable fast paths.
pub const MAX_ELEM_BYTES: u64 = gm_abi::map::MAX_ELEM_SIZE as u64;
/// Reads of larger elements use the `_fat` variants with a zero block.
pub const ZERO_VAL_SIZE: u64 = gm_abi::map::ZERO_VAL_SIZE as u64;

/// The runtime family an operation on a map type uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapFast {
    Slow,
    Fast32,
    Fast32Ptr,
    Fast64,
    Fast64Ptr,
    FastStr,
}

/// Go's `mapfast(t)` for a map type.
pub fn map_fast(types: &TypeTable, map: TypeId) -> MapFast {
    map_fast_why(types, map).0
}

/// [`map_fast`] and the reason for it, in words.
pub fn map_fast_why(types: &TypeTable, map: TypeId) -> (MapFast, String) {
    let (k, v) = types.map_types(map).expect("a map type");
    let (kname, vname) = (types.display(k), types.display(v));
    let vsize = types.size(v);
    if vsize > MAX_ELEM_BYTES {
        return (
            MapFast::Slow,
            format!(
                "elem {vname} is {vsize} bytes, over {MAX_ELEM_BYTES}: stored indirectly, so no fast variant"
            ),
        );
    }
    let ksize = types.size(k);
    match types.layout(k).alg {
        Alg::Mem32 if !types.layout(k).has_pointers() => (
            MapFast::Fast32,
            format!("key {kname} is 4 bytes of plain memory"),
        ),
        Alg::Mem32 => (
            MapFast::Fast32Ptr,
            format!("key {kname} is a 4-byte pointer"),
        ),
        Alg::Mem64 if !types.layout(k).has_pointers() => (
            MapFast::Fast64,
            format!("key {kname} is 8 bytes of plain memory"),
        ),
        Alg::Mem64 => (
            MapFast::Fast64Ptr,
            format!("key {kname} is an 8-byte pointer"),
        ),
        Alg::String => (MapFast::FastStr, format!("key {kname} hashes as a string")),
        Alg::Float32 | Alg::Float64 => (
            MapFast::Slow,
            format!(
                "key {kname} hashes as a float (+0 equals -0, NaN equals nothing): no fast variant"
            ),
        ),
        Alg::Special => (
            MapFast::Slow,
            format!(
                "key {kname} needs a generated hash and equality (padding, blank fields or mixed parts): no fast variant"
            ),
        ),
        _ => (
            MapFast::Slow,
            format!("key {kname} ({ksize} bytes) has no fast variant"),
        ),
    }
}

/// Whether `k == k` for every key value (no floats inside).
pub fn reflexive(types: &TypeTable, t: TypeId) -> bool {
    match types.under(t) {
        Type::Basic(Basic::Float32 | Basic::Float64) => false,
        Type::Array(e, _) => reflexive(types, *e),
        Type::Struct(fields) => fields.iter().all(|f| reflexive(types, f.ty)),
        _ => true,
    }
}

/// The map operations with runtime variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapOp {
    Access1,
    Access2,
    Assign,
    Delete,
}

/// The runtime function for an operation on a map type (LOWERING §1.2, §3).
pub fn map_fn(types: &TypeTable, map: TypeId, op: MapOp) -> RtFn {
    map_fn_why(types, map, op).0
}

/// [`map_fn`] and the reason for it, in words.
pub fn map_fn_why(types: &TypeTable, map: TypeId, op: MapOp) -> (RtFn, String) {
    let (fast, why) = map_fast_why(types, map);
    let (_, v) = types.map_types(map).expect("a map type");
    let vsize = types.size(v);
    let fat = vsize > ZERO_VAL_SIZE;
    use MapFast::*;
    let f = match (op, fast) {
        (MapOp::Access1, _) if fat => RtFn::mapaccess1_fat,
        (MapOp::Access2, _) if fat => RtFn::mapaccess2_fat,
        (MapOp::Access1, Slow) => RtFn::mapaccess1,
        (MapOp::Access1, Fast32 | Fast32Ptr) => RtFn::mapaccess1_fast32,
        (MapOp::Access1, Fast64 | Fast64Ptr) => RtFn::mapaccess1_fast64,
        (MapOp::Access1, FastStr) => RtFn::mapaccess1_faststr,
        (MapOp::Access2, Slow) => RtFn::mapaccess2,
        (MapOp::Access2, Fast32 | Fast32Ptr) => RtFn::mapaccess2_fast32,
        (MapOp::Access2, Fast64 | Fast64Ptr) => RtFn::mapaccess2_fast64,
        (MapOp::Access2, FastStr) => RtFn::mapaccess2_faststr,
        (MapOp::Assign, Slow) => RtFn::mapassign,
        (MapOp::Assign, Fast32) => RtFn::mapassign_fast32,
        (MapOp::Assign, Fast32Ptr) => RtFn::mapassign_fast32ptr,
        (MapOp::Assign, Fast64) => RtFn::mapassign_fast64,
        (MapOp::Assign, Fast64Ptr) => RtFn::mapassign_fast64ptr,
        (MapOp::Assign, FastStr) => RtFn::mapassign_faststr,
        (MapOp::Delete, Slow) => RtFn::mapdelete,
        (MapOp::Delete, Fast32 | Fast32Ptr) => RtFn::mapdelete_fast32,
        (MapOp::Delete, Fast64 | Fast64Ptr) => RtFn::mapdelete_fast64,
        (MapOp::Delete, FastStr) => RtFn::mapdelete_faststr,
    };
    let why = match f {
        RtFn::mapaccess1_fat | RtFn::mapaccess2_fat => format!(
            "elem {} is {vsize} bytes, over {ZERO_VAL_SIZE}: its zero value is passed explicitly",
            types.display(v)
        ),
        RtFn::mapassign_fast32ptr | RtFn::mapassign_fast64ptr => {
            format!("{why}: the ptr variant stores it where the garbage collector sees it")
        }
        _ => why,
    };
    (f, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_follow_the_verified_table() {
        let mut t = TypeTable::new();
        t.complete_layouts();
        let int = t.basic(Basic::Int);
        let i8_ = t.basic(Basic::Int8);
        let i32_ = t.basic(Basic::Int32);
        let u8_ = t.basic(Basic::Uint8);
        let f64_ = t.basic(Basic::Float64);
        let s = t.basic(Basic::String);
        let pint = t.pointer(int);
        let a2i32 = t.array(i32_, 2);
        let a4b = t.array(u8_, 4);
        let a2b = t.array(u8_, 2);
        let a1s = t.array(s, 1);
        let a2s = t.array(s, 2);
        let a1f = t.array(f64_, 1);
        let padded = t.structure(&[("a", i8_), ("b", i32_)]);
        let blank = t.structure(&[("a", i32_), ("_", i32_)]);
        let one_str = t.structure(&[("s", s)]);
        let two_i32 = t.structure(&[("a", i32_), ("b", i32_)]);
        let ptr_and_int = t.structure(&[("p", pint), ("x", int)]);
        let big = t.array(u8_, 129);
        let cases = [
            (int, RtFn::mapaccess1_fast64, RtFn::mapassign_fast64),
            (i32_, RtFn::mapaccess1_fast32, RtFn::mapassign_fast32),
            (i8_, RtFn::mapaccess1, RtFn::mapassign),
            (f64_, RtFn::mapaccess1, RtFn::mapassign),
            (s, RtFn::mapaccess1_faststr, RtFn::mapassign_faststr),
            (pint, RtFn::mapaccess1_fast64, RtFn::mapassign_fast64ptr),
            (a2i32, RtFn::mapaccess1_fast64, RtFn::mapassign_fast64),
            (a4b, RtFn::mapaccess1_fast32, RtFn::mapassign_fast32),
            (a2b, RtFn::mapaccess1, RtFn::mapassign),
            (a1s, RtFn::mapaccess1_faststr, RtFn::mapassign_faststr),
            (a2s, RtFn::mapaccess1, RtFn::mapassign),
            (a1f, RtFn::mapaccess1, RtFn::mapassign),
            (padded, RtFn::mapaccess1, RtFn::mapassign),
            (blank, RtFn::mapaccess1, RtFn::mapassign),
            (one_str, RtFn::mapaccess1_faststr, RtFn::mapassign_faststr),
            (two_i32, RtFn::mapaccess1_fast64, RtFn::mapassign_fast64),
            (ptr_and_int, RtFn::mapaccess1, RtFn::mapassign),
            (big, RtFn::mapaccess1, RtFn::mapassign),
        ];
        for (key, read, assign) in cases {
            let m = t.map(key, int);
            let name = t.display(key);
            assert_eq!(map_fn(&t, m, MapOp::Access1), read, "read {name}");
            assert_eq!(map_fn(&t, m, MapOp::Assign), assign, "assign {name}");
        }
    }

    #[test]
    fn element_size_cutoffs() {
        let mut t = TypeTable::new();
        t.complete_layouts();
        let int = t.basic(Basic::Int);
        let u8_ = t.basic(Basic::Uint8);
        for (n, read, assign) in [
            (128, RtFn::mapaccess1_fast64, RtFn::mapassign_fast64),
            (129, RtFn::mapaccess1, RtFn::mapassign),
            (1024, RtFn::mapaccess1, RtFn::mapassign),
            (1025, RtFn::mapaccess1_fat, RtFn::mapassign),
        ] {
            let v = t.array(u8_, n);
            let m = t.map(int, v);
            assert_eq!(map_fn(&t, m, MapOp::Access1), read, "[{n}]byte");
            assert_eq!(map_fn(&t, m, MapOp::Assign), assign, "[{n}]byte");
        }
    }
}
