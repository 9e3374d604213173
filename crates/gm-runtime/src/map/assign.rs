//! Insertion (Go: `mapassign` and the `_fast32`/`_fast64`/`_faststr`
//! variants, including `_fast32ptr`/`_fast64ptr`).

use std::ptr;

use super::alg::{KeyKind, map_seed};
use super::grow::{grow_work, hash_grow};
use super::hmap::{
    Hmap, bucket_at, deref_slot, elem_slot, first_slot, has_empty_rest, indirect_key, key_at,
    key_slot, kslot, make_bucket_array, match_empty, match_top, newoverflow, overflow, prefetch,
    prefetch_bucket, set_slot_ptr, set_top, tops,
};
use super::maptype::MapType;
use super::{HASH_WRITING, bucket_mask, over_load_factor, too_many_overflow_buckets, tophash};
use crate::alloc;
use crate::panic::{fatal, go_panic, msg};

/// Go: `mapassign`: the elem slot for `key`, inserting a zeroed entry if the
/// key is new. Panics on a nil map.
///
/// # Safety
/// ABI invariants 1–3.
#[inline(always)]
pub unsafe fn mapassign<K: KeyKind>(t: &MapType, h: *mut Hmap, key: K::Arg) -> *mut u8 {
    // SAFETY: `h` is null or valid (ABI invariant 2).
    let Some(h) = (unsafe { h.as_mut() }) else {
        go_panic(msg::NIL_MAP_ASSIGN)
    };
    if h.flags & HASH_WRITING != 0 {
        fatal(msg::CONCURRENT_WRITES);
    }
    // SAFETY: `key` is a valid key of `t`.
    let hash = unsafe { K::hash(t, key, map_seed(h.hash0)) };
    // Set only after hashing, as Go does (hashing could fail there).
    h.flags ^= HASH_WRITING;

    if h.buckets.is_null() {
        // SAFETY: no dirty array.
        h.buckets = unsafe { make_bucket_array(t, 0, ptr::null_mut()) }.0;
    }

    // SAFETY: (whole loop) all bucket pointers come from the header and
    // overflow links of this map; slots are within their buckets.
    let elem = unsafe {
        'again: loop {
            let bucket = hash & bucket_mask(h.b);
            let mut b = bucket_at(t, h.buckets, bucket);
            if h.growing() {
                // Evacuation reads the old bucket and writes this one (and
                // its sibling); start all the cache misses at once.
                prefetch(b);
                prefetch(bucket_at(t, h.oldbuckets, bucket & h.oldbucketmask()));
                grow_work::<K>(t, h, bucket);
            }
            prefetch_bucket(t, b);
            let top = tophash(hash);
            let mut insert: Option<(*mut u8, usize)> = None;
            loop {
                let w = tops(b);
                let mut hits = match_top(w, top);
                while hits != 0 {
                    let i = first_slot(hits);
                    let k = key_at::<K>(t, b, i);
                    if K::equal(t, key, k) {
                        K::update(t, k, key);
                        break 'again elem_slot(t, b, i);
                    }
                    hits &= hits - 1;
                }
                if insert.is_none() {
                    let empties = match_empty(w);
                    if empties != 0 {
                        insert = Some((b, first_slot(empties)));
                    }
                }
                if has_empty_rest(w) {
                    break;
                }
                let ovf = overflow(t, b);
                if ovf.is_null() {
                    break;
                }
                b = ovf;
            }

            // A new key. Grow first if the table is full or too sparse.
            if !h.growing()
                && (over_load_factor(h.count + 1, h.b)
                    || too_many_overflow_buckets(h.noverflow, h.b))
            {
                hash_grow(t, h);
                continue 'again;
            }

            let (ib, i) = match insert {
                Some(slot) => slot,
                None => (newoverflow(t, h, b), 0),
            };
            let kslot_ptr = key_slot(ib, kslot::<K>(t), i);
            let kdst = if indirect_key::<K>(t) {
                let kmem = alloc::alloc(t.key().size, t.key_pointers);
                set_slot_ptr(kslot_ptr, kmem);
                kmem
            } else {
                kslot_ptr
            };
            let eslot = elem_slot(t, ib, i);
            if t.indirect_elem() {
                set_slot_ptr(eslot, alloc::alloc_map_slot(t.elem_size(), t.elem_pointers));
            }
            K::store(t, kdst, key);
            set_top(ib, i, top);
            h.count += 1;
            break eslot;
        }
    };

    if h.flags & HASH_WRITING == 0 {
        fatal(msg::CONCURRENT_WRITES);
    }
    h.flags &= !HASH_WRITING;
    if t.indirect_elem() {
        // SAFETY: an indirect elem slot of a live entry holds its storage.
        unsafe { deref_slot(elem) }
    } else {
        elem
    }
}
