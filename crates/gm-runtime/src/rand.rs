//! Seeded randomness: per-map `hash0`, the iteration start bucket and
//! offset, NaN hashes, the probabilistic overflow count, and the per-process
//! hash key.
//!
//! Go's runtime draws all of these from `rand()`. Here one process-wide
//! wyrand stream does: its state lives in an atomic, every draw advances it
//! with one `fetch_add`, and fastrand's wyrand step mixes the drawn state.
//! That keeps it lock-free and, after [`set_seed`], reproducible.
//! Without a seed the state and the hash key come from the OS (through std's
//! `RandomState`) on first use.

use std::hash::{BuildHasher, Hasher};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// wyrand's state increment (fastrand's first wyrand constant).
const WY_INC: u64 = 0x2d35_8dcc_aa6c_78a5;

static STATE: AtomicU64 = AtomicU64::new(0);
/// The per-process part of every hash seed; 0 until initialised.
static HASH_KEY: AtomicU64 = AtomicU64::new(0);
static INITIALISED: AtomicBool = AtomicBool::new(false);

/// Makes everything random in the runtime reproducible: hash values, every
/// `hash0`, iteration start points and NaN hashes. `gm run --seed N` calls it
/// before running the program.
///
/// Call it before any map exists: changing the hash key under a live map
/// makes its keys unreachable.
pub fn set_seed(seed: u64) {
    // Derive two independent values so the key is not the stream's start.
    let mut rng = fastrand::Rng::with_seed(seed);
    let state = rng.u64(..);
    let key = rng.u64(..) | 1;
    STATE.store(state, Ordering::Relaxed);
    HASH_KEY.store(key, Ordering::Relaxed);
    INITIALISED.store(true, Ordering::Release);
}

static OS_INIT: Once = Once::new();

#[cold]
fn init_from_os() {
    OS_INIT.call_once(|| {
        if INITIALISED.load(Ordering::Acquire) {
            return; // set_seed got there first
        }
        let os = std::collections::hash_map::RandomState::new();
        let mut h = os.build_hasher();
        h.write_u64(0x676d_2d72_756e_7469);
        let a = h.finish();
        let mut h = os.build_hasher();
        h.write_u64(a);
        STATE.store(a, Ordering::Relaxed);
        HASH_KEY.store(h.finish() | 1, Ordering::Relaxed);
        INITIALISED.store(true, Ordering::Release);
    });
}

#[inline]
fn ensure_init() {
    if !INITIALISED.load(Ordering::Acquire) {
        init_from_os();
    }
}

/// A random 64-bit value (Go: `runtime.rand`).
#[inline]
pub fn rand64() -> u64 {
    ensure_init();
    let s = STATE.fetch_add(WY_INC, Ordering::Relaxed);
    // Seeding fastrand with the pre-increment state makes its next wyrand
    // output exactly the output of this shared stream.
    fastrand::Rng::with_seed(s).u64(..)
}

/// A random 32-bit value (Go: `uint32(rand())`).
#[inline]
pub fn rand32() -> u32 {
    rand64() as u32
}

/// The per-process hash key, for a map that holds or held an entry:
/// inserting it initialised the key, so there is nothing to check (a
/// lookup in a cached map pays for the check, and the call it may make
/// costs saved registers).
#[inline(always)]
pub(crate) fn hash_key_of_filled() -> u64 {
    let k = HASH_KEY.load(Ordering::Relaxed);
    debug_assert_ne!(k, 0, "a map holds an entry before the hash key exists");
    k
}

/// The per-process hash key, mixed into every map's hash seed.
#[inline]
pub(crate) fn hash_key() -> u64 {
    let k = HASH_KEY.load(Ordering::Relaxed);
    if k != 0 {
        return k;
    }
    ensure_init();
    HASH_KEY.load(Ordering::Acquire)
}
