//! White-box tests: growth driven to specific states (same-size growth by
//! churn, a doubling grow interrupted by other operations), iteration order
//! and iteration across growth, NaN/±0 rules, clear, zero-size types, and
//! JIT-style stack maps. Invariants are checked after every step.

mod common;

use std::collections::{HashMap, HashSet};
use std::ptr;

use common::*;
use gm_runtime::map::{ITERATOR, OLD_ITERATOR};
use gm_runtime::{Hmap, KeyAlg, KeyPart, KeyType, MapType, abi, testing};

fn u64_map() -> &'static MapType {
    U64Fast::map_type()
}

unsafe fn put(h: *mut Hmap, k: u64, v: u64) {
    unsafe { *(abi::mapassign_fast64(u64_map(), h, k) as *mut u64) = v };
}

unsafe fn get(h: *mut Hmap, k: u64) -> Option<u64> {
    let mut ok = false;
    let e = unsafe { abi::mapaccess2_fast64(u64_map(), h, k, &mut ok) };
    ok.then(|| unsafe { *(e as *const u64) })
}

unsafe fn stats(h: *const Hmap) -> testing::MapStats {
    unsafe { testing::check_invariants(u64_map(), h) }
        .unwrap_or_else(|e| panic!("{e}\n{}", unsafe { testing::dump(u64_map(), h) }))
}

/// The `i`th key of the churn below, scrambled (splitmix64's finaliser):
/// under about one hash key in 150, consecutive keys spread so evenly over
/// eight buckets that none ever overflows, and churn never grows the map.
fn churn_key(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[test]
fn same_size_growth_from_churn() {
    let t = u64_map();
    let h = abi::makemap_small();
    let mut model = HashMap::new();
    // SAFETY (whole test): a live map of `t`.
    unsafe {
        // 51 entries: one insert makes 52 = 6.5 * 8, still not overloaded.
        for i in 0..51u64 {
            put(h, churn_key(i), i);
            model.insert(churn_key(i), i);
        }
        assert_eq!(stats(h).b, 3);
        // Insert a new key and delete an old one, keeping the size: chains
        // fill with tombstones and overflow buckets until a same-size grow.
        let mut next = 1000u64;
        let mut oldest = 0u64;
        let mut saw_same_size = false;
        for step in 0..200_000 {
            put(h, churn_key(next), next);
            model.insert(churn_key(next), next);
            next += 1;
            abi::mapdelete_fast64(t, h, churn_key(oldest));
            model.remove(&churn_key(oldest));
            oldest = if oldest < 50 {
                oldest + 1
            } else {
                oldest.max(999) + 1
            };
            let s = stats(h);
            assert_eq!(
                s.b, 3,
                "churn at constant size must never double (step {step})"
            );
            assert_eq!(s.count as usize, model.len());
            if s.same_size_grow {
                saw_same_size = true;
                assert!(s.growing);
                // Finish the grow with lookups (no progress) then writes.
                for (&k, &v) in &model {
                    assert_eq!(get(h, k), Some(v));
                }
                while stats(h).growing {
                    put(h, churn_key(next), next);
                    model.insert(churn_key(next), next);
                    abi::mapdelete_fast64(t, h, churn_key(next));
                    model.remove(&churn_key(next));
                    next += 1;
                }
                let s = stats(h);
                assert_eq!(s.b, 3);
                assert!(!s.same_size_grow);
                break;
            }
        }
        assert!(saw_same_size, "no same-size grow after churn");
        for (&k, &v) in &model {
            assert_eq!(get(h, k), Some(v));
        }
    }
}

#[test]
fn doubling_grow_interrupted_by_other_operations() {
    let t = u64_map();
    let h = abi::makemap_small();
    let mut model = HashMap::new();
    // SAFETY (whole test): a live map of `t`.
    unsafe {
        for k in 0..104u64 {
            put(h, k * 7, k);
            model.insert(k * 7, k);
        }
        let s = stats(h);
        assert_eq!((s.b, s.growing), (4, false));
        put(h, 1_000_000, 1);
        model.insert(1_000_000, 1);
        let s = stats(h);
        assert_eq!(
            (s.b, s.growing, s.same_size_grow, s.old_buckets),
            (5, true, false, 16)
        );
        // Reads never advance the grow; each write evacuates up to two old
        // buckets. Interleave all three and check everything each time.
        let mut step = 0u64;
        // The triggering insert already did grow work.
        let mut last_nevacuate = s.nevacuate;
        while stats(h).growing {
            step += 1;
            for (&k, &v) in model.iter().take(20) {
                assert_eq!(get(h, k), Some(v));
            }
            assert_eq!(get(h, 123_456_789), None);
            assert_eq!(
                stats(h).nevacuate,
                last_nevacuate,
                "a read advanced evacuation"
            );
            match step % 3 {
                0 => {
                    let k = step * 7;
                    abi::mapdelete_fast64(t, h, k);
                    model.remove(&k);
                }
                1 => {
                    put(h, 2_000_000 + step, step);
                    model.insert(2_000_000 + step, step);
                }
                _ => {
                    // Updating an existing key also does grow work.
                    let k = (step % 104) * 7;
                    if model.contains_key(&k) {
                        put(h, k, step);
                        model.insert(k, step);
                    }
                }
            }
            let s = stats(h);
            assert!(s.nevacuate >= last_nevacuate);
            last_nevacuate = s.nevacuate;
            assert_eq!(s.count as usize, model.len());
            assert!(step < 100, "grow did not finish");
        }
        assert_eq!(stats(h).b, 5);
        for (&k, &v) in &model {
            assert_eq!(get(h, k), Some(v));
        }
    }
}

#[test]
fn growth_from_b1_to_b2_finishes_within_one_insert() {
    // LOWERING §9.6: B = 1 -> 2 completes in the triggering insert; from
    // B = 3 upward growth is still in progress afterwards.
    let h = abi::makemap_small();
    // SAFETY: a live map.
    unsafe {
        for k in 0..14u64 {
            put(h, k, k);
        }
        let s = stats(h);
        assert_eq!((s.b, s.growing), (2, false));
        for k in 14..53u64 {
            put(h, k, k);
        }
        let s = stats(h);
        assert_eq!((s.b, s.growing), (4, true));
    }
}

/// Keys in insertion order for a one-bucket map: iteration must be a
/// rotation chosen by the random offset (LOWERING §9.7).
#[test]
fn one_bucket_iteration_is_a_rotation() {
    let t = u64_map();
    let h = abi::makemap_small();
    let mut orders = HashSet::new();
    // SAFETY: a live map; iterators are zeroed.
    unsafe {
        for k in 0..5u64 {
            put(h, k + 10, k);
        }
        for _ in 0..400 {
            let mut it = new_iter();
            abi::mapiterinit(t, h, &mut *it);
            let mut got = Vec::new();
            while !it.key.is_null() {
                got.push(*(it.elem as *const u64));
                abi::mapiternext(&mut *it);
            }
            orders.insert(got);
        }
    }
    let want: HashSet<Vec<u64>> = (0..5)
        .map(|r| (0..5).map(|i| (i + r) % 5).collect())
        .collect();
    assert_eq!(orders, want);
}

/// Iterators started before a grow, and during one, each yield every
/// pre-existing key exactly once while writes continue.
#[test]
fn iteration_across_growth() {
    let t = u64_map();
    for started_during_grow in [false, true] {
        let h = abi::makemap_small();
        let mut model = HashMap::new();
        // SAFETY (whole loop body): a live map; zeroed iterators.
        unsafe {
            for k in 0..104u64 {
                put(h, k, k);
                model.insert(k, k);
            }
            if started_during_grow {
                put(h, 500, 500);
                model.insert(500, 500);
                assert!(stats(h).growing);
            }
            let start: HashSet<u64> = model.keys().copied().collect();
            let mut it = new_iter();
            abi::mapiterinit(t, h, &mut *it);
            let mut seen = HashSet::new();
            let mut n = 0u64;
            while !it.key.is_null() {
                let k = *(it.key as *const u64);
                let v = *(it.elem as *const u64);
                assert_eq!(model.get(&k), Some(&v));
                assert!(seen.insert(k), "{k} twice");
                // Mutate: add a key, delete a not-yet-seen one, update one.
                put(h, 10_000 + n, n);
                model.insert(10_000 + n, n);
                if let Some(&victim) = start
                    .iter()
                    .find(|k| !seen.contains(k) && model.contains_key(k))
                    && n.is_multiple_of(4)
                {
                    abi::mapdelete_fast64(t, h, victim);
                    model.remove(&victim);
                }
                n += 1;
                stats(h);
                if n.is_multiple_of(16) {
                    gm_runtime::alloc::collect();
                }
                abi::mapiternext(&mut *it);
            }
            for k in &start {
                if model.contains_key(k) {
                    assert!(seen.contains(k), "{k} present throughout but not seen");
                }
            }
            let s = stats(h);
            assert!(s.flags & (ITERATOR | OLD_ITERATOR) != 0);
            if !started_during_grow {
                // The grow finished while the iterator walked the pre-grow
                // array, which only the iterator kept alive.
                assert!(s.b >= 5);
                assert!(!s.growing);
            }
        }
    }
}

fn f64_map() -> &'static MapType {
    static T: std::sync::OnceLock<&'static MapType> = std::sync::OnceLock::new();
    T.get_or_init(|| leak(MapType::new(KeyType::float64(), 8, 8)))
}

unsafe fn fput(h: *mut Hmap, k: f64, v: u64) {
    unsafe { *(abi::mapassign(f64_map(), h, (&k as *const f64).cast()) as *mut u64) = v };
}

#[test]
fn nan_keys_follow_go() {
    let t = f64_map();
    let h = abi::makemap_small();
    // SAFETY (whole test): a live map; zeroed iterators.
    unsafe {
        for v in 1..=3 {
            fput(h, f64::NAN, v);
        }
        assert_eq!(len(h), 3);
        let mut ok = true;
        abi::mapaccess2(t, h, (&f64::NAN as *const f64).cast(), &mut ok);
        assert!(!ok);
        abi::mapdelete(t, h, (&f64::NAN as *const f64).cast());
        assert_eq!(len(h), 3);
        // Many NaNs plus normal keys; iterate while the map doubles: the NaN
        // rule keeps the iterator and evacuation in agreement.
        for v in 4..=60 {
            fput(h, f64::NAN, v);
        }
        for v in 0..40 {
            fput(h, v as f64, 1000 + v);
        }
        check(t, h, &"nan fill");
        let mut it = new_iter();
        abi::mapiterinit(t, h, &mut *it);
        let mut nan_vals = Vec::new();
        let mut n = 0;
        while !it.key.is_null() {
            let k = *(it.key as *const f64);
            if k.is_nan() {
                nan_vals.push(*(it.elem as *const u64));
            }
            fput(h, 1e6 + n as f64, n);
            n += 1;
            check(t, h, &n);
            abi::mapiternext(&mut *it);
        }
        nan_vals.sort_unstable();
        assert_eq!(nan_vals, (1..=60).collect::<Vec<_>>());
        abi::mapclear(t, h);
        assert_eq!(len(h), 0);
        check(t, h, &"clear");
    }
}

#[test]
fn signed_zero_key_update() {
    let t = f64_map();
    for (first, second) in [(0.0f64, -0.0f64), (-0.0, 0.0)] {
        let h = abi::makemap_small();
        // SAFETY: a live map; a zeroed iterator.
        unsafe {
            fput(h, first, 1);
            fput(h, second, 2);
            assert_eq!(len(h), 1);
            let mut it = new_iter();
            abi::mapiterinit(t, h, &mut *it);
            let k = *(it.key as *const f64);
            assert_eq!(
                k.to_bits(),
                second.to_bits(),
                "stored key takes the last sign"
            );
            assert_eq!(*(it.elem as *const u64), 2);
        }
    }
    // The same rule inside a composite key (struct{ id int32; f float32 }).
    let parts = vec![
        KeyPart {
            offset: 0,
            size: 4,
            alg: KeyAlg::Mem,
        },
        KeyPart {
            offset: 4,
            size: 4,
            alg: KeyAlg::Float32,
        },
    ];
    let t = leak(MapType::new(KeyType::parts(8, 4, parts), 8, 8));
    let key = |id: u32, f: f32| {
        let mut b = [0u8; 8];
        b[..4].copy_from_slice(&id.to_le_bytes());
        b[4..].copy_from_slice(&f.to_le_bytes());
        b
    };
    let h = abi::makemap_small();
    // SAFETY: a live map.
    unsafe {
        *(abi::mapassign(t, h, key(7, 0.0).as_ptr()) as *mut u64) = 1;
        *(abi::mapassign(t, h, key(7, -0.0).as_ptr()) as *mut u64) = 2;
        *(abi::mapassign(t, h, key(7, f32::NAN).as_ptr()) as *mut u64) = 3;
        *(abi::mapassign(t, h, key(7, f32::NAN).as_ptr()) as *mut u64) = 4;
        assert_eq!(len(h), 3);
        let mut stored = Vec::new();
        testing::for_each_entry(t, h, |k, _| stored.push(*(k.add(4) as *const f32)));
        assert!(stored.iter().any(|f| *f == 0.0 && f.is_sign_negative()));
        check(t, h, &"composite");
    }
}

#[test]
fn delete_to_empty_reseeds_and_clear_keeps_b() {
    let t = u64_map();
    let h = abi::makemap_small();
    // SAFETY (whole test): a live map; zeroed iterator.
    unsafe {
        put(h, 1, 1);
        let seed = (*h).hash0;
        abi::mapdelete_fast64(t, h, 1);
        assert_eq!(len(h), 0);
        assert_ne!(
            (*h).hash0,
            seed,
            "hash0 must be reseeded (probability 2^-32 flake)"
        );
        for k in 0..500 {
            put(h, k, k);
        }
        // Clear in the middle of a grow, with an iterator running.
        put(h, 9999, 0);
        let mut it = new_iter();
        abi::mapiterinit(t, h, &mut *it);
        let b = (*h).b;
        let seed = (*h).hash0;
        abi::mapclear(t, h);
        let s = stats(h);
        assert_eq!((s.count, s.b, s.growing, s.noverflow), (0, b, false, 0));
        assert_ne!(s.hash0, seed);
        // The running iterator sees nothing more.
        abi::mapiternext(&mut *it);
        assert!(it.key.is_null());
        assert_eq!(get(h, 5), None);
        put(h, 5, 55);
        assert_eq!(get(h, 5), Some(55));
        stats(h);
    }
}

#[test]
fn zero_size_keys_and_elems() {
    // map[int]struct{} and map[struct{}]int.
    let set = leak(MapType::new(KeyType::mem(8, 8), 0, 1));
    let unit = leak(MapType::new(KeyType::mem(0, 1), 8, 8));
    // SAFETY: live maps; keys are valid.
    unsafe {
        let h = abi::makemap_small();
        for k in 0..100u64 {
            abi::mapassign_fast64(set, h, k);
        }
        assert_eq!(len(h), 100);
        let mut ok = false;
        abi::mapaccess2_fast64(set, h, 42, &mut ok);
        assert!(ok);
        abi::mapdelete_fast64(set, h, 42);
        abi::mapaccess2_fast64(set, h, 42, &mut ok);
        assert!(!ok);
        check(set, h, &"set");

        let h = abi::makemap_small();
        let k = [0u8; 0];
        *(abi::mapassign(unit, h, k.as_ptr()) as *mut u64) = 5;
        *(abi::mapassign(unit, h, ptr::null()) as *mut u64) += 1;
        assert_eq!(len(h), 1);
        assert_eq!(*(abi::mapaccess1(unit, h, k.as_ptr()) as *const u64), 6);
        check(unit, h, &"unit");
    }
}

/// A non-escaping map as the JIT builds it: stack header, stack bucket,
/// `rand32()` seed. It grows far past one bucket through collections; the
/// stack bucket is never handed to the collector (valgrind would report an
/// invalid free or write).
#[test]
fn stack_map_grows_without_freeing_stack_memory() {
    for shape in 0..3 {
        let t = match shape {
            0 => u64_map(),
            1 => BigElem::map_type(),
            _ => StrFast::map_type(),
        };
        let mut stack = StackMap::new();
        // SAFETY (whole body): the stack map outlives every use; keys valid.
        unsafe {
            let (h, heap) = make(t, Birth::Stack, &mut stack);
            assert!(!heap);
            let bucket = stack.bucket.as_mut_ptr().cast::<u8>();
            // Iterate while it grows, so the iterator keeps walking the
            // stack bucket after the map has left it.
            let mut it = new_iter();
            let assign = |k: u64| match shape {
                0 => abi::mapassign_fast64(t, h, k),
                1 => abi::mapassign(t, h, (&k as *const u64).cast()),
                _ => StrFast::assign(h, &StrFast::key(k)),
            };
            for k in 0..5 {
                assign(k);
            }
            abi::mapiterinit(t, h, &mut *it);
            for k in 5..3000 {
                assign(k);
                if k % 97 == 0 {
                    check(t, h, &k);
                }
                if !it.key.is_null() {
                    abi::mapiternext(&mut *it);
                }
            }
            check(t, h, &"stack grown");
            assert_ne!((*h).buckets, bucket);
            assert!((*h).b >= 9);
            abi::mapclear(t, h);
            check(t, h, &"stack cleared");
        }
    }
    // A stack map that stays small is cleared in place.
    let mut stack = StackMap::new();
    // SAFETY: as above.
    unsafe {
        let t = u64_map();
        let (h, _) = make(t, Birth::Stack, &mut stack);
        put(h, 3, 4);
        abi::mapclear(t, h);
        assert_eq!((*h).buckets, stack.bucket.as_mut_ptr().cast());
        assert_eq!(get(h, 3), None);
    }
}

#[test]
fn nil_map_reads_are_zero() {
    let t = u64_map();
    // SAFETY: a nil map is valid for reads, deletes, iteration and clear.
    unsafe {
        let h = ptr::null_mut();
        assert_eq!(*(abi::mapaccess1_fast64(t, h, 1) as *const u64), 0);
        let mut ok = true;
        abi::mapaccess2_fast64(t, h, 1, &mut ok);
        assert!(!ok);
        abi::mapdelete_fast64(t, h, 1);
        abi::mapclear(t, h);
        let mut it = new_iter();
        abi::mapiterinit(t, h, &mut *it);
        assert!(it.key.is_null());
        assert_eq!(len(h), 0);
    }
}

#[test]
fn string_key_update_keeps_newest_pointer() {
    let t = StrFast::map_type();
    let a = String::from("same contents");
    let b = a.clone();
    let h = abi::makemap_small();
    // SAFETY: a live map; both strings outlive it.
    unsafe {
        abi::mapassign_faststr(t, h, a.as_ptr(), a.len() as i64);
        abi::mapassign_faststr(t, h, b.as_ptr(), b.len() as i64);
        assert_eq!(len(h), 1);
        let mut stored = ptr::null();
        testing::for_each_entry(t, h, |k, _| stored = *(k as *const *const u8));
        assert_eq!(stored, b.as_ptr());
    }
}

#[test]
fn newobject_is_zeroed_and_aligned() {
    for has_pointers in [false, true] {
        let p = abi::newobject(64, has_pointers);
        assert_eq!(p as usize % 16, 0);
        // SAFETY: 64 fresh bytes.
        unsafe { assert!(is_zero(p, 64)) };
        assert!(!abi::newobject(0, has_pointers).is_null());
    }
}

/// `struct { s string; n int }`: a composite key with a string part is
/// compared by contents, and its key is updated to the newest string.
#[test]
fn composite_key_with_string_part() {
    let parts = vec![
        KeyPart {
            offset: 0,
            size: 16,
            alg: KeyAlg::String,
        },
        KeyPart {
            offset: 16,
            size: 8,
            alg: KeyAlg::Mem,
        },
    ];
    let t = leak(MapType::new(KeyType::parts(24, 8, parts), 8, 8));
    assert!(t.need_key_update() && t.reflexive_key());
    let key = |s: &str, n: u64| {
        let mut b = [0u8; 24];
        b[..8].copy_from_slice(&(s.as_ptr() as usize).to_le_bytes());
        b[8..16].copy_from_slice(&(s.len() as u64).to_le_bytes());
        b[16..].copy_from_slice(&n.to_le_bytes());
        b
    };
    let words: Vec<String> = (0..200).map(|i| format!("word-{i}")).collect();
    let copies = words.clone();
    let h = abi::makemap_small();
    // SAFETY: a live map; the strings outlive it.
    unsafe {
        for (i, w) in words.iter().enumerate() {
            *(abi::mapassign(t, h, key(w, i as u64 % 3).as_ptr()) as *mut u64) = i as u64;
        }
        assert_eq!(len(h), 200);
        for (i, w) in copies.iter().enumerate() {
            let mut ok = false;
            let e = abi::mapaccess2(t, h, key(w, i as u64 % 3).as_ptr(), &mut ok);
            assert!(ok && *(e as *const u64) == i as u64, "{w}");
            abi::mapaccess2(t, h, key(w, i as u64 % 3 + 1).as_ptr(), &mut ok);
            assert!(!ok);
        }
        // Re-assign through the copies: same entries, newest pointers.
        for (i, w) in copies.iter().enumerate() {
            abi::mapassign(t, h, key(w, i as u64 % 3).as_ptr());
        }
        assert_eq!(len(h), 200);
        let mut from_copies = 0;
        testing::for_each_entry(t, h, |k, _| {
            let p = *(k as *const usize);
            from_copies += copies.iter().any(|c| c.as_ptr() as usize == p) as usize;
        });
        assert_eq!(from_copies, 200);
        check(t, h, &"composite string");
    }
}
