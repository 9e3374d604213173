//! Growth and incremental evacuation (Go: `hashGrow`, `growWork`,
//! `evacuate`, `advanceEvacuationMark`).

use std::ptr;

use super::alg::{KeyKind, filled_map_seed, key_equal};
use super::hmap::{
    Hmap, bucket_array_len, bucket_at, copy_slot, evacuated, extra, key_at, key_slot, kslot,
    make_bucket_array, newoverflow, overflow, set_top, top,
};
use super::maptype::MapType;
use super::{
    BUCKET_CNT, DATA_OFFSET, EVACUATED_EMPTY, EVACUATED_X, ITERATOR, MIN_TOP_HASH, OLD_ITERATOR,
    SAME_SIZE_GROW, is_empty, over_load_factor, tophash,
};
use crate::panic::{fatal, msg};
use crate::trace;

/// Go: `runtime.hashGrow`: starts doubling (or, when the map is only
/// sparse, a same-size grow that compacts overflow chains). No entry moves
/// yet.
///
/// # Safety
/// `h` is a valid, non-growing map of type `t`.
pub unsafe fn hash_grow(t: &MapType, h: &mut Hmap) {
    let (from_b, noverflow) = (h.b, h.noverflow);
    let mut bigger = 1;
    if !over_load_factor(h.count + 1, h.b) {
        bigger = 0;
        h.flags |= SAME_SIZE_GROW;
    }
    let old = h.buckets;
    // SAFETY: no dirty array.
    let (new, next_overflow) = unsafe { make_bucket_array(t, h.b + bigger, ptr::null_mut()) };

    // Iterators on the current array now walk the old one.
    let mut flags = h.flags & !(ITERATOR | OLD_ITERATOR);
    if h.flags & ITERATOR != 0 {
        flags |= OLD_ITERATOR;
    }
    h.b += bigger;
    h.flags = flags;
    h.oldbuckets = old;
    h.buckets = new;
    h.nevacuate = 0;
    h.noverflow = 0;

    if !h.extra.is_null() || !next_overflow.is_null() {
        // SAFETY: `h` is valid.
        let e = unsafe { extra(h) };
        if !e.overflow.is_null() {
            if !e.oldoverflow.is_null() {
                fatal("oldoverflow is not nil");
            }
            // The overflow buckets of the current array become the old ones.
            e.oldoverflow = e.overflow;
            e.overflow = ptr::null_mut();
        }
        e.next_overflow = next_overflow;
    }
    if trace::on() {
        // SAFETY: `h` is a valid growing map of type `t`.
        unsafe { trace::grow_start(h, from_b, noverflow) };
    }
}

/// Go: `runtime.growWork`: evacuates the old bucket that `bucket` draws
/// from, plus one more to make progress.
///
/// # Safety
/// `h` is a valid growing map of type `t`; `bucket` indexes `h.buckets`.
#[inline]
pub unsafe fn grow_work<K: KeyKind>(t: &MapType, h: &mut Hmap, bucket: usize) {
    // SAFETY: both indices are within the old array.
    unsafe {
        evacuate::<K>(t, h, bucket & h.oldbucketmask());
        if h.growing() {
            evacuate::<K>(t, h, h.nevacuate);
        }
    }
}

/// An evacuation destination (Go: `evacDst`).
struct Dst {
    b: *mut u8,
    i: usize,
}

/// Go: `runtime.evacuate`: moves every entry of old bucket `oldbucket`
/// (and its chain) to its X (same index) or Y (index + old count)
/// destination, preserving order, and marks the old slots.
///
/// # Safety
/// `h` is a valid growing map of type `t`; `oldbucket` indexes the old
/// array.
pub unsafe fn evacuate<K: KeyKind>(t: &MapType, h: &mut Hmap, oldbucket: usize) {
    let newbit = h.noldbuckets();
    // SAFETY: (whole block) old and new bucket pointers index their arrays;
    // chains are followed through overflow links; slots are < 8.
    unsafe {
        let mut b = bucket_at(t, h.oldbuckets, oldbucket);
        if !evacuated(b) {
            let same_size = h.same_size_grow();
            let mut xy = [
                Dst {
                    b: bucket_at(t, h.buckets, oldbucket),
                    i: 0,
                },
                Dst {
                    b: if same_size {
                        ptr::null_mut()
                    } else {
                        bucket_at(t, h.buckets, oldbucket + newbit)
                    },
                    i: 0,
                },
            ];
            let ks = kslot::<K>(t);
            let es = t.elem_slot;
            let seed = filled_map_seed(h.hash0);
            while !b.is_null() {
                for i in 0..BUCKET_CNT {
                    let mut tb = top(b, i);
                    if is_empty(tb) {
                        set_top(b, i, EVACUATED_EMPTY);
                        continue;
                    }
                    if tb < MIN_TOP_HASH {
                        fatal(msg::BAD_MAP_STATE);
                    }
                    let mut use_y = 0;
                    if !same_size {
                        let k = key_at::<K>(t, b, i);
                        let hash = K::hash(t, K::load(k), seed);
                        if h.flags & ITERATOR != 0 && !t.reflexive_key() && !key_equal(t, k, k) {
                            // NaN: its hash is not reproducible, but an
                            // iterator must agree with this choice. The low
                            // tophash bit decides, and a fresh tophash
                            // spreads NaNs over later grows.
                            use_y = (tb & 1) as usize;
                            tb = tophash(hash);
                        } else if hash & newbit != 0 {
                            use_y = 1;
                        }
                    }
                    set_top(b, i, EVACUATED_X + use_y as u8);
                    let dst = &mut xy[use_y];
                    if dst.i == BUCKET_CNT {
                        dst.b = newoverflow(t, h, dst.b);
                        dst.i = 0;
                    }
                    set_top(dst.b, dst.i, tb);
                    // Indirect slots move their pointer, not the data.
                    copy_slot(key_slot(b, ks, i), key_slot(dst.b, ks, dst.i), ks);
                    copy_slot(
                        b.add(t.elems_offset + i * es),
                        dst.b.add(t.elems_offset + dst.i * es),
                        es,
                    );
                    dst.i += 1;
                }
                b = overflow(t, b);
            }
            if trace::on() {
                // SAFETY: the old chain is still linked and marked.
                trace::evacuated(t, h, oldbucket);
            }
            // Unlink the chain and drop the stale copies, so the collector
            // does not keep what they point to; tophashes keep the
            // evacuation marks. An iterator on the old array still needs
            // them, and noscan buckets are not scanned anyway.
            if h.flags & OLD_ITERATOR == 0 && t.bucket_pointers {
                let first = bucket_at(t, h.oldbuckets, oldbucket);
                ptr::write_bytes(first.add(DATA_OFFSET), 0, t.bucket_size - DATA_OFFSET);
            }
        }
        if oldbucket == h.nevacuate {
            advance_evacuation_mark(t, h, newbit);
        }
    }
}

/// Go: `runtime.advanceEvacuationMark`: moves `nevacuate` past evacuated
/// old buckets (at most 1024 at a time) and finishes the grow when all are.
///
/// # Safety
/// `h` is a valid growing map of type `t`.
unsafe fn advance_evacuation_mark(t: &MapType, h: &mut Hmap, newbit: usize) {
    h.nevacuate += 1;
    // Bounded so a single write stays O(1).
    let stop = (h.nevacuate + 1024).min(newbit);
    // SAFETY: `nevacuate < stop <= newbit` indexes the old array.
    while h.nevacuate != stop && unsafe { evacuated(bucket_at(t, h.oldbuckets, h.nevacuate)) } {
        h.nevacuate += 1;
    }
    if h.nevacuate == newbit {
        // SAFETY: every old bucket is evacuated.
        unsafe { finish_grow(t, h, newbit) };
    }
}

/// Drops the old array (`old_len` buckets and its spare overflow buckets)
/// and its overflow list once growth is complete; an iterator still
/// walking them keeps them alive itself.
///
/// # Safety
/// `h` is a valid map of type `t` whose old buckets are all evacuated.
unsafe fn finish_grow(t: &MapType, h: &mut Hmap, old_len: usize) {
    if trace::on() {
        trace::grow_end(h);
    }
    if h.flags & OLD_ITERATOR == 0 {
        let n = bucket_array_len(t, old_len.trailing_zeros() as u8);
        // SAFETY: no iterator walks the old array, and the map no longer
        // reads it: every bucket is evacuated.
        unsafe {
            crate::alloc::free_bucket_array(h.oldbuckets, n, t.bucket_size, t.bucket_pointers)
        };
    }
    h.oldbuckets = ptr::null_mut();
    // SAFETY: `extra` is null or ours.
    if let Some(e) = unsafe { h.extra.as_mut() } {
        e.oldoverflow = ptr::null_mut();
    }
    h.flags &= !SAME_SIZE_GROW;
}
