//! Introspection for tests (Go: `runtime/export_test.go`): map statistics,
//! a full invariant check, and slot dumps.
//!
//! Not for generated code. All functions take the same pointers as the
//! entry points and require the crate's ABI invariants.

use std::fmt::Write as _;

use crate::map::access::find;
use crate::map::alg::{Slow, hash_key, key_equal, map_seed};
use crate::map::hmap::{
    bucket_array_len, bucket_at, deref_slot, elem_slot, evacuated, key_at, key_slot, overflow, top,
};
use crate::map::{
    BUCKET_CNT, EMPTY_ONE, EMPTY_REST, EVACUATED_EMPTY, EVACUATED_X, HASH_WRITING, Hmap,
    MIN_TOP_HASH, MapType, bucket_mask, bucket_shift, tophash,
};

/// A snapshot of a map's header and shape.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapStats {
    pub count: i64,
    pub b: u8,
    pub flags: u8,
    pub noverflow: u16,
    pub hash0: u32,
    pub growing: bool,
    pub same_size_grow: bool,
    pub nevacuate: usize,
    /// Overflow buckets chained in the current array.
    pub overflow_buckets: usize,
    /// Of those, how many came from the array's preallocated space.
    pub preallocated_overflow_used: usize,
    /// Buckets in the old array (0 unless growing).
    pub old_buckets: usize,
}

fn prealloc_range(t: &MapType, array: *mut u8, b: u8) -> (usize, usize) {
    let start = array as usize + bucket_shift(b) * t.bucket_size();
    let end = array as usize + bucket_array_len(t, b) * t.bucket_size();
    (start, end)
}

/// Header fields and chain statistics of `h` (which may be null).
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe fn stats(t: &MapType, h: *const Hmap) -> MapStats {
    // SAFETY: forwarded.
    let Some(h) = (unsafe { h.as_ref() }) else {
        return MapStats::default();
    };
    let mut s = MapStats {
        count: h.count,
        b: h.b,
        flags: h.flags,
        noverflow: h.noverflow,
        hash0: h.hash0,
        growing: h.growing(),
        same_size_grow: h.same_size_grow(),
        nevacuate: h.nevacuate,
        old_buckets: if h.growing() { h.noldbuckets() } else { 0 },
        ..MapStats::default()
    };
    if h.buckets.is_null() {
        return s;
    }
    let (lo, hi) = prealloc_range(t, h.buckets, h.b);
    for x in 0..bucket_shift(h.b) {
        // SAFETY: chains of the current array.
        unsafe {
            let mut b = overflow(t, bucket_at(t, h.buckets, x));
            while !b.is_null() {
                s.overflow_buckets += 1;
                if (lo..hi).contains(&(b as usize)) {
                    s.preallocated_overflow_used += 1;
                }
                b = overflow(t, b);
            }
        }
    }
    s
}

/// The tophash bytes of every chain of the current array, one `Vec` per
/// bucket index (chain buckets concatenated).
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe fn tophashes(t: &MapType, h: *const Hmap) -> Vec<Vec<u8>> {
    // SAFETY: forwarded.
    let Some(h) = (unsafe { h.as_ref() }) else {
        return Vec::new();
    };
    if h.buckets.is_null() {
        return Vec::new();
    }
    // SAFETY: chains of the current array.
    unsafe {
        (0..bucket_shift(h.b))
            .map(|x| chain_tops(t, bucket_at(t, h.buckets, x)))
            .collect()
    }
}

unsafe fn chain_tops(t: &MapType, mut b: *mut u8) -> Vec<u8> {
    let mut v = Vec::new();
    while !b.is_null() {
        // SAFETY: `b` is a bucket of a chain.
        unsafe {
            v.extend((0..BUCKET_CNT).map(|i| top(b, i)));
            b = overflow(t, b);
        }
    }
    v
}

/// Go's `MapTombstoneCheck`: live and `emptyOne` slots, then only
/// `emptyRest`, and the last non-`emptyRest` slot is live.
fn check_tombstones(tops: &[u8]) -> Result<(), String> {
    let n = tops.iter().filter(|&&x| x != EMPTY_REST).count();
    for (k, &x) in tops.iter().enumerate() {
        if k < n && x == EMPTY_REST {
            return Err(format!("early emptyRest at slot {k} of {tops:?}"));
        }
        if k >= n && x != EMPTY_REST {
            return Err(format!("late non-emptyRest at slot {k} of {tops:?}"));
        }
        if n > 0 && k == n - 1 && x == EMPTY_ONE {
            return Err(format!("last non-emptyRest slot is emptyOne in {tops:?}"));
        }
    }
    Ok(())
}

/// Checks every structural invariant of `h` and returns its statistics:
/// `count` equals the live slots (current array plus unevacuated old
/// buckets); tombstones are canonical; no stray evacuation marks; old
/// buckets below `nevacuate` are evacuated and unevacuated ones have empty
/// destinations; every live non-NaN key sits in its hash's bucket with its
/// tophash and is found by a lookup at that very slot; `noverflow` and the
/// overflow ownership lists match the chains; no write is in progress.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe fn check_invariants(t: &MapType, h: *const Hmap) -> Result<MapStats, String> {
    // SAFETY: forwarded.
    let s = unsafe { stats(t, h) };
    // SAFETY: forwarded.
    let Some(hr) = (unsafe { h.as_ref() }) else {
        return Ok(s);
    };
    // SAFETY: every pointer below comes from the header or chain links.
    unsafe { check_map(t, hr, &s) }.map(|()| s)
}

unsafe fn check_map(t: &MapType, h: &Hmap, s: &MapStats) -> Result<(), String> {
    if h.flags & HASH_WRITING != 0 {
        return Err("hashWriting left set".into());
    }
    if h.buckets.is_null() {
        if h.count != 0 || h.growing() {
            return Err(format!("no buckets but count {} / growing", h.count));
        }
        return Ok(());
    }
    let seed = map_seed(h.hash0);
    let mut live = 0i64;
    let mut own_overflow = 0usize;
    let (lo, hi) = prealloc_range(t, h.buckets, h.b);
    // SAFETY: (whole body) chains of this map's arrays.
    unsafe {
        for x in 0..bucket_shift(h.b) {
            let first = bucket_at(t, h.buckets, x);
            let tops = chain_tops(t, first);
            check_tombstones(&tops).map_err(|e| format!("bucket {x}: {e}"))?;
            let mut b = first;
            let mut depth = 0;
            while !b.is_null() {
                if depth > 0 && !(lo..hi).contains(&(b as usize)) {
                    own_overflow += 1;
                }
                for i in 0..BUCKET_CNT {
                    let tb = top(b, i);
                    if (EVACUATED_X..=EVACUATED_EMPTY).contains(&tb) {
                        return Err(format!("evacuation mark {tb} in new bucket {x}"));
                    }
                    if tb < MIN_TOP_HASH {
                        continue;
                    }
                    live += 1;
                    check_entry(t, h, seed, b, i, x, bucket_mask(h.b))?;
                }
                b = overflow(t, b);
                depth += 1;
            }
        }
        if h.b < 16 && s.overflow_buckets != h.noverflow as usize {
            return Err(format!(
                "noverflow {} but {} overflow buckets",
                h.noverflow, s.overflow_buckets
            ));
        }
        let listed = if h.extra.is_null() {
            0
        } else {
            list_len((*h.extra).overflow)
        };
        // Only noscan buckets list their overflow buckets (Go's mapextra).
        let expected = if t.bucket_pointers() { 0 } else { own_overflow };
        if listed != expected {
            return Err(format!(
                "{listed} overflow buckets listed, {own_overflow} chained"
            ));
        }
        if !h.extra.is_null() {
            let next = (*h.extra).next_overflow as usize;
            if next != 0 && !(lo..hi).contains(&next) {
                return Err("nextOverflow outside the preallocated space".into());
            }
        }

        if h.growing() {
            let old_n = h.noldbuckets();
            let old_b = if h.same_size_grow() { h.b } else { h.b - 1 };
            let (olo, ohi) = prealloc_range(t, h.oldbuckets, old_b);
            let mut old_own = 0usize;
            if h.nevacuate >= old_n {
                return Err(format!("growing with nevacuate {} >= {old_n}", h.nevacuate));
            }
            for o in 0..old_n {
                let first = bucket_at(t, h.oldbuckets, o);
                let tops = chain_tops(t, first);
                let mut b = overflow(t, first);
                while !b.is_null() {
                    if !(olo..ohi).contains(&(b as usize)) {
                        old_own += 1;
                    }
                    b = overflow(t, b);
                }
                if evacuated(first) {
                    if let Some(bad) = tops
                        .iter()
                        .find(|&&x| !(EVACUATED_X..=EVACUATED_EMPTY).contains(&x))
                    {
                        return Err(format!("old bucket {o} half evacuated (tophash {bad})"));
                    }
                    continue;
                }
                if o < h.nevacuate {
                    return Err(format!(
                        "old bucket {o} < nevacuate {} not evacuated",
                        h.nevacuate
                    ));
                }
                check_tombstones(&tops).map_err(|e| format!("old bucket {o}: {e}"))?;
                let dests: &[usize] = if h.same_size_grow() {
                    &[o]
                } else {
                    &[o, o + old_n]
                };
                for &d in dests {
                    if chain_tops(t, bucket_at(t, h.buckets, d))
                        .iter()
                        .any(|&x| x != EMPTY_REST)
                    {
                        return Err(format!("new bucket {d} filled before old bucket {o} moved"));
                    }
                }
                let mut b = first;
                while !b.is_null() {
                    for i in 0..BUCKET_CNT {
                        if top(b, i) >= MIN_TOP_HASH {
                            live += 1;
                            check_entry(t, h, seed, b, i, o, old_n - 1)?;
                        }
                    }
                    b = overflow(t, b);
                }
            }
            let listed = if h.extra.is_null() {
                0
            } else {
                list_len((*h.extra).oldoverflow)
            };
            let expected = if t.bucket_pointers() { 0 } else { old_own };
            if listed != expected {
                return Err(format!(
                    "{listed} old overflow buckets listed, {old_own} chained"
                ));
            }
        } else if !h.extra.is_null() && list_len((*h.extra).oldoverflow) != 0 {
            return Err("old overflow buckets listed while not growing".into());
        }
    }
    if live != h.count {
        return Err(format!("count {} but {live} live slots", h.count));
    }
    Ok(())
}

/// The length of an overflow list (null is empty).
///
/// # Safety
/// `l` is null or a live list.
unsafe fn list_len(l: *const crate::map::hmap::OverflowList) -> usize {
    // SAFETY: forwarded.
    unsafe { l.as_ref() }.map_or(0, |l| l.len())
}

/// One live slot: right bucket, right tophash, found by lookup right here.
unsafe fn check_entry(
    t: &MapType,
    h: &Hmap,
    seed: u64,
    b: *mut u8,
    i: usize,
    index: usize,
    mask: usize,
) -> Result<(), String> {
    // SAFETY: slot `i` of `b` is live.
    unsafe {
        let k = key_at::<Slow>(t, b, i);
        if !key_equal(t, k, k) {
            return Ok(()); // NaN: neither hash nor lookup is reproducible
        }
        let hash = hash_key(t, k, seed);
        if hash & mask != index {
            return Err(format!("key in bucket {index} hashes to {}", hash & mask));
        }
        if tophash(hash) != top(b, i) {
            return Err(format!("tophash {} should be {}", top(b, i), tophash(hash)));
        }
        match find::<Slow>(t, h, k) {
            Some((fb, fi)) if fb == b && fi == i => Ok(()),
            Some(_) => Err(format!("key in bucket {index} found at another slot")),
            None => Err(format!(
                "key in bucket {index} slot {i} not found by lookup"
            )),
        }
    }
}

/// Calls `f(key, elem)` for every live entry (current array plus
/// unevacuated old buckets), in memory order, without touching iterator
/// flags.
///
/// # Safety
/// ABI invariants 1 and 2; `f` does not modify the map.
pub unsafe fn for_each_entry(t: &MapType, h: *const Hmap, mut f: impl FnMut(*mut u8, *mut u8)) {
    // SAFETY: forwarded.
    let Some(h) = (unsafe { h.as_ref() }) else {
        return;
    };
    // SAFETY: chains of this map's arrays; live slots hold valid storage.
    unsafe {
        each_live(
            t,
            h.buckets,
            if h.buckets.is_null() {
                0
            } else {
                bucket_shift(h.b)
            },
            &mut f,
        );
        if h.growing() {
            let old_n = h.noldbuckets();
            for o in 0..old_n {
                let first = bucket_at(t, h.oldbuckets, o);
                if !evacuated(first) {
                    each_live(t, first, 1, &mut f);
                }
            }
        }
    }
}

unsafe fn each_live(t: &MapType, array: *mut u8, n: usize, f: &mut impl FnMut(*mut u8, *mut u8)) {
    for x in 0..n {
        // SAFETY: chains of a bucket array of `t`.
        unsafe {
            let mut b = bucket_at(t, array, x);
            while !b.is_null() {
                for i in 0..BUCKET_CNT {
                    if top(b, i) >= MIN_TOP_HASH {
                        let e = elem_slot(t, b, i);
                        let e = if t.indirect_elem() { deref_slot(e) } else { e };
                        f(key_at::<Slow>(t, b, i), e);
                    }
                }
                b = overflow(t, b);
            }
        }
    }
}

/// A readable dump of the header and every chain, for failing tests.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe fn dump(t: &MapType, h: *const Hmap) -> String {
    // SAFETY: forwarded.
    let s = unsafe { stats(t, h) };
    let mut out = format!("{s:?}\n");
    // SAFETY: forwarded.
    for (x, tops) in unsafe { tophashes(t, h) }.iter().enumerate() {
        let _ = writeln!(out, "  bucket {x}: {tops:?}");
    }
    // SAFETY: forwarded.
    if let Some(hr) = unsafe { h.as_ref() }
        && hr.growing()
    {
        for o in 0..hr.noldbuckets() {
            // SAFETY: chains of the old array.
            let tops = unsafe { chain_tops(t, bucket_at(t, hr.oldbuckets, o)) };
            let _ = writeln!(out, "  old {o}: {tops:?}");
        }
    }
    out
}

/// The raw key slot `i` of bucket `x` (no indirection), for white-box tests.
///
/// # Safety
/// ABI invariants 1 and 2; `x` indexes the current array, `i < 8`.
pub unsafe fn key_slot_ptr(t: &MapType, h: *const Hmap, x: usize, i: usize) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe { key_slot(bucket_at(t, (*h).buckets, x), t.key_slot_size(), i) }
}
