//! Key hashing and equality (Go: `runtime/alg.go`), and the [`KeyKind`]s
//! the engine is monomorphised over.
//!
//! The hash is foldhash's "fast" variant. Measured on this machine (release,
//! 2026): 0.49 ns per `u64` and 1.32 ns per 17-byte string, against 0.53 /
//! 1.43 for rapidhash and 0.84 / 2.15 for ahash, with an even spread of both
//! the low bits (bucket index) and the top byte (tophash) for sequential
//! keys. It is already the project's hasher and is maintained.
//!
//! Each map hashes with `per-process key ^ spread(hash0)` as foldhash's
//! per-hasher seed, so maps differ from each other and from run to run (or
//! not, after [`crate::rand::set_seed`]). Go's float rules sit on top: ±0
//! hash alike, and a NaN hashes to a fresh random value every time.

use std::hash::Hasher;

use foldhash::SharedSeed;
use foldhash::fast::FoldHasher;

use super::maptype::{KeyRepr, Leaf, MapType};
use crate::rand;

/// The seed of a map whose header holds `hash0`.
#[inline(always)]
pub fn map_seed(hash0: u32) -> u64 {
    seed(rand::hash_key(), hash0)
}

/// [`map_seed`] for a map that holds or held an entry (see
/// [`rand::hash_key_of_filled`]).
#[inline(always)]
pub fn filled_map_seed(hash0: u32) -> u64 {
    seed(rand::hash_key_of_filled(), hash0)
}

/// The per-process key mixed with a map's `hash0`.
#[inline(always)]
fn seed(key: u64, hash0: u32) -> u64 {
    key ^ (hash0 as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

#[inline(always)]
fn hasher(seed: u64) -> FoldHasher<'static> {
    FoldHasher::with_seed(seed, SharedSeed::global_fixed())
}

/// Hash of a 64-bit memory key (Go: `memhash64`).
#[inline(always)]
pub fn hash_u64(seed: u64, v: u64) -> usize {
    let mut h = hasher(seed);
    h.write_u64(v);
    h.finish() as usize
}

/// Hash of a 32-bit memory key (Go: `memhash32`).
#[inline(always)]
pub fn hash_u32(seed: u64, v: u32) -> usize {
    let mut h = hasher(seed);
    h.write_u32(v);
    h.finish() as usize
}

/// Hash of a byte string (Go: `memhash` / `strhash`).
#[inline(always)]
pub fn hash_bytes(seed: u64, b: &[u8]) -> usize {
    let mut h = hasher(seed);
    h.write(b);
    h.finish() as usize
}

/// A float's bits for hashing: ±0 alike; `None` for NaN.
#[inline(always)]
fn f64_hash_bits(v: f64) -> Option<u64> {
    if v == 0.0 {
        Some(0)
    } else if v.is_nan() {
        None
    } else {
        Some(v.to_bits())
    }
}

#[inline(always)]
fn f32_hash_bits(v: f32) -> Option<u32> {
    if v == 0.0 {
        Some(0)
    } else if v.is_nan() {
        None
    } else {
        Some(v.to_bits())
    }
}

/// A Go string header as laid out in memory and passed to `_faststr`.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct GoStr {
    pub ptr: *const u8,
    pub len: i64,
}

impl GoStr {
    /// The bytes.
    ///
    /// # Safety
    /// `ptr` points to `len` readable bytes, or `len <= 0`.
    #[inline(always)]
    pub unsafe fn bytes<'a>(self) -> &'a [u8] {
        if self.len <= 0 || self.ptr.is_null() {
            return &[];
        }
        // SAFETY: the caller guarantees `len` readable bytes.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len as usize) }
    }

    /// Reads a header stored at `p`.
    ///
    /// # Safety
    /// `p` points to 16 readable bytes.
    #[inline(always)]
    pub unsafe fn load(p: *const u8) -> GoStr {
        // SAFETY: the caller guarantees a readable 16-byte header.
        unsafe { (p as *const GoStr).read_unaligned() }
    }
}

#[inline(always)]
unsafe fn str_equal(a: GoStr, b: GoStr) -> bool {
    // SAFETY: both headers describe readable strings (ABI invariant 3).
    a.len == b.len && (a.ptr == b.ptr || unsafe { a.bytes() == b.bytes() })
}

#[inline(always)]
unsafe fn read_u64(p: *const u8) -> u64 {
    // SAFETY: the caller guarantees 8 readable bytes.
    unsafe { (p as *const u64).read_unaligned() }
}

#[inline(always)]
unsafe fn read_u32(p: *const u8) -> u32 {
    // SAFETY: the caller guarantees 4 readable bytes.
    unsafe { (p as *const u32).read_unaligned() }
}

#[inline(always)]
unsafe fn mem<'a>(p: *const u8, n: usize) -> &'a [u8] {
    if n == 0 {
        return &[];
    }
    // SAFETY: the caller guarantees `n` readable bytes.
    unsafe { std::slice::from_raw_parts(p, n) }
}

/// Hash of the key at `k`, by the descriptor (Go: `t.Hasher`).
///
/// # Safety
/// `k` points to a whole key of type `t.key()`.
pub unsafe fn hash_key(t: &MapType, k: *const u8, seed: u64) -> usize {
    // SAFETY: (whole body) `k` holds a key laid out as `t.repr` describes.
    unsafe {
        match &t.repr {
            KeyRepr::Mem(8) => hash_u64(seed, read_u64(k)),
            KeyRepr::Mem(4) => hash_u32(seed, read_u32(k)),
            KeyRepr::Mem(n) => hash_bytes(seed, mem(k, *n)),
            KeyRepr::F64 => match f64_hash_bits(f64::from_bits(read_u64(k))) {
                Some(bits) => hash_u64(seed, bits),
                None => hash_u64(seed, rand::rand64()),
            },
            KeyRepr::F32 => match f32_hash_bits(f32::from_bits(read_u32(k))) {
                Some(bits) => hash_u32(seed, bits),
                None => hash_u64(seed, rand::rand64()),
            },
            KeyRepr::Str => hash_bytes(seed, GoStr::load(k).bytes()),
            KeyRepr::Composite(leaves) => {
                let mut h = hasher(seed);
                for &(off, leaf) in leaves.iter() {
                    let p = k.add(off);
                    match leaf {
                        Leaf::Mem(8) => h.write_u64(read_u64(p)),
                        Leaf::Mem(4) => h.write_u32(read_u32(p)),
                        Leaf::Mem(n) => h.write(mem(p, n)),
                        // A NaN anywhere makes the whole hash random.
                        Leaf::F64 => h.write_u64(
                            f64_hash_bits(f64::from_bits(read_u64(p))).unwrap_or_else(rand::rand64),
                        ),
                        Leaf::F32 => match f32_hash_bits(f32::from_bits(read_u32(p))) {
                            Some(bits) => h.write_u32(bits),
                            None => h.write_u64(rand::rand64()),
                        },
                        Leaf::Str => h.write(GoStr::load(p).bytes()),
                    }
                }
                h.finish() as usize
            }
        }
    }
}

/// Key equality by the descriptor (Go: `t.Key.Equal`).
///
/// # Safety
/// `a` and `b` point to whole keys of type `t.key()`.
pub unsafe fn key_equal(t: &MapType, a: *const u8, b: *const u8) -> bool {
    // SAFETY: (whole body) both point at keys laid out as `t.repr` says.
    unsafe {
        match &t.repr {
            KeyRepr::Mem(8) => read_u64(a) == read_u64(b),
            KeyRepr::Mem(4) => read_u32(a) == read_u32(b),
            KeyRepr::Mem(n) => mem(a, *n) == mem(b, *n),
            KeyRepr::F64 => f64::from_bits(read_u64(a)) == f64::from_bits(read_u64(b)),
            KeyRepr::F32 => f32::from_bits(read_u32(a)) == f32::from_bits(read_u32(b)),
            KeyRepr::Str => str_equal(GoStr::load(a), GoStr::load(b)),
            KeyRepr::Composite(leaves) => leaves.iter().all(|&(off, leaf)| {
                let (pa, pb) = (a.add(off), b.add(off));
                match leaf {
                    Leaf::Mem(n) => mem(pa, n) == mem(pb, n),
                    Leaf::F64 => f64::from_bits(read_u64(pa)) == f64::from_bits(read_u64(pb)),
                    Leaf::F32 => f32::from_bits(read_u32(pa)) == f32::from_bits(read_u32(pb)),
                    Leaf::Str => str_equal(GoStr::load(pa), GoStr::load(pb)),
                }
            }),
        }
    }
}

/// How one family of entry points passes, hashes, compares and stores keys.
///
/// # Safety
/// Implementations must agree with [`hash_key`] / [`key_equal`] on the
/// descriptors they are used with, so every entry point sees one map.
pub unsafe trait KeyKind {
    /// The key as the entry point receives it.
    type Arg: Copy;
    /// The key slot size if fixed by the family; else the descriptor's.
    const KEY_SLOT: Option<usize>;
    /// Whether keys of this family may be stored indirectly.
    const MAY_INDIRECT: bool;

    /// # Safety
    /// `key` is a valid key of `t` (for pointer arguments, readable).
    unsafe fn hash(t: &MapType, key: Self::Arg, seed: u64) -> usize;
    /// The stored key at `k` as an argument of this family.
    /// # Safety
    /// `k` points to a stored key of `t`, which outlives the result's use.
    unsafe fn load(k: *const u8) -> Self::Arg;
    /// # Safety
    /// `k` points to a stored key of `t`.
    unsafe fn equal(t: &MapType, key: Self::Arg, k: *const u8) -> bool;
    /// Writes a new key into its storage.
    /// # Safety
    /// `dst` is writable key storage of `t`.
    unsafe fn store(t: &MapType, dst: *mut u8, key: Self::Arg);
    /// Assignment found an equal stored key (Go's `NeedKeyUpdate` step).
    /// # Safety
    /// As for [`KeyKind::store`].
    unsafe fn update(t: &MapType, dst: *mut u8, key: Self::Arg);
}

/// Keys described only by the descriptor, passed by pointer (`mapaccess1`…).
pub struct Slow;

// SAFETY: it *is* the descriptor's hash and equality.
unsafe impl KeyKind for Slow {
    type Arg = *const u8;
    const KEY_SLOT: Option<usize> = None;
    const MAY_INDIRECT: bool = true;

    #[inline(always)]
    unsafe fn hash(t: &MapType, key: *const u8, seed: u64) -> usize {
        // SAFETY: forwarded caller guarantee.
        unsafe { hash_key(t, key, seed) }
    }
    #[inline(always)]
    unsafe fn load(k: *const u8) -> *const u8 {
        k
    }
    #[inline(always)]
    unsafe fn equal(t: &MapType, key: *const u8, k: *const u8) -> bool {
        // SAFETY: forwarded caller guarantee.
        unsafe { key_equal(t, key, k) }
    }
    #[inline(always)]
    unsafe fn store(t: &MapType, dst: *mut u8, key: *const u8) {
        // SAFETY: `key` and `dst` each hold a key of `t.key().size` bytes;
        // a key being assigned never aliases map storage.
        unsafe { std::ptr::copy_nonoverlapping(key, dst, t.key().size) }
    }
    #[inline(always)]
    unsafe fn update(t: &MapType, dst: *mut u8, key: *const u8) {
        if t.need_key_update() {
            // SAFETY: as in `store`; `copy` tolerates a key read from the map.
            unsafe { std::ptr::copy(key, dst, t.key().size) }
        }
    }
}

/// 4-byte memory keys passed by value (`_fast32`).
pub struct Fast32;

// SAFETY: descriptors used with it are `Mem(4)`, hashed by `hash_u32`.
unsafe impl KeyKind for Fast32 {
    type Arg = u32;
    const KEY_SLOT: Option<usize> = Some(4);
    const MAY_INDIRECT: bool = false;

    #[inline(always)]
    unsafe fn hash(_: &MapType, key: u32, seed: u64) -> usize {
        hash_u32(seed, key)
    }
    #[inline(always)]
    unsafe fn load(k: *const u8) -> u32 {
        // SAFETY: a fast32 slot holds 4 bytes.
        unsafe { read_u32(k) }
    }
    #[inline(always)]
    unsafe fn equal(_: &MapType, key: u32, k: *const u8) -> bool {
        // SAFETY: a fast32 slot holds 4 bytes.
        unsafe { read_u32(k) == key }
    }
    #[inline(always)]
    unsafe fn store(_: &MapType, dst: *mut u8, key: u32) {
        // SAFETY: a fast32 slot holds 4 writable bytes.
        unsafe { (dst as *mut u32).write_unaligned(key) }
    }
    #[inline(always)]
    unsafe fn update(_: &MapType, _: *mut u8, _: u32) {}
}

/// 8-byte memory keys passed by value (`_fast64`, `_fast64ptr`).
pub struct Fast64;

// SAFETY: descriptors used with it are `Mem(8)`, hashed by `hash_u64`.
unsafe impl KeyKind for Fast64 {
    type Arg = u64;
    const KEY_SLOT: Option<usize> = Some(8);
    const MAY_INDIRECT: bool = false;

    #[inline(always)]
    unsafe fn hash(_: &MapType, key: u64, seed: u64) -> usize {
        hash_u64(seed, key)
    }
    #[inline(always)]
    unsafe fn load(k: *const u8) -> u64 {
        // SAFETY: a fast64 slot holds 8 bytes.
        unsafe { read_u64(k) }
    }
    #[inline(always)]
    unsafe fn equal(_: &MapType, key: u64, k: *const u8) -> bool {
        // SAFETY: a fast64 slot holds 8 bytes.
        unsafe { read_u64(k) == key }
    }
    #[inline(always)]
    unsafe fn store(_: &MapType, dst: *mut u8, key: u64) {
        // SAFETY: a fast64 slot holds 8 writable bytes.
        unsafe { (dst as *mut u64).write_unaligned(key) }
    }
    #[inline(always)]
    unsafe fn update(_: &MapType, _: *mut u8, _: u64) {}
}

/// String keys passed as two words (`_faststr`).
pub struct FastStr;

// SAFETY: descriptors used with it are `Str`, hashed by `hash_bytes` of the
// contents and compared by contents.
unsafe impl KeyKind for FastStr {
    type Arg = GoStr;
    const KEY_SLOT: Option<usize> = Some(16);
    const MAY_INDIRECT: bool = false;

    #[inline(always)]
    unsafe fn hash(_: &MapType, key: GoStr, seed: u64) -> usize {
        // SAFETY: ABI invariant 3.
        hash_bytes(seed, unsafe { key.bytes() })
    }
    #[inline(always)]
    unsafe fn load(k: *const u8) -> GoStr {
        // SAFETY: a string slot holds a 16-byte header.
        unsafe { GoStr::load(k) }
    }
    #[inline(always)]
    unsafe fn equal(_: &MapType, key: GoStr, k: *const u8) -> bool {
        // SAFETY: a string slot holds a header describing readable bytes.
        unsafe { str_equal(key, GoStr::load(k)) }
    }
    #[inline(always)]
    unsafe fn store(_: &MapType, dst: *mut u8, key: GoStr) {
        // SAFETY: a string slot holds 16 writable bytes.
        unsafe { (dst as *mut GoStr).write_unaligned(key) }
    }
    #[inline(always)]
    unsafe fn update(_: &MapType, dst: *mut u8, key: GoStr) {
        // Same contents; Go keeps the newer data pointer.
        // SAFETY: a string slot holds 16 writable bytes.
        unsafe { (dst as *mut GoStr).write_unaligned(key) }
    }
}
