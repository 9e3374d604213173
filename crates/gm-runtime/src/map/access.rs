//! Lookups (Go: `mapaccess1`, `mapaccess2`, `mapaccessK`, `mapaccess*_fat`
//! and the `_fast32`/`_fast64`/`_faststr` reads).

use super::alg::{KeyKind, filled_map_seed};
use super::hmap::{
    Hmap, bucket_at, elem_at, evacuated, first_slot, has_empty_rest, key_at, match_full, match_top,
    overflow, prefetch_bucket, tops,
};
use super::maptype::MapType;
use super::{HASH_WRITING, bucket_mask, tophash, zero_val};
use crate::panic::{fatal, msg};

/// Whether family `K` scans a one-bucket map by key without hashing, as
/// Go's `_fast32`/`_fast64` reads do (B == 0 maps have no overflow chain,
/// but the scan follows one anyway).
trait ScanSmall {
    const SCAN_SMALL: bool;
}
impl<K: KeyKind> ScanSmall for K {
    const SCAN_SMALL: bool = matches!(K::KEY_SLOT, Some(4) | Some(8));
}

/// Finds `key` in a non-empty map; returns its bucket and slot.
///
/// # Safety
/// `h` is a valid non-empty map of type `t`; `key` is a valid key.
#[inline(always)]
pub(crate) unsafe fn find<K: KeyKind>(
    t: &MapType,
    h: &Hmap,
    key: K::Arg,
) -> Option<(*mut u8, usize)> {
    // SAFETY: (whole body) bucket pointers come from the header or from
    // overflow links, all inside live bucket memory of `t`.
    unsafe {
        if K::SCAN_SMALL && h.b == 0 {
            let mut b = h.buckets;
            while !b.is_null() {
                let mut m = match_full(tops(b));
                while m != 0 {
                    let i = first_slot(m);
                    if K::equal(t, key, key_at::<K>(t, b, i)) {
                        return Some((b, i));
                    }
                    m &= m - 1;
                }
                b = overflow(t, b);
            }
            return None;
        }
        let hash = K::hash(t, key, filled_map_seed(h.hash0));
        let mut m = bucket_mask(h.b);
        let mut b = bucket_at(t, h.buckets, hash & m);
        if !h.oldbuckets.is_null() {
            if !h.same_size_grow() {
                // The old array had half as many buckets.
                m >>= 1;
            }
            let oldb = bucket_at(t, h.oldbuckets, hash & m);
            if !evacuated(oldb) {
                b = oldb;
            }
        }
        prefetch_bucket(t, b);
        let top = tophash(hash);
        loop {
            let w = tops(b);
            let mut hits = match_top(w, top);
            while hits != 0 {
                let i = first_slot(hits);
                if K::equal(t, key, key_at::<K>(t, b, i)) {
                    return Some((b, i));
                }
                hits &= hits - 1;
            }
            if has_empty_rest(w) {
                return None;
            }
            b = overflow(t, b);
            if b.is_null() {
                return None;
            }
        }
    }
}

#[inline(always)]
unsafe fn lookup<K: KeyKind>(t: &MapType, h: *mut Hmap, key: K::Arg) -> Option<*mut u8> {
    // SAFETY: `h` is null or valid (ABI invariant 2).
    let h = unsafe { h.as_ref() }?;
    if h.count == 0 {
        return None;
    }
    if h.flags & HASH_WRITING != 0 {
        fatal(msg::CONCURRENT_READ_WRITE);
    }
    // SAFETY: `h` is a valid non-empty map of `t`; found slots are live.
    unsafe { find::<K>(t, h, key).map(|(b, i)| elem_at(t, b, i)) }
}

/// Go: `mapaccess1` and the `_fast*` variants: the elem, or the zero block.
///
/// # Safety
/// ABI invariants 1–3 (see the crate docs).
#[inline(always)]
pub unsafe fn mapaccess1<K: KeyKind>(t: &MapType, h: *mut Hmap, key: K::Arg) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe { lookup::<K>(t, h, key) }.unwrap_or_else(zero_val)
}

/// Go: `mapaccess2` and the `_fast*` variants: the elem (or the zero
/// block) and whether the key was present.
///
/// # Safety
/// ABI invariants 1–3.
#[inline(always)]
pub unsafe fn mapaccess2<K: KeyKind>(t: &MapType, h: *mut Hmap, key: K::Arg) -> (*mut u8, bool) {
    // SAFETY: forwarded.
    match unsafe { lookup::<K>(t, h, key) } {
        Some(e) => (e, true),
        None => (zero_val(), false),
    }
}

/// Go: `mapaccessK`: the live key and elem, for the iterator's re-lookup.
///
/// # Safety
/// ABI invariants 1–3.
pub unsafe fn mapaccess_k<K: KeyKind>(
    t: &MapType,
    h: &Hmap,
    key: K::Arg,
) -> Option<(*mut u8, *mut u8)> {
    if h.count == 0 {
        return None;
    }
    // SAFETY: `h` is a valid non-empty map; found slots are live.
    unsafe { find::<K>(t, h, key).map(|(b, i)| (key_at::<K>(t, b, i), elem_at(t, b, i))) }
}
