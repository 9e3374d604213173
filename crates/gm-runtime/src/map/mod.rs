//! Go 1.23's classic bucket hash map (`runtime/map.go`, `map_fast32.go`,
//! `map_fast64.go`, `map_faststr.go`), written for gm.
//!
//! One generic engine serves every entry point. It is monomorphised over a
//! [`alg::KeyKind`] (`u32`, `u64`, string, or any key described by the
//! descriptor), so fast keys get constant slot sizes and inline hashing and
//! comparison, while the observable behaviour (results, counts, growth
//! points, iteration order and rules) is the slow path's.
//!
//! Files follow Go's structure: [`hmap`] (header, buckets, creation,
//! overflow), [`access`], [`assign`], [`delete`], [`grow`] (growth and
//! evacuation), [`iter`], [`clear`]; [`alg`] hashes and compares keys.

pub mod access;
pub mod alg;
pub mod assign;
pub mod clear;
pub mod delete;
pub mod grow;
pub mod hmap;
pub mod iter;
pub mod maptype;

pub use hmap::{
    HITER_SIZE, HMAP_BUCKETS_OFFSET, HMAP_COUNT_OFFSET, HMAP_HASH0_OFFSET, HMAP_SIZE, Hiter, Hmap,
    MapExtra,
};
pub use maptype::{KeyAlg, KeyPart, KeyType, MapType};

/// Go's map constants, shared with the compiler.
pub use gm_abi::map::{
    BUCKET_CNT, BUCKET_CNT_BITS, DATA_OFFSET, HITER_ELEM, HITER_KEY, MAX_ELEM_SIZE, MAX_KEY_SIZE,
    ZERO_VAL_SIZE,
};

/// The load factor 6.5 as a fraction (Go: `loadFactorNum/loadFactorDen`).
pub const LOAD_FACTOR_NUM: usize = 13;
pub const LOAD_FACTOR_DEN: usize = 2;

/// tophash: empty, and so is every later slot of this bucket and its chain.
pub const EMPTY_REST: u8 = 0;
/// tophash: empty slot.
pub const EMPTY_ONE: u8 = 1;
/// tophash: evacuated to the lower half (same index).
pub const EVACUATED_X: u8 = 2;
/// tophash: evacuated to the upper half (index + old bucket count).
pub const EVACUATED_Y: u8 = 3;
/// tophash: empty slot in an evacuated bucket.
pub const EVACUATED_EMPTY: u8 = 4;
/// Smallest tophash of a live slot.
pub const MIN_TOP_HASH: u8 = 5;

/// hmap flag: an iterator may be using `buckets`.
pub const ITERATOR: u8 = 1;
/// hmap flag: an iterator may be using `oldbuckets`.
pub const OLD_ITERATOR: u8 = 2;
/// hmap flag: a write is in progress (Go's concurrency detector).
pub const HASH_WRITING: u8 = 4;
/// hmap flag: the current growth keeps B.
pub const SAME_SIZE_GROW: u8 = 8;

/// Iterator sentinel: no bucket filtering (Go: `noCheck`).
pub const NO_CHECK: usize = usize::MAX;

/// The shared zero value returned by misses (Go: `zeroVal`).
#[repr(C, align(8))]
pub(crate) struct ZeroVal(pub [u8; ZERO_VAL_SIZE]);
pub(crate) static ZERO_VAL: ZeroVal = ZeroVal([0; ZERO_VAL_SIZE]);

/// The address of the shared zero block; generated code only reads it.
#[inline(always)]
pub fn zero_val() -> *mut u8 {
    ZERO_VAL.0.as_ptr() as *mut u8
}

/// Go: `runtime.isEmpty`.
#[inline(always)]
pub fn is_empty(top: u8) -> bool {
    top <= EMPTY_ONE
}

/// Go: `runtime.bucketShift`.
#[inline(always)]
pub fn bucket_shift(b: u8) -> usize {
    1usize << (b as u32 & (usize::BITS - 1))
}

/// Go: `runtime.bucketMask`.
#[inline(always)]
pub fn bucket_mask(b: u8) -> usize {
    bucket_shift(b) - 1
}

/// The top byte of a hash, moved out of the marker range (Go:
/// `runtime.tophash`).
#[inline(always)]
pub fn tophash(hash: usize) -> u8 {
    let top = (hash >> (usize::BITS - 8)) as u8;
    if top < MIN_TOP_HASH {
        top + MIN_TOP_HASH
    } else {
        top
    }
}

/// Whether `count` entries in 2^B buckets exceed the load factor (Go:
/// `runtime.overLoadFactor`).
#[inline]
pub fn over_load_factor(count: i64, b: u8) -> bool {
    // Wrapping like Go's uintptr arithmetic; B never gets near overflow.
    count > BUCKET_CNT as i64
        && (count as u64) > LOAD_FACTOR_NUM.wrapping_mul(bucket_shift(b) / LOAD_FACTOR_DEN) as u64
}

/// Whether there are about as many overflow buckets as buckets (Go:
/// `runtime.tooManyOverflowBuckets`).
#[inline]
pub fn too_many_overflow_buckets(noverflow: u16, b: u8) -> bool {
    let b = b.min(15);
    noverflow >= 1u16 << (b & 15)
}
