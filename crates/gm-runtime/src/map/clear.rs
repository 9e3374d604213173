//! `clear(m)` and the range-delete idiom (Go: `mapclear`).

use std::ptr;

use super::hmap::{Hmap, MapExtra, bucket_at, extra, make_bucket_array, overflow, set_top};
use super::maptype::MapType;
use super::{BUCKET_CNT, EMPTY_REST, HASH_WRITING, SAME_SIZE_GROW, bucket_shift};
use crate::panic::{fatal, msg};
use crate::rand;

/// Go: `runtime.mapclear`: removes every entry (NaN keys included), keeping
/// B and the bucket array, which is re-zeroed in place. The old array of an
/// unfinished grow and the overflow buckets are dropped: running iterators
/// keep what they still walk alive, and see only empty slots from here on.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe fn mapclear(t: &MapType, h: *mut Hmap) {
    // SAFETY: `h` is null or valid.
    let Some(h) = (unsafe { h.as_mut() }) else {
        return;
    };
    if h.count == 0 {
        return;
    }
    if h.flags & HASH_WRITING != 0 {
        fatal(msg::CONCURRENT_WRITES);
    }
    h.flags ^= HASH_WRITING;

    // SAFETY: (whole block) the arrays and chains belong to this map.
    unsafe {
        // Iterators stop seeing entries (Go issue 59411).
        mark_buckets_empty(t, h.buckets, bucket_shift(h.b));
        if h.growing() {
            mark_buckets_empty(t, h.oldbuckets, h.noldbuckets());
        }

        h.flags &= !SAME_SIZE_GROW;
        h.oldbuckets = ptr::null_mut();
        h.nevacuate = 0;
        h.noverflow = 0;
        h.count = 0;
        h.hash0 = rand::rand32();
        if let Some(e) = h.extra.as_mut() {
            *e = MapExtra {
                overflow: ptr::null_mut(),
                oldoverflow: ptr::null_mut(),
                next_overflow: ptr::null_mut(),
            };
        }

        let (_, next_overflow) = make_bucket_array(t, h.b, h.buckets);
        if !next_overflow.is_null() {
            extra(h).next_overflow = next_overflow;
        }
    }

    if h.flags & HASH_WRITING == 0 {
        fatal(msg::CONCURRENT_WRITES);
    }
    h.flags &= !HASH_WRITING;
}

/// Sets every tophash of `n` buckets at `array` and their chains to
/// `emptyRest`.
///
/// # Safety
/// The array and chains are writable buckets of `t`.
unsafe fn mark_buckets_empty(t: &MapType, array: *mut u8, n: usize) {
    // SAFETY: forwarded.
    unsafe {
        for x in 0..n {
            let mut b = bucket_at(t, array, x);
            while !b.is_null() {
                for i in 0..BUCKET_CNT {
                    set_top(b, i, EMPTY_REST);
                }
                b = overflow(t, b);
            }
        }
    }
}
