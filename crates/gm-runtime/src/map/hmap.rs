//! The map header, buckets, map creation and overflow buckets (Go:
//! `hmap`, `mapextra`, `bmap`, `hiter`, `makemap*`, `makeBucketArray`,
//! `newoverflow`).

use std::mem::offset_of;
use std::ptr;

use super::alg::KeyKind;
use super::maptype::MapType;
use super::{DATA_OFFSET, EMPTY_ONE, MIN_TOP_HASH, bucket_shift};
use crate::alloc;
use crate::panic::{fatal, msg};
use crate::rand;
use crate::size_class::roundupsize;

/// A map header (Go: `runtime.hmap`), 48 bytes in Go's field order. The JIT
/// reads `count` for `len(m)` and writes `buckets`/`hash0` of stack maps.
#[repr(C)]
#[derive(Debug)]
pub struct Hmap {
    /// Live entries; must be first (`len` loads it).
    pub count: i64,
    pub flags: u8,
    /// log2 of the bucket count.
    pub b: u8,
    /// Approximate number of overflow buckets.
    pub noverflow: u16,
    /// Hash seed.
    pub hash0: u32,
    /// 2^B buckets; null while empty.
    pub buckets: *mut u8,
    /// The previous bucket array while growing, else null.
    pub oldbuckets: *mut u8,
    /// Old buckets below this index have been evacuated.
    pub nevacuate: usize,
    pub extra: *mut MapExtra,
}

pub use gm_abi::map::{
    HITER_SIZE, HMAP_BUCKETS_OFFSET, HMAP_COUNT_OFFSET, HMAP_HASH0_OFFSET, HMAP_SIZE,
};

/// Fails to compile unless `$ty` has exactly the fields of gm-abi's list
/// `$fields`, at the offsets the compiler computes from that list.
macro_rules! assert_abi_layout {
    ($ty:ty, $fields:expr, [$($field:ident),*]) => {
        const _: () = {
            let fields: &[gm_abi::map::Field] = $fields;
            let offsets = [$(offset_of!($ty, $field)),*];
            assert!(offsets.len() == fields.len());
            let mut i = 0;
            while i < offsets.len() {
                assert!(offsets[i] == gm_abi::map::offset(fields, i));
                i += 1;
            }
            assert!(size_of::<$ty>() == gm_abi::map::size(fields));
        };
    };
}

assert_abi_layout!(
    Hmap,
    gm_abi::map::HMAP,
    [
        count, flags, b, noverflow, hash0, buckets, oldbuckets, nevacuate, extra
    ]
);

impl Hmap {
    /// An empty header, as the JIT zeroes a stack map.
    pub const fn zeroed() -> Hmap {
        Hmap {
            count: 0,
            flags: 0,
            b: 0,
            noverflow: 0,
            hash0: 0,
            buckets: ptr::null_mut(),
            oldbuckets: ptr::null_mut(),
            nevacuate: 0,
            extra: ptr::null_mut(),
        }
    }

    /// Go: `hmap.growing`.
    #[inline(always)]
    pub fn growing(&self) -> bool {
        !self.oldbuckets.is_null()
    }

    /// Go: `hmap.sameSizeGrow`.
    #[inline(always)]
    pub fn same_size_grow(&self) -> bool {
        self.flags & super::SAME_SIZE_GROW != 0
    }

    /// Number of buckets before the current growth (Go:
    /// `hmap.noldbuckets`).
    #[inline]
    pub fn noldbuckets(&self) -> usize {
        let mut old_b = self.b;
        if !self.same_size_grow() {
            old_b = old_b.wrapping_sub(1);
        }
        bucket_shift(old_b)
    }

    /// Go: `hmap.oldbucketmask`.
    #[inline]
    pub fn oldbucketmask(&self) -> usize {
        self.noldbuckets() - 1
    }
}

/// Optional header fields (Go: `runtime.mapextra`), a scanned heap object
/// (null fields when fresh).
///
/// The buckets of a map whose keys and elems hold no pointers are noscan
/// memory, so the collector does not see their overflow links; the lists
/// here keep those overflow buckets alive instead (for the current and the
/// old array). Preallocated overflow buckets live inside their array.
#[repr(C)]
pub struct MapExtra {
    pub overflow: *mut OverflowList,
    pub oldoverflow: *mut OverflowList,
    /// Next free preallocated overflow bucket, or null.
    pub next_overflow: *mut u8,
}

assert_abi_layout!(
    MapExtra,
    gm_abi::map::MAPEXTRA,
    [overflow, oldoverflow, next_overflow]
);

/// A growable list of overflow buckets (Go: the `*[]*bmap` of
/// `mapextra`): an object of its own, so that an iterator can keep the
/// list it started with alive after the map drops it.
#[repr(C)]
pub struct OverflowList {
    buf: *mut *mut u8,
    len: usize,
    cap: usize,
}

impl OverflowList {
    /// A fresh empty list on the collected heap.
    fn new() -> *mut OverflowList {
        alloc::alloc(size_of::<OverflowList>(), true).cast()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, p: *mut u8) {
        if self.len == self.cap {
            let cap = (self.cap * 2).max(4);
            let buf: *mut *mut u8 = alloc::alloc(cap * size_of::<*mut u8>(), true).cast();
            if self.len != 0 {
                // SAFETY: both buffers hold at least `len` pointers and are
                // distinct allocations.
                unsafe { ptr::copy_nonoverlapping(self.buf, buf, self.len) };
            }
            self.buf = buf;
            self.cap = cap;
        }
        // SAFETY: `len < cap` after the growth above.
        unsafe { self.buf.add(self.len).write(p) };
        self.len += 1;
    }
}

/// A map iterator (Go: `runtime.hiter`): 12 words; `key` and `elem` come
/// first because generated code reads them, and `key == null` ends a loop.
#[repr(C)]
#[derive(Debug)]
pub struct Hiter {
    pub key: *mut u8,
    pub elem: *mut u8,
    pub t: *const MapType,
    pub h: *mut Hmap,
    /// Bucket array at init.
    pub buckets: *mut u8,
    /// Current bucket.
    pub bptr: *mut u8,
    /// The map's overflow lists at init (Go's keep-alive slots): they keep
    /// the noscan overflow buckets of the arrays this iterator may walk.
    pub overflow: *mut OverflowList,
    pub oldoverflow: *mut OverflowList,
    pub start_bucket: usize,
    /// Slot offset applied in every bucket.
    pub offset: u8,
    pub wrapped: bool,
    /// B at init.
    pub b: u8,
    pub i: u8,
    pub bucket: usize,
    pub check_bucket: usize,
}

assert_abi_layout!(
    Hiter,
    gm_abi::map::HITER,
    [
        key,
        elem,
        t,
        h,
        buckets,
        bptr,
        overflow,
        oldoverflow,
        start_bucket,
        offset,
        wrapped,
        b,
        i,
        bucket,
        check_bucket
    ]
);

impl Hiter {
    /// A zeroed iterator, as the JIT makes one.
    pub const fn zeroed() -> Hiter {
        Hiter {
            key: ptr::null_mut(),
            elem: ptr::null_mut(),
            t: ptr::null(),
            h: ptr::null_mut(),
            buckets: ptr::null_mut(),
            bptr: ptr::null_mut(),
            overflow: ptr::null_mut(),
            oldoverflow: ptr::null_mut(),
            start_bucket: 0,
            offset: 0,
            wrapped: false,
            b: 0,
            i: 0,
            bucket: 0,
            check_bucket: 0,
        }
    }
}

// ---- bucket access -------------------------------------------------------
//
// A bucket is `bucket_size` bytes: tophash[8] at 0, keys at DATA_OFFSET,
// elems at `t.elems_offset`, the overflow pointer at `t.overflow_offset`.
// All helpers take a pointer to the bucket's first byte.

/// The tophash byte of slot `i`.
///
/// # Safety
/// `b` is a bucket and `i < 8`.
#[inline(always)]
pub unsafe fn top(b: *const u8, i: usize) -> u8 {
    // SAFETY: tophash occupies the first 8 bytes of a bucket.
    unsafe { *b.add(i) }
}

/// # Safety
/// As for [`top`], and `b` is writable.
#[inline(always)]
pub unsafe fn set_top(b: *mut u8, i: usize, v: u8) {
    // SAFETY: tophash occupies the first 8 bytes of a bucket.
    unsafe { *b.add(i) = v }
}

/// The eight tophash bytes as one little-endian word.
///
/// # Safety
/// `b` is a bucket.
#[inline(always)]
pub unsafe fn tops(b: *const u8) -> u64 {
    // SAFETY: tophash occupies the first 8 bytes of a bucket.
    u64::from_le(unsafe { (b as *const u64).read_unaligned() })
}

/// Hints the CPU to start loading `p`'s cache line.
#[inline(always)]
pub fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// How much of a bucket [`prefetch_bucket`] asks for: the tophash word, the
/// keys and the first elems of the common layouts (8-byte keys and elems:
/// 144 bytes; string keys with word elems: 208).
const PREFETCH_SPAN: usize = 256;

/// The three offsets [`prefetch_bucket`] hints in a bucket of `size` bytes:
/// one line on, two lines on and the last byte of the span, each kept
/// inside the span. Wherever the bucket starts in its first line, that
/// names every later line holding bytes of the span, unless the span
/// crosses four line boundaries, which takes a bucket over 192 bytes.
pub fn prefetch_offsets(size: usize) -> [usize; 3] {
    let last = size.min(PREFETCH_SPAN) - 1;
    [64.min(last), 128.min(last), last]
}

/// Starts loading the cache lines of bucket `b` past the first (see
/// [`prefetch_offsets`]), so that the misses on the matching key and its
/// elem overlap with the miss on the tophash word instead of following it.
/// Three fixed hints rather than a loop over the lines: every lookup pays
/// for them, in cached maps too.
#[inline(always)]
pub fn prefetch_bucket(t: &MapType, b: *const u8) {
    for off in t.prefetch_at {
        prefetch(b.wrapping_add(off));
    }
}

/// Hints the cache lines that hold bytes `from..to` of `p`'s block (the
/// line holding byte `from` included).
#[inline(always)]
pub fn prefetch_lines(p: *const u8, from: usize, to: usize) {
    let mut line = (p as usize + from) & !63;
    let end = p as usize + to;
    while line < end {
        prefetch(line as *const u8);
        line += 64;
    }
}

/// Go: `bmap.overflow`.
///
/// # Safety
/// `b` is a bucket of `t`.
#[inline(always)]
pub unsafe fn overflow(t: &MapType, b: *const u8) -> *mut u8 {
    // SAFETY: the last word of a bucket is its overflow pointer.
    unsafe { (b.add(t.overflow_offset) as *const *mut u8).read_unaligned() }
}

/// Go: `bmap.setoverflow`.
///
/// # Safety
/// `b` is a writable bucket of `t`.
#[inline(always)]
pub unsafe fn set_overflow(t: &MapType, b: *mut u8, ovf: *mut u8) {
    // SAFETY: the last word of a bucket is its overflow pointer.
    unsafe { (b.add(t.overflow_offset) as *mut *mut u8).write_unaligned(ovf) }
}

/// Go: `runtime.evacuated`.
///
/// # Safety
/// `b` is a bucket.
#[inline(always)]
pub unsafe fn evacuated(b: *const u8) -> bool {
    // SAFETY: forwarded.
    let h = unsafe { top(b, 0) };
    h > EMPTY_ONE && h < MIN_TOP_HASH
}

/// Address of bucket `i` of array `base`.
///
/// # Safety
/// `i` is within the array.
#[inline(always)]
pub unsafe fn bucket_at(t: &MapType, base: *mut u8, i: usize) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe { base.add(i * t.bucket_size) }
}

/// The key slot `i` (not following indirection).
///
/// # Safety
/// `b` is a bucket of `t`, `i < 8`, `key_slot` is `t`'s key slot size.
#[inline(always)]
pub unsafe fn key_slot(b: *mut u8, key_slot: usize, i: usize) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe { b.add(DATA_OFFSET + i * key_slot) }
}

/// The elem slot `i` (not following indirection).
///
/// # Safety
/// `b` is a bucket of `t` and `i < 8`.
#[inline(always)]
pub unsafe fn elem_slot(t: &MapType, b: *mut u8, i: usize) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe { b.add(t.elems_offset + i * t.elem_slot) }
}

/// Reads the pointer stored in an indirect slot.
///
/// # Safety
/// `slot` holds a pointer.
#[inline(always)]
pub unsafe fn deref_slot(slot: *mut u8) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe { (slot as *const *mut u8).read_unaligned() }
}

/// # Safety
/// `slot` is a writable pointer-sized slot.
#[inline(always)]
pub unsafe fn set_slot_ptr(slot: *mut u8, p: *mut u8) {
    // SAFETY: forwarded.
    unsafe { (slot as *mut *mut u8).write_unaligned(p) }
}

// ---- extra / overflow ------------------------------------------------------

/// `h.extra`, allocated on first need.
///
/// # Safety
/// `h` is a valid header.
pub unsafe fn extra(h: &mut Hmap) -> &mut MapExtra {
    if h.extra.is_null() {
        // Zeroed memory is an empty MapExtra (null lists).
        h.extra = alloc::alloc(size_of::<MapExtra>(), true).cast();
    }
    // SAFETY: `extra` is null or a live MapExtra this runtime allocated.
    unsafe { &mut *h.extra }
}

/// Go: `hmap.createOverflow`: `extra` and its current overflow list.
///
/// # Safety
/// `h` is a valid header.
pub unsafe fn create_overflow(h: &mut Hmap) -> &mut MapExtra {
    // SAFETY: forwarded.
    let e = unsafe { extra(h) };
    if e.overflow.is_null() {
        e.overflow = OverflowList::new();
    }
    e
}

/// Go: `hmap.incrnoverflow`: exact below B = 16, then incremented with
/// probability 1/2^(B-15) so a `u16` can count up to about 2^B.
pub fn incrnoverflow(h: &mut Hmap) {
    if h.b < 16 {
        h.noverflow = h.noverflow.wrapping_add(1);
        return;
    }
    let mask = (1u32 << (h.b - 15)) - 1;
    if rand::rand32() & mask == 0 {
        h.noverflow = h.noverflow.wrapping_add(1);
    }
}

/// Chains a fresh overflow bucket after `b` (Go: `hmap.newoverflow`),
/// taking a preallocated one when available.
///
/// # Safety
/// `h` is valid and `b` is the last bucket of a chain of `h.buckets`.
pub unsafe fn newoverflow(t: &MapType, h: &mut Hmap, b: *mut u8) -> *mut u8 {
    // SAFETY: (whole body) `extra`, when set, is ours; preallocated buckets
    // lie inside the current array; `b` is a writable bucket.
    unsafe {
        let pre = if h.extra.is_null() {
            ptr::null_mut()
        } else {
            (*h.extra).next_overflow
        };
        let ovf = if !pre.is_null() {
            if overflow(t, pre).is_null() {
                (*h.extra).next_overflow = pre.add(t.bucket_size);
            } else {
                // The last preallocated bucket carries a sentinel link.
                set_overflow(t, pre, ptr::null_mut());
                (*h.extra).next_overflow = ptr::null_mut();
            }
            pre
        } else {
            let ovf = if t.bucket_descr != 0 {
                alloc::alloc_typed(1, t.bucket_size, t.bucket_descr)
            } else {
                alloc::alloc(t.bucket_size, t.bucket_pointers)
            };
            if !t.bucket_pointers {
                (*create_overflow(h).overflow).push(ovf);
            }
            ovf
        };
        incrnoverflow(h);
        set_overflow(t, b, ovf);
        if crate::trace::on() {
            crate::trace::new_overflow(t, h, ovf);
        }
        ovf
    }
}

// ---- creation --------------------------------------------------------------

/// Number of buckets (including preallocated overflow ones) in an array for
/// 2^b buckets.
pub fn bucket_array_len(t: &MapType, b: u8) -> usize {
    let base = bucket_shift(b);
    let mut n = base;
    if b >= 4 {
        n += bucket_shift(b - 4);
        let sz = t.bucket_size * n;
        let up = roundupsize(sz, !t.bucket_pointers);
        if up != sz {
            n = up / t.bucket_size;
        }
    }
    n
}

/// Go: `runtime.makeBucketArray`: a zeroed array for 2^b buckets plus
/// preallocated overflow buckets when b >= 4, or `dirty` (an array made
/// earlier for the same `t` and `b`, or a one-bucket stack array) re-zeroed.
/// Returns the array and the first preallocated overflow bucket (or null).
///
/// # Safety
/// `dirty` is null or such an array.
pub unsafe fn make_bucket_array(t: &MapType, b: u8, dirty: *mut u8) -> (*mut u8, *mut u8) {
    let base = bucket_shift(b);
    let n = bucket_array_len(t, b);
    let buckets = if dirty.is_null() {
        if t.bucket_size.checked_mul(n).is_none() {
            fatal(msg::OUT_OF_MEMORY);
        }
        alloc::alloc_bucket_array(n, t.bucket_size, t.bucket_pointers, t.bucket_descr)
    } else {
        // SAFETY: `dirty` spans `n` buckets of `t`.
        unsafe { ptr::write_bytes(dirty, 0, t.bucket_size * n) };
        dirty
    };
    let mut next_overflow = ptr::null_mut();
    if base != n {
        // SAFETY: both buckets lie inside the `n`-bucket array.
        unsafe {
            next_overflow = bucket_at(t, buckets, base);
            let last = bucket_at(t, buckets, n - 1);
            // Any non-null link marks the last one; Go uses the array start.
            set_overflow(t, last, buckets);
        }
    }
    (buckets, next_overflow)
}

/// The largest allocation Go allows on 64-bit targets (Go: `maxAlloc`).
const MAX_ALLOC: u128 = 1 << 48;

/// Go: `runtime.makemap`.
///
/// # Safety
/// `h` is null or a valid (zeroed or JIT-prepared) header.
pub unsafe fn makemap(t: &MapType, hint: i64, h: *mut Hmap) -> *mut Hmap {
    // A negative hint reads as a huge unsigned one, so it lands here too.
    let mut hint = hint;
    let mem = (hint as u64 as u128) * t.bucket_size as u128;
    if mem > MAX_ALLOC {
        hint = 0;
    }
    let h = if h.is_null() { new_header() } else { h };
    // SAFETY: `h` is valid (caller, or fresh from `new_header`).
    let hr = unsafe { &mut *h };
    hr.hash0 = rand::rand32();
    let mut b = 0u8;
    while super::over_load_factor(hint, b) {
        b += 1;
    }
    hr.b = b;
    if b != 0 {
        // SAFETY: no dirty array.
        let (buckets, next_overflow) = unsafe { make_bucket_array(t, b, ptr::null_mut()) };
        hr.buckets = buckets;
        if !next_overflow.is_null() {
            // SAFETY: `hr` is valid.
            unsafe { extra(hr) }.next_overflow = next_overflow;
        }
    }
    h
}

/// Go: `runtime.makemap_small`: a header with a seed; buckets come lazily.
pub fn makemap_small() -> *mut Hmap {
    let h = new_header();
    // SAFETY: fresh header.
    unsafe { (*h).hash0 = rand::rand32() };
    h
}

fn new_header() -> *mut Hmap {
    alloc::alloc(HMAP_SIZE, true).cast()
}

// ---- slot scanning -----------------------------------------------------------
//
// The eight tophash bytes are read as one word and compared all at once;
// each result has 0x80 set in the byte of every matching slot.

const LO_BITS: u64 = 0x0101_0101_0101_0101;
const HI_BITS: u64 = 0x8080_8080_8080_8080;

/// 0x80 in every zero byte of `x`, exactly (no false positives, unlike the
/// cheaper borrow trick: a false hit on an empty slot with a zeroed key
/// would otherwise match a zero key).
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    !(((x & !HI_BITS).wrapping_add(!HI_BITS)) | x) & HI_BITS
}

/// Slots whose tophash equals `top`.
#[inline(always)]
pub fn match_top(tops: u64, top: u8) -> u64 {
    zero_bytes(tops ^ (LO_BITS * top as u64))
}

/// Slots that are empty (`emptyRest` or `emptyOne`).
#[inline(always)]
pub fn match_empty(tops: u64) -> u64 {
    zero_bytes(tops & !LO_BITS)
}

/// Slots that hold a live entry (tophash >= minTopHash in a bucket that is
/// not evacuated).
#[inline(always)]
pub fn match_full(tops: u64) -> u64 {
    !match_empty(tops) & HI_BITS
}

/// Whether any slot is `emptyRest`, which ends a chain scan.
#[inline(always)]
pub fn has_empty_rest(tops: u64) -> bool {
    zero_bytes(tops) != 0
}

/// The slot index of the lowest set match bit.
#[inline(always)]
pub fn first_slot(m: u64) -> usize {
    (m.trailing_zeros() / 8) as usize
}

/// Key slot size for the key family `K`.
#[inline(always)]
pub fn kslot<K: KeyKind>(t: &MapType) -> usize {
    match K::KEY_SLOT {
        Some(n) => n,
        None => t.key_slot,
    }
}

/// Whether keys of `t` are stored behind a pointer, for family `K`.
#[inline(always)]
pub fn indirect_key<K: KeyKind>(t: &MapType) -> bool {
    K::MAY_INDIRECT && t.indirect_key()
}

/// The key of slot `i`, following indirection.
///
/// # Safety
/// `b` is a bucket of `t`, `i < 8`, and an indirect slot is filled.
#[inline(always)]
pub unsafe fn key_at<K: KeyKind>(t: &MapType, b: *mut u8, i: usize) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe {
        let k = key_slot(b, kslot::<K>(t), i);
        if indirect_key::<K>(t) {
            deref_slot(k)
        } else {
            k
        }
    }
}

/// The elem of slot `i`, following indirection.
///
/// # Safety
/// `b` is a bucket of `t`, `i < 8`, and an indirect slot is filled.
#[inline(always)]
pub unsafe fn elem_at(t: &MapType, b: *mut u8, i: usize) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe {
        let e = elem_slot(t, b, i);
        if t.indirect_elem() { deref_slot(e) } else { e }
    }
}

/// Copies one key or elem slot of `n` bytes; the common sizes become a
/// single move instead of a `memcpy` call.
///
/// # Safety
/// `src` and `dst` are distinct slots of `n` bytes.
#[inline(always)]
pub unsafe fn copy_slot(src: *const u8, dst: *mut u8, n: usize) {
    // SAFETY: forwarded; unaligned accesses cover any slot alignment.
    unsafe {
        match n {
            0 => {}
            4 => (dst as *mut u32).write_unaligned((src as *const u32).read_unaligned()),
            8 => (dst as *mut u64).write_unaligned((src as *const u64).read_unaligned()),
            16 => (dst as *mut u128).write_unaligned((src as *const u128).read_unaligned()),
            _ => ptr::copy_nonoverlapping(src, dst, n),
        }
    }
}

/// Zeroes one key or elem slot of `n` bytes; the common sizes become a
/// single store instead of a `memset` call.
///
/// # Safety
/// `dst` is a slot of `n` writable bytes.
#[inline(always)]
pub unsafe fn clear_slot(dst: *mut u8, n: usize) {
    // SAFETY: forwarded; unaligned stores cover any slot alignment.
    unsafe {
        match n {
            0 => {}
            4 => (dst as *mut u32).write_unaligned(0),
            8 => (dst as *mut u64).write_unaligned(0),
            16 => (dst as *mut u128).write_unaligned(0),
            _ => ptr::write_bytes(dst, 0, n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{PREFETCH_SPAN, prefetch_offsets};

    /// The hints name every line past the first that holds bytes of the
    /// span, for every bucket size and every 8-byte-aligned start in a
    /// line, except where a bucket over 192 bytes crosses four boundaries;
    /// and none lies outside the span.
    #[test]
    fn prefetch_offsets_cover_the_span() {
        for size in (16..=1024).step_by(8) {
            let offs = prefetch_offsets(size);
            let span = size.min(PREFETCH_SPAN);
            assert!(offs.iter().all(|&o| o < span), "size {size}: {offs:?}");
            for start in (0..64).step_by(8) {
                let line = |byte: usize| (start + byte) / 64;
                let hinted: Vec<usize> = offs.iter().map(|&o| line(o)).collect();
                let missed = (1..=line(span - 1)).filter(|l| !hinted.contains(l)).count();
                let allowed = usize::from(size > 192 && line(span - 1) == 4);
                assert_eq!(missed, allowed, "size {size}, start {start}: {offs:?}");
            }
        }
    }
}
