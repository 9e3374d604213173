//! Layout contracts the JIT relies on, descriptor sizes, the hint → B table,
//! growth thresholds, the symbol table, and print formats.

use std::collections::HashSet;
use std::mem::offset_of;
use std::ptr;

use gm_runtime::abi::{self, AbiType};
use gm_runtime::map::maptype::{INDIRECT_ELEM, INDIRECT_KEY, NEED_KEY_UPDATE, REFLEXIVE_KEY};
use gm_runtime::print::{fmt_float, fmt_hex, fmt_int, fmt_uint, format_float};
use gm_runtime::{
    HITER_SIZE, HMAP_BUCKETS_OFFSET, HMAP_COUNT_OFFSET, HMAP_HASH0_OFFSET, HMAP_SIZE, Hiter, Hmap,
    KeyAlg, KeyPart, KeyType, MapType, RtFn, SYMBOLS,
};

#[test]
fn header_and_iterator_layout() {
    assert_eq!(size_of::<Hmap>(), HMAP_SIZE);
    assert_eq!(HMAP_SIZE, 48);
    assert_eq!(HMAP_COUNT_OFFSET, 0);
    assert_eq!(HMAP_HASH0_OFFSET, 12);
    assert_eq!(HMAP_BUCKETS_OFFSET, 16);
    assert_eq!(offset_of!(Hmap, flags), 8);
    assert_eq!(offset_of!(Hmap, b), 9);
    assert_eq!(offset_of!(Hmap, noverflow), 10);
    assert_eq!(offset_of!(Hmap, oldbuckets), 24);
    assert_eq!(offset_of!(Hmap, nevacuate), 32);
    assert_eq!(offset_of!(Hmap, extra), 40);
    assert_eq!(size_of::<Hiter>(), HITER_SIZE);
    assert_eq!(HITER_SIZE, 12 * 8);
    assert_eq!(offset_of!(Hiter, key), 0);
    assert_eq!(offset_of!(Hiter, elem), 8);
}

fn int(size: usize) -> KeyType {
    KeyType::mem(size, size.max(1))
}

#[test]
fn descriptor_table_matches_go() {
    // (key, elem size, elem align, KeySize, ValueSize, BucketSize, Flags):
    // LOWERING §4, read from a running Go 1.23 program.
    let rows: Vec<(KeyType, usize, usize, usize, usize, usize, u8)> = vec![
        (int(8), 8, 8, 8, 8, 144, 4),                      // map[int]int
        (int(1), 1, 1, 1, 1, 32, 4),                       // map[int8]int8
        (int(8), 1, 1, 8, 1, 88, 4),                       // map[int64]int8
        (KeyType::string(), 8, 8, 16, 8, 208, 12),         // map[string]int
        (KeyType::float64(), 8, 8, 8, 8, 144, 8),          // map[float64]int
        (KeyType::mem(128, 1), 128, 1, 128, 128, 2064, 4), // map[[128]byte][128]byte
        (KeyType::mem(129, 1), 129, 1, 8, 8, 144, 7),      // map[[129]byte][129]byte
        (int(8), 0, 1, 8, 0, 80, 4),                       // map[int]struct{}
        (KeyType::mem(0, 1), 8, 8, 0, 8, 80, 4),           // map[struct{}]int
    ];
    for (key, es, ea, ks, vs, bs, flags) in rows {
        let t = MapType::new(key.clone(), es, ea);
        assert_eq!(
            (
                t.key_slot_size(),
                t.elem_slot_size(),
                t.bucket_size(),
                t.flags()
            ),
            (ks, vs, bs, flags),
            "{key:?} elem {es}"
        );
    }
    let t = MapType::new(KeyType::mem(129, 1), 129, 1);
    assert!(t.indirect_key() && t.indirect_elem());
    assert_eq!(t.flags() & (INDIRECT_KEY | INDIRECT_ELEM), 3);
    let padded = KeyType::parts(
        12,
        4,
        vec![
            KeyPart {
                offset: 0,
                size: 4,
                alg: KeyAlg::Mem,
            },
            KeyPart {
                offset: 4,
                size: 1,
                alg: KeyAlg::Mem,
            },
            KeyPart {
                offset: 8,
                size: 4,
                alg: KeyAlg::Float32,
            },
        ],
    );
    let t = MapType::new(padded, 8, 8);
    assert_eq!(t.flags(), NEED_KEY_UPDATE);
    assert_eq!(t.bucket_size(), 8 + 96 + 64 + 8);
    let t = MapType::new(
        KeyType::parts(
            24,
            8,
            vec![KeyPart {
                offset: 8,
                size: 16,
                alg: KeyAlg::String,
            }],
        ),
        8,
        8,
    );
    assert_eq!(t.flags(), REFLEXIVE_KEY | NEED_KEY_UPDATE);
}

#[test]
fn makemap_hint_to_b() {
    let t = MapType::new(int(8), 8, 8);
    let rows = [
        (0, 0),
        (1, 0),
        (8, 0),
        (9, 1),
        (13, 1),
        (14, 2),
        (26, 2),
        (27, 3),
        (52, 3),
        (53, 4),
        (104, 4),
        (105, 5),
        (-5, 0),
        (1 << 62, 0),
        (i64::MIN, 0),
    ];
    for (hint, b) in rows {
        // SAFETY: a valid descriptor and a fresh header.
        unsafe {
            let h = abi::makemap(&t, hint, ptr::null_mut());
            assert_eq!((*h).b, b, "hint {hint}");
            assert_eq!((*h).buckets.is_null(), b == 0, "hint {hint}");
        }
    }
    // B >= 4 arrays carry preallocated overflow buckets (rounded up to Go's
    // size class: 17 * 144 = 2448 -> 2688 bytes = 18 buckets).
    // SAFETY: as above.
    unsafe {
        let h = abi::makemap(&t, 53, ptr::null_mut());
        assert!(!(*h).extra.is_null());
        assert_eq!(gm_runtime::map::hmap::bucket_array_len(&t, 4), 18);
    }
}

#[test]
fn insert_thresholds_from_empty_map() {
    // LOWERING §9.6: the 9th insert gives B = 1, 14th B = 2, 27th B = 3,
    // 53rd B = 4, 105th B = 5.
    let t = MapType::new(int(8), 8, 8);
    let h = abi::makemap_small();
    let mut seen = Vec::new();
    let mut last_b = 0;
    for k in 1..=105u64 {
        // SAFETY: valid map.
        unsafe { *(abi::mapassign_fast64(&t, h, k) as *mut u64) = k };
        // SAFETY: valid map.
        let b = unsafe { (*h).b };
        if b != last_b {
            seen.push((k, b));
            last_b = b;
        }
    }
    assert_eq!(seen, [(9, 1), (14, 2), (27, 3), (53, 4), (105, 5)]);
}

#[test]
fn every_entry_point_resolves_to_its_own_function() {
    let mut addrs = HashSet::new();
    for &f in RtFn::ALL {
        let s = &SYMBOLS[f as usize];
        assert_eq!(s.entry, f);
        assert!(!s.addr.is_null(), "{}", s.name());
        // Two entries may share code only if the functions are identical;
        // gm's never are, so a repeated address means a wrong line.
        assert!(
            addrs.insert(abi::address(f)),
            "{} shares an address",
            s.name()
        );
        assert_eq!(abi::symbol(f.symbol()).map(|s| s.entry), Some(f));
    }
    let s = abi::symbol("runtime.mapaccess2_faststr").expect("present");
    assert_eq!(
        s.entry.params(),
        [
            AbiType::Ptr,
            AbiType::Ptr,
            AbiType::Ptr,
            AbiType::I64,
            AbiType::Ptr
        ]
    );
    assert_eq!(s.entry.returns(), [AbiType::Ptr]);
    assert!(abi::symbol("runtime.nosuch").is_none());
}

#[test]
fn print_float_format() {
    let rows: [(f64, &str); 17] = [
        (1.5, "+1.500000e+000"),
        (0.1f32 as f64, "+1.000000e-001"),
        (0.0, "+0.000000e+000"),
        (-0.0, "-0.000000e+000"),
        (123456789.0, "+1.234568e+008"),
        (9.9999999, "+1.000000e+001"),
        (1e-300, "+1.000000e-300"),
        (f64::MAX, "+1.797693e+308"),
        (f64::from_bits(1), "+4.940656e-324"),
        (1.0 / 3.0, "+3.333333e-001"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "+Inf"),
        (f64::NEG_INFINITY, "-Inf"),
        (-2.0, "-2.000000e+000"),
        (1.0, "+1.000000e+000"),
        (100.0, "+1.000000e+002"),
        (-1.25e-5, "-1.250000e-005"),
    ];
    for (v, want) in rows {
        assert_eq!(format_float(v), want, "{v:e}");
    }
    let mut b = Vec::new();
    fmt_float(2.5, &mut b);
    assert_eq!(b, b"+2.500000e+000");
}

#[test]
fn print_int_and_hex_format() {
    let f = |v: i64| {
        let mut b = Vec::new();
        fmt_int(v, &mut b);
        String::from_utf8(b).unwrap()
    };
    assert_eq!(f(i64::MIN), "-9223372036854775808");
    assert_eq!(f(0), "0");
    assert_eq!(f(-7), "-7");
    let mut b = Vec::new();
    fmt_uint(u64::MAX, &mut b);
    assert_eq!(b, b"18446744073709551615");
    let h = |v: u64| {
        let mut b = Vec::new();
        fmt_hex(v, &mut b);
        String::from_utf8(b).unwrap()
    };
    assert_eq!(h(0), "0x0");
    assert_eq!(h(0xc000012345), "0xc000012345");
}
