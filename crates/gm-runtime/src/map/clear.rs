//! `clear(m)` and the range-delete idiom (Go: `mapclear`).

use std::ptr;

use super::delete::drop_storage;
use super::grow::release_array;
use super::hmap::{
    Hmap, bucket_at, deref_slot, elem_slot, extra, key_slot, make_bucket_array, overflow, set_top,
    top,
};
use super::maptype::MapType;
use super::{
    BUCKET_CNT, EMPTY_REST, HASH_WRITING, ITERATOR, MIN_TOP_HASH, OLD_ITERATOR, RETIRED_SNAPSHOT,
    SAME_SIZE_GROW, bucket_shift,
};
use crate::alloc;
use crate::panic::{fatal, msg};
use crate::rand;

/// Go: `runtime.mapclear`: removes every entry (NaN keys included), keeping
/// B and the bucket array, which is re-zeroed in place.
///
/// Overflow buckets and the old array of an unfinished grow are freed, or
/// retired when an iterator might still be walking them; running iterators
/// see only empty slots from here on.
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

    let old_n = if h.growing() { h.noldbuckets() } else { 0 };
    // SAFETY: (whole block) the arrays and chains belong to this map.
    unsafe {
        if t.indirect_key() || t.indirect_elem() {
            // Entries' storage is referenced from live slots only: those of
            // the current array plus not-yet-evacuated old buckets.
            release_entry_storage(t, h, h.buckets, bucket_shift(h.b));
            if old_n != 0 {
                release_entry_storage(t, h, h.oldbuckets, old_n);
            }
        }
        // Iterators stop seeing entries (Go issue 59411).
        mark_buckets_empty(t, h.buckets, bucket_shift(h.b));
        if old_n != 0 {
            mark_buckets_empty(t, h.oldbuckets, old_n);
        }

        // Individually allocated overflow buckets of the current array: an
        // iterator mid-chain may still follow their links.
        let keep_current = h.flags & ITERATOR != 0;
        if !h.extra.is_null() {
            let e = &mut *h.extra;
            for &ovf in e.overflow.as_slice() {
                if keep_current {
                    alloc::retire(ovf, t.bucket_size);
                } else {
                    alloc::free(ovf, t.bucket_size, alloc::BUCKET_ALIGN);
                }
            }
            e.overflow.clear();
        }
        if old_n != 0 {
            let keep_old = h.flags & OLD_ITERATOR != 0;
            if keep_old {
                h.flags |= RETIRED_SNAPSHOT;
            }
            release_array(t, h, h.oldbuckets, keep_old, true);
        }

        h.flags &= !SAME_SIZE_GROW;
        h.oldbuckets = ptr::null_mut();
        h.nevacuate = 0;
        h.noverflow = 0;
        h.count = 0;
        h.hash0 = rand::rand32();

        let (_, next_overflow) = make_bucket_array(t, h.b, h.buckets);
        if !h.extra.is_null() || !next_overflow.is_null() {
            extra(h).next_overflow = next_overflow;
        }
    }

    if h.flags & HASH_WRITING == 0 {
        fatal(msg::CONCURRENT_WRITES);
    }
    h.flags &= !HASH_WRITING;
}

/// Releases the indirect key/elem storage of every live slot of `n` buckets
/// at `array` and their chains.
///
/// # Safety
/// The array belongs to `h`; only live slots (tophash >= minTopHash) hold
/// storage the live map owns.
unsafe fn release_entry_storage(t: &MapType, h: &Hmap, array: *mut u8, n: usize) {
    // SAFETY: (whole body) chains of this map's array; live slots hold
    // valid storage pointers.
    unsafe {
        for x in 0..n {
            let mut b = bucket_at(t, array, x);
            while !b.is_null() {
                for i in 0..BUCKET_CNT {
                    if top(b, i) < MIN_TOP_HASH {
                        continue;
                    }
                    if t.indirect_key() {
                        let k = key_slot(b, t.key_slot, i);
                        drop_storage(h, deref_slot(k), t.key().size, t.key().align);
                    }
                    if t.indirect_elem() {
                        drop_storage(
                            h,
                            deref_slot(elem_slot(t, b, i)),
                            t.elem_size(),
                            t.elem_align(),
                        );
                    }
                }
                b = overflow(t, b);
            }
        }
    }
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
