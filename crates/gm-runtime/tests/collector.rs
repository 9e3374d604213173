//! The collector under the map runtime: garbage is reclaimed, and what a
//! map or an iterator still reaches survives collections, including the
//! overflow buckets of pointer-free (noscan) buckets, which only the
//! `mapextra` lists keep alive.

mod common;

use std::collections::HashMap;

use common::*;
use gm_runtime::alloc;
use gm_runtime::{Hmap, abi, testing};

/// Fills freshly collected memory with a pattern, so a block the collector
/// freed while still in use is overwritten and shows up as wrong data.
fn scribble(blocks: usize) {
    for _ in 0..blocks {
        let p = alloc::alloc(4096, false);
        // SAFETY: 4096 fresh bytes.
        unsafe { std::ptr::write_bytes(p, 0xA5, 4096) };
    }
}

unsafe fn put(h: *mut Hmap, k: u64, v: u64) {
    unsafe { *(abi::mapassign_fast64(U64Fast::map_type(), h, k) as *mut u64) = v };
}

unsafe fn get(h: *mut Hmap, k: u64) -> Option<u64> {
    let mut ok = false;
    let e = unsafe { abi::mapaccess2_fast64(U64Fast::map_type(), h, k, &mut ok) };
    ok.then(|| unsafe { *(e as *const u64) })
}

#[test]
fn garbage_is_reclaimed() {
    // 2 GB allocated in 1 MB blocks, none kept: the heap stays small.
    for i in 0..2048 {
        let p = alloc::alloc(1 << 20, i % 2 == 0);
        // SAFETY: 1 MB fresh bytes.
        unsafe { p.write(1) };
    }
    let s = alloc::stats();
    assert!(s.collections > 0, "{s:?}");
    assert!(s.heap_bytes < 256 << 20, "{s:?}");
}

#[test]
fn overflow_chains_of_noscan_buckets_survive_collections() {
    let t = U64Fast::map_type();
    assert!(!t.bucket_pointers());
    let h = abi::makemap_small();
    let mut model = HashMap::new();
    // SAFETY (whole test): a live map of `t`.
    unsafe {
        // Delete churn at a constant size piles up overflow buckets.
        let mut oldest = 0u64;
        for k in 0..40_000u64 {
            put(h, k, k * 3);
            model.insert(k, k * 3);
            if k >= 200 {
                abi::mapdelete_fast64(t, h, oldest);
                model.remove(&oldest);
                oldest += 1;
            }
            if k % 997 == 0 {
                alloc::collect();
                scribble(64);
                let s = testing::check_invariants(t, h).unwrap_or_else(|e| panic!("{e}"));
                for (&k, &v) in &model {
                    assert_eq!(get(h, k), Some(v), "key {k} after a collection; {s:?}");
                }
            }
        }
        let s = testing::check_invariants(t, h).unwrap();
        assert!(s.overflow_buckets > 0 || s.noverflow > 0, "{s:?}");
    }
}

#[test]
fn an_iterator_keeps_the_array_it_walks_alive() {
    let t = U64Fast::map_type();
    let h = abi::makemap_small();
    // SAFETY (whole test): a live map; the iterator lives on the collected
    // heap and is held by this stack.
    unsafe {
        for k in 0..20u64 {
            put(h, k, k);
        }
        let mut it = new_iter();
        abi::mapiterinit(t, h, &mut *it);
        let mut seen = 0;
        while !it.key.is_null() {
            let k = *(it.key as *const u64);
            assert_eq!(*(it.elem as *const u64), k, "entry read after collections");
            if k < 20 {
                seen += 1;
            }
            // Grow the map far away from the array the iterator walks,
            // collect, and reuse the freed memory.
            for j in 0..300u64 {
                put(h, 1000 + k * 300 + j, 1000 + k * 300 + j);
            }
            alloc::collect();
            scribble(32);
            abi::mapiternext(&mut *it);
        }
        assert_eq!(seen, 20);
        assert!(!testing::stats(t, h).growing || (*h).b > 3);
    }
}

#[test]
fn a_finished_iterator_lets_go_of_its_map() {
    let t = U64Fast::map_type();
    let h = abi::makemap_small();
    // SAFETY (whole test): a live map; the iterator lives on the collected
    // heap and is held by this stack.
    unsafe {
        for k in 0..5000u64 {
            put(h, k, k);
        }
        let mut it = new_iter();
        abi::mapiterinit(t, h, &mut *it);
        let mut seen = 0;
        while !it.key.is_null() {
            seen += 1;
            abi::mapiternext(&mut *it);
        }
        assert_eq!(seen, 5000);
        // The iterator stays where a stack frame would keep it; nothing in
        // it may reach the map, its buckets or their overflow lists.
        let words = [
            it.h as usize,
            it.buckets as usize,
            it.bptr as usize,
            it.overflow as usize,
            it.oldoverflow as usize,
            it.elem as usize,
        ];
        assert_eq!(words, [0; 6]);
        // Further steps are harmless.
        abi::mapiternext(&mut *it);
        assert!(it.key.is_null());
    }
}

#[test]
fn a_released_thread_is_known_again_from_its_next_allocation() {
    let _ = alloc::alloc(16, true);
    alloc::release_thread();
    // A collection while this thread is unknown does not wait for it.
    std::thread::spawn(alloc::collect).join().unwrap();
    let t = U64Fast::map_type();
    // Its next allocation registers it again, so a map only its stack
    // holds survives the collections that follow.
    let h = abi::makemap_small();
    // SAFETY: a live map of `t`.
    unsafe {
        for k in 0..2000u64 {
            put(h, k, k + 1);
        }
        for _ in 0..3 {
            alloc::collect();
            scribble(256);
        }
        testing::check_invariants(t, h).unwrap_or_else(|e| panic!("{e}"));
        for k in 0..2000u64 {
            assert_eq!(get(h, k), Some(k + 1), "key {k}");
        }
    }
}

#[test]
fn maps_whose_arrays_share_slabs_survive_collections_and_are_reclaimed() {
    let t = U64Fast::map_type();
    // 60 entries: 16 buckets plus preallocated overflow, 2 592 bytes, an
    // array carved from a slab.
    let maps: Vec<alloc::Root> = (0..600u64)
        .map(|m| {
            let h = abi::makemap_small();
            for k in 0..60 {
                // SAFETY: a live map of `t`.
                unsafe { put(h, k, m * 1000 + k) };
            }
            alloc::Root::new(h.cast())
        })
        .collect();
    for _ in 0..3 {
        alloc::collect();
        scribble(512);
    }
    for (m, r) in maps.iter().enumerate() {
        let h: *mut Hmap = r.get().cast();
        // SAFETY: each map is held by its root.
        unsafe {
            let s = testing::check_invariants(t, h).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.b, 4, "map {m}: {s:?}");
            for k in 0..60 {
                assert_eq!(get(h, k), Some(m as u64 * 1000 + k), "map {m}, key {k}");
            }
        }
    }
    // Dropped, the maps and their slabs are garbage: as many arrays again
    // and again (some 160 MB of slabs) do not grow the heap by as much
    // (the margin leaves room for the other tests of this binary).
    drop(maps);
    alloc::collect();
    let before = alloc::stats().heap_bytes;
    for _ in 0..100 * 600 {
        // The same 18-bucket arrays, straight from the allocator.
        alloc::alloc_bucket_array(18, 144, false, 0);
    }
    let after = alloc::stats().heap_bytes;
    assert!(after < before + (64 << 20), "heap {before} -> {after}");
}

#[test]
fn either_half_of_a_pair_keeps_its_chunk_alive() {
    const N: usize = 20_000;
    // A scanned table, held by a root, keeps one object of each pair.
    let table = alloc::Root::new(alloc::alloc(N * 8, true));
    let slots: *mut *mut u8 = table.get().cast();
    for i in 0..N {
        let first = alloc::alloc(20, false);
        let second = alloc::alloc(20, false);
        let kept = if i % 2 == 0 { first } else { second };
        // SAFETY: 20 fresh bytes; `i < N` slots.
        unsafe {
            std::ptr::write_bytes(kept, i as u8, 20);
            slots.add(i).write(kept);
        }
    }
    for _ in 0..3 {
        alloc::collect();
        scribble(256);
        for _ in 0..N {
            // Garbage of the same size, to reuse any chunk freed too early.
            // SAFETY: 24 fresh bytes.
            unsafe { std::ptr::write_bytes(alloc::alloc(24, false), 0xA5, 24) };
        }
    }
    for i in 0..N {
        // SAFETY: each slot holds a live 20-byte object.
        let bytes = unsafe { std::slice::from_raw_parts(slots.add(i).read(), 20) };
        assert!(bytes.iter().all(|&b| b == i as u8), "object {i}: {bytes:?}");
    }
}
