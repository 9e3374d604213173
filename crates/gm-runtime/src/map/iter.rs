//! Iteration (Go: `mapiterinit`, `mapiternext`).
//!
//! Visiting order is Go's: buckets from a random start, wrapping once; each
//! bucket's chain in order; within a bucket, slots rotated by a random
//! offset. An iterator keeps walking the array it started on; when that
//! array has been grown away, evacuated slots are looked up again in the
//! live map, so deleted entries are skipped and updated ones are current.

use std::ptr;

use super::access::mapaccess_k;
use super::alg::{Slow, filled_map_seed, hash_key, key_equal};
use super::hmap::{
    Hiter, Hmap, bucket_at, create_overflow, elem_at, evacuated, first_slot, key_at, match_full,
    match_top, overflow, prefetch_lines, top, tops,
};
use super::maptype::MapType;
use super::{
    BUCKET_CNT, EVACUATED_EMPTY, EVACUATED_X, EVACUATED_Y, HASH_WRITING, ITERATOR, MIN_TOP_HASH,
    NO_CHECK, OLD_ITERATOR, bucket_mask, bucket_shift,
};
use crate::panic::{fatal, msg};
use crate::rand;

/// How many buckets ahead of the one being read the walk prefetches.
const ITER_AHEAD: usize = 4;
/// How much of each bucket the walk prefetches (the whole of the common
/// layouts; for huge elems, the start).
const ITER_SPAN: usize = 512;

/// Go: `runtime.mapiterinit`: starts `it` on `h` and moves to the first
/// entry; a nil or empty map leaves `it.key` null.
///
/// # Safety
/// ABI invariants 1, 2 and 5.
pub unsafe fn mapiterinit(t: *const MapType, h: *mut Hmap, it: *mut Hiter) {
    // SAFETY: `it` points to a zeroed iterator (ABI invariant 5).
    let it = unsafe { &mut *it };
    it.t = t;
    it.key = ptr::null_mut();
    it.elem = ptr::null_mut();
    // SAFETY: `h` is null or valid.
    let Some(hr) = (unsafe { h.as_mut() }) else {
        return;
    };
    if hr.count == 0 {
        return;
    }
    // SAFETY: the descriptor outlives its maps (ABI invariant 1).
    if !unsafe { &*t }.bucket_pointers {
        // Noscan buckets: hold the overflow lists so the chains this
        // iterator walks stay alive even after the map drops them.
        // SAFETY: `hr` is valid.
        let e = unsafe { create_overflow(hr) };
        it.overflow = e.overflow;
        it.oldoverflow = e.oldoverflow;
    }
    it.h = h;
    it.b = hr.b;
    it.buckets = hr.buckets;
    let r = rand::rand64() as usize;
    it.start_bucket = r & bucket_mask(hr.b);
    it.offset = ((r >> hr.b) & (BUCKET_CNT - 1)) as u8;
    it.bucket = it.start_bucket;
    hr.flags |= ITERATOR | OLD_ITERATOR;
    // SAFETY: `it` is initialised for a live map.
    unsafe { mapiternext(it) }
}

/// Go: `runtime.mapiternext`: moves `it` to the next entry, or sets
/// `it.key` to null at the end.
///
/// # Safety
/// `it` was started by [`mapiterinit`] and its map is alive.
#[inline]
pub unsafe fn mapiternext(it: *mut Hiter) {
    // SAFETY: forwarded.
    let it = unsafe { &mut *it };
    // SAFETY: `it.h` is null (finished/empty) or the live map.
    let Some(h) = (unsafe { it.h.as_ref() }) else {
        it.key = ptr::null_mut();
        it.elem = ptr::null_mut();
        return;
    };
    if h.flags & HASH_WRITING != 0 {
        fatal(msg::CONCURRENT_ITER_WRITE);
    }
    // SAFETY: the descriptor outlives its maps.
    let t = unsafe { &*it.t };

    // The iterator walks the map's current array and no grow is under way:
    // no slot it can reach is evacuated and no entry needs filtering, so
    // every full slot is an entry. This is the general loop of `next_slow`
    // with all of its grow handling known to be idle.
    if it.check_bucket == NO_CHECK && it.buckets == h.buckets && !h.growing() {
        // SAFETY: `it.bptr` is null or a bucket of `it.buckets`' chains,
        // and so are the buckets reached below; the map (and so the array)
        // is alive.
        unsafe { next_plain(it, t) };
        return;
    }
    // SAFETY: forwarded.
    unsafe { next_slow(it, h, t) }
}

/// [`mapiternext`] over an array that holds no evacuation marks and needs
/// no filtering.
///
/// # Safety
/// `it` walks its map's current array, no grow is under way, and
/// `it.check_bucket` is `NO_CHECK`.
#[inline(always)]
unsafe fn next_plain(it: &mut Hiter, t: &MapType) {
    let mut bucket = it.bucket;
    let mut b = it.bptr;
    let mut i = it.i as usize;
    // SAFETY: (whole loop) as for `next_slow`.
    unsafe {
        loop {
            if b.is_null() {
                if walked_all(it, bucket) {
                    return;
                }
                b = bucket_at(t, it.buckets, bucket);
                prefetch_ahead(t, it, bucket, b);
                bucket = next_bucket(it, bucket);
                i = 0;
            }
            if i < BUCKET_CNT {
                // Byte `j` of `cand` stands for slot `(j + offset) & 7`.
                let cand =
                    match_full(tops(b)).rotate_right(it.offset as u32 * 8) & (u64::MAX << (i * 8));
                if cand != 0 {
                    let j = first_slot(cand);
                    let offi = (j + it.offset as usize) & (BUCKET_CNT - 1);
                    debug_assert!(top(b, offi) >= MIN_TOP_HASH);
                    it.key = key_at::<Slow>(t, b, offi);
                    it.elem = elem_at(t, b, offi);
                    it.i = (j + 1) as u8;
                    it.bptr = b;
                    it.bucket = bucket;
                    return;
                }
            }
            b = overflow(t, b);
            i = 0;
        }
    }
}

/// Whether the walk is back at its starting bucket, every bucket read;
/// then the iterator is left finished (`key` null) and lets go of the map:
/// it stays on the stack after its loop, where the collector, which cannot
/// tell it is dead, would otherwise keep the map and its buckets alive.
#[inline(always)]
fn walked_all(it: &mut Hiter, bucket: usize) -> bool {
    let done = bucket == it.start_bucket && it.wrapped;
    if done {
        finish(it);
    }
    done
}

/// Leaves `it` finished, pointing at nothing. Out of line: it runs once
/// per loop, and would crowd the step that runs once per entry.
#[cold]
#[inline(never)]
fn finish(it: &mut Hiter) {
    it.key = ptr::null_mut();
    it.elem = ptr::null_mut();
    it.h = ptr::null_mut();
    it.buckets = ptr::null_mut();
    it.bptr = ptr::null_mut();
    it.overflow = ptr::null_mut();
    it.oldoverflow = ptr::null_mut();
}

/// The bucket number after `bucket`, wrapping to 0 past the array's end.
#[inline(always)]
fn next_bucket(it: &mut Hiter, bucket: usize) -> usize {
    if bucket + 1 == bucket_shift(it.b) {
        it.wrapped = true;
        0
    } else {
        bucket + 1
    }
}

/// The walk goes up the array in address order and reads every slot: ask
/// for a bucket a few places ahead, and for `b`'s overflow bucket, while
/// `b` (bucket number `bucket` of the iterator's array) is read.
///
/// # Safety
/// `b` is a bucket of `it.buckets`.
#[inline(always)]
unsafe fn prefetch_ahead(t: &MapType, it: &Hiter, bucket: usize, b: *mut u8) {
    let span = t.bucket_size.min(ITER_SPAN);
    let ahead = (bucket + ITER_AHEAD) & bucket_mask(it.b);
    // SAFETY: `ahead` is masked into the array; `b` is a bucket.
    unsafe {
        prefetch_lines(bucket_at(t, it.buckets, ahead), 0, span);
        let ovf = overflow(t, b);
        if !ovf.is_null() {
            prefetch_lines(ovf, 0, span);
        }
    }
}

/// The general step of [`mapiternext`]: moving between buckets, reading
/// old buckets during a grow, and re-looking up evacuated entries.
///
/// # Safety
/// As for [`mapiternext`].
#[inline(never)]
unsafe fn next_slow(it: &mut Hiter, h: &Hmap, t: &MapType) {
    let mut bucket = it.bucket;
    let mut b = it.bptr;
    let mut i = it.i as usize;
    let mut check_bucket = it.check_bucket;

    // SAFETY: (whole loop) `b` is always a bucket of the iterator's array,
    // of `h.oldbuckets`, or an overflow bucket reached from one; all of
    // them stay alive while this iterator (which points at them) may use them.
    unsafe {
        loop {
            if b.is_null() {
                if walked_all(it, bucket) {
                    return;
                }
                if h.growing() && it.b == h.b {
                    // Started during this grow: a bucket whose old source
                    // is not evacuated yet is read from the old array,
                    // keeping only entries bound for this bucket.
                    let oldbucket = bucket & h.oldbucketmask();
                    b = bucket_at(t, h.oldbuckets, oldbucket);
                    if !evacuated(b) {
                        check_bucket = bucket;
                    } else {
                        b = bucket_at(t, it.buckets, bucket);
                        check_bucket = NO_CHECK;
                    }
                } else {
                    b = bucket_at(t, it.buckets, bucket);
                    check_bucket = NO_CHECK;
                }
                prefetch_ahead(t, it, bucket, b);
                bucket = next_bucket(it, bucket);
                i = 0;
            }
            // Slots worth a look (not empty, not evacuatedEmpty), rotated
            // so that byte `i` stands for slot `(i + offset) & 7`, and
            // limited to positions from `i` on.
            let w = tops(b);
            let cand =
                (match_full(w) & !match_top(w, EVACUATED_EMPTY)).rotate_right(it.offset as u32 * 8);
            let mut rest = if i < BUCKET_CNT {
                cand & (u64::MAX << (i * 8))
            } else {
                0
            };
            while rest != 0 {
                let i = first_slot(rest);
                rest &= rest - 1;
                let offi = (i + it.offset as usize) & (BUCKET_CNT - 1);
                let tb = top(b, offi);
                let k = key_at::<Slow>(t, b, offi);
                if check_bucket != NO_CHECK && !h.same_size_grow() {
                    if t.reflexive_key() || key_equal(t, k, k) {
                        // Skip entries that will land in the other half.
                        let hash = hash_key(t, k, filled_map_seed(h.hash0));
                        if hash & bucket_mask(it.b) != check_bucket {
                            continue;
                        }
                    } else if check_bucket >> (it.b - 1) != (tb & 1) as usize {
                        // NaN: evacuation follows the low tophash bit.
                        continue;
                    }
                }
                let evacuated_slot = tb == EVACUATED_X || tb == EVACUATED_Y;
                if !evacuated_slot || !(t.reflexive_key() || key_equal(t, k, k)) {
                    // Live data here, or a NaN that cannot have changed.
                    it.key = k;
                    it.elem = elem_at(t, b, offi);
                } else {
                    // The array has grown since the iterator started; the
                    // entry may have been deleted or updated (e.g. +0 to
                    // -0), so ask the live map.
                    match mapaccess_k::<Slow>(t, h, k) {
                        Some((rk, re)) => {
                            it.key = rk;
                            it.elem = re;
                        }
                        None => continue,
                    }
                }
                it.bucket = bucket;
                it.bptr = b;
                it.i = (i + 1) as u8;
                it.check_bucket = check_bucket;
                return;
            }
            b = overflow(t, b);
            i = 0;
        }
    }
}
