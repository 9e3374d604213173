//! Deletion (Go: `mapdelete` and the `_fast32`/`_fast64`/`_faststr`
//! variants), with `emptyRest` maintenance.

use std::ptr;

use super::alg::{KeyKind, filled_map_seed};
use super::grow::grow_work;
use super::hmap::{
    Hmap, bucket_at, clear_slot, deref_slot, elem_slot, first_slot, has_empty_rest, indirect_key,
    key_at, key_slot, kslot, match_top, overflow, prefetch_bucket, set_slot_ptr, set_top, top,
    tops,
};
use super::maptype::MapType;
use super::{BUCKET_CNT, EMPTY_ONE, EMPTY_REST, HASH_WRITING, bucket_mask, tophash};
use crate::alloc;
use crate::panic::{fatal, msg};
use crate::rand;

/// Go: `mapdelete`. A nil or empty map, or a missing key, is a no-op.
///
/// # Safety
/// ABI invariants 1–3.
#[inline(always)]
pub unsafe fn mapdelete<K: KeyKind>(t: &MapType, h: *mut Hmap, key: K::Arg) {
    // SAFETY: `h` is null or valid (ABI invariant 2).
    let Some(h) = (unsafe { h.as_mut() }) else {
        return;
    };
    if h.count == 0 {
        return;
    }
    if h.flags & HASH_WRITING != 0 {
        fatal(msg::CONCURRENT_WRITES);
    }
    // SAFETY: `key` is a valid key of `t`.
    let hash = unsafe { K::hash(t, key, filled_map_seed(h.hash0)) };
    h.flags ^= HASH_WRITING;

    let bucket = hash & bucket_mask(h.b);
    // SAFETY: (whole block) bucket pointers come from this map's header and
    // overflow links; slot indices are < 8.
    unsafe {
        if h.growing() {
            grow_work::<K>(t, h, bucket);
        }
        let b_orig = bucket_at(t, h.buckets, bucket);
        prefetch_bucket(t, b_orig);
        let top_byte = tophash(hash);
        let mut b = b_orig;
        'search: loop {
            let w = tops(b);
            let mut hits = match_top(w, top_byte);
            while hits != 0 {
                let i = first_slot(hits);
                hits &= hits - 1;
                if !K::equal(t, key, key_at::<K>(t, b, i)) {
                    continue;
                }
                remove_slot::<K>(t, b, i);
                mark_empty(t, b_orig, b, i);
                h.count -= 1;
                if h.count == 0 {
                    // Reseed so repeated collisions are hard to provoke
                    // (Go issue 25237).
                    h.hash0 = rand::rand32();
                }
                break 'search;
            }
            if has_empty_rest(w) {
                break;
            }
            b = overflow(t, b);
            if b.is_null() {
                break;
            }
        }
    }

    if h.flags & HASH_WRITING == 0 {
        fatal(msg::CONCURRENT_WRITES);
    }
    h.flags &= !HASH_WRITING;
}

/// Clears the key and elem of a found slot, as Go does: an indirect slot
/// drops its pointer (an indirect elem's memory is handed back for the next
/// entry), an inline key holding pointers and every inline elem are zeroed
/// (a later insert into this slot hands the elem out as a fresh zero
/// value), so the collector keeps nothing alive through the slot. Nothing
/// else reads a deleted indirect elem: the program only copies elems, and
/// an iterator looks an entry evacuated since it started up again by its
/// key. That key it reads from the old bucket, which keeps it while
/// iterators run: indirect keys are left to the collector.
///
/// # Safety
/// `b` is a bucket of `t` and slot `i` holds a live entry.
unsafe fn remove_slot<K: KeyKind>(t: &MapType, b: *mut u8, i: usize) {
    // SAFETY: (whole body) slot `i` of `b` is live, so its slots are valid.
    unsafe {
        let ks = kslot::<K>(t);
        let k = key_slot(b, ks, i);
        if indirect_key::<K>(t) {
            set_slot_ptr(k, ptr::null_mut());
        } else if t.key_pointers {
            clear_slot(k, ks);
        }
        let e = elem_slot(t, b, i);
        if t.indirect_elem() {
            alloc::free_map_slot(deref_slot(e), t.elem_size(), t.elem_pointers);
            set_slot_ptr(e, ptr::null_mut());
        } else {
            clear_slot(e, t.elem_slot);
        }
    }
}

/// Marks slot `i` of `b` empty and keeps `emptyRest` canonical: if nothing
/// live follows in the chain, this slot and every `emptyOne` directly before
/// it (walking back across the chain's buckets) become `emptyRest`.
///
/// # Safety
/// `b` is in the chain starting at `b_orig`, and `i < 8`.
unsafe fn mark_empty(t: &MapType, b_orig: *mut u8, mut b: *mut u8, mut i: usize) {
    // SAFETY: (whole body) every bucket touched is in this chain.
    unsafe {
        set_top(b, i, EMPTY_ONE);
        let next_is_rest = if i == BUCKET_CNT - 1 {
            let ovf = overflow(t, b);
            ovf.is_null() || top(ovf, 0) == EMPTY_REST
        } else {
            top(b, i + 1) == EMPTY_REST
        };
        if !next_is_rest {
            return;
        }
        loop {
            set_top(b, i, EMPTY_REST);
            if i == 0 {
                if b == b_orig {
                    return; // start of the chain
                }
                // Find the bucket before `b` and continue at its last slot.
                let c = b;
                b = b_orig;
                while overflow(t, b) != c {
                    b = overflow(t, b);
                }
                i = BUCKET_CNT - 1;
            } else {
                i -= 1;
            }
            if top(b, i) != EMPTY_ONE {
                return;
            }
        }
    }
}
