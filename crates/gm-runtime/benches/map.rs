//! Map benchmarks: gm's runtime, called through the same extern "C" entry
//! points the JIT uses, beside `std::collections::HashMap` on the same keys
//! in the same run, with the hasher gm's maps use (foldhash's fast one), so
//! the two differ only in their tables.
//!
//! Names: `<workload>/key=<u64|string>/<gm|std>/len=<entries>`; workloads:
//! `insert` (from empty, growth included), `lookup_hit`, `lookup_miss`,
//! `delete` (every key), `delete_churn` (delete one, insert one), `iterate`;
//! and `probe_floor`, `probe_floor_hit`: the memory costs a miss and a hit
//! cannot go below.
//! Run: `cargo bench -p gm-runtime --bench map` (add a filter such as
//! `lookup_hit` to run a subset).

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::hint::black_box;
use std::sync::OnceLock;

use divan::counter::ItemsCount;
use divan::{Bencher, Divan};
use foldhash::fast::RandomState;
use gm_abi::map::{BUCKET_CNT, DATA_OFFSET};
use gm_runtime::alloc::Root;
use gm_runtime::{Hiter, Hmap, KeyType, MapType, abi};

fn main() {
    Divan::from_args()
        .max_time(std::time::Duration::from_secs(2))
        .run_benches();
}

#[derive(Clone, Copy, Debug)]
struct Len(usize);

impl fmt::Display for Len {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "len={}", self.0)
    }
}

const LENS: [Len; 3] = [Len(1_000), Len(100_000), Len(1_000_000)];
/// Operations per timed batch for lookups and churn.
const BATCH: usize = 1000;

fn u64_type() -> &'static MapType {
    static T: OnceLock<&'static MapType> = OnceLock::new();
    T.get_or_init(|| {
        Box::leak(Box::new(
            MapType::new(KeyType::mem(8, 8), 8, 8).with_pointers(false, false),
        ))
    })
}

fn str_type() -> &'static MapType {
    static T: OnceLock<&'static MapType> = OnceLock::new();
    T.get_or_init(|| {
        Box::leak(Box::new(
            MapType::new(KeyType::string(), 8, 8).with_pointers(true, false),
        ))
    })
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// 2 * 1e6 distinct random u64 keys (the second half never inserted
/// up front: misses and churn replacements).
fn u64_keys() -> &'static [u64] {
    static K: OnceLock<Vec<u64>> = OnceLock::new();
    K.get_or_init(|| (0..2_000_000).map(<u64 as Key>::nth).collect())
}

/// 2 * 1e6 distinct strings of 10-20 bytes.
fn str_keys() -> &'static [&'static str] {
    static K: OnceLock<Vec<&'static str>> = OnceLock::new();
    K.get_or_init(|| {
        (0..2_000_000u64)
            .map(|i| &*Box::leak(format!("key:{:x}", splitmix(i) >> (i % 24)).into_boxed_str()))
            .collect()
    })
}

/// A lookup order over `0..n`: a fixed pseudo-random permutation, so
/// batches walk the whole map rather than a warm corner.
fn order(n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (splitmix(i as u64) % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    v
}

/// The BATCH entries of `ord` from position `p` on, wrapping round (no
/// division in the timed loop).
fn batch(ord: &[usize], p: usize) -> impl Iterator<Item = usize> + '_ {
    ord[p..].iter().chain(ord).take(BATCH).copied()
}

/// A gm map held by a benchmark's inputs, which live in memory the
/// collector does not scan: the root keeps the map alive.
struct GmMap(Root);

impl GmMap {
    fn h(&self) -> *mut Hmap {
        self.0.get().cast()
    }
}

/// The operations each benchmark needs, for both implementations.
trait Key: Copy + 'static {
    fn keys() -> &'static [Self];
    /// `keys()[i]`, for the timed loops that take keys in a random order:
    /// computed where it can be, since loading it from a random place in
    /// the 16 MB key array would add a cache miss of the harness's own to
    /// each operation on a big map.
    fn nth(i: usize) -> Self;
    fn gm_type() -> &'static MapType;
    unsafe fn gm_assign(h: *mut Hmap, k: Self) -> *mut u8;
    unsafe fn gm_get(h: *mut Hmap, k: Self) -> (*mut u8, bool);
    unsafe fn gm_delete(h: *mut Hmap, k: Self);
}

impl Key for u64 {
    fn keys() -> &'static [u64] {
        u64_keys()
    }
    fn nth(i: usize) -> u64 {
        splitmix(i as u64)
    }
    fn gm_type() -> &'static MapType {
        u64_type()
    }
    unsafe fn gm_assign(h: *mut Hmap, k: u64) -> *mut u8 {
        unsafe { abi::mapassign_fast64(u64_type(), h, k) }
    }
    unsafe fn gm_get(h: *mut Hmap, k: u64) -> (*mut u8, bool) {
        let mut ok = false;
        let e = unsafe { abi::mapaccess2_fast64(u64_type(), h, k, &mut ok) };
        (e, ok)
    }
    unsafe fn gm_delete(h: *mut Hmap, k: u64) {
        unsafe { abi::mapdelete_fast64(u64_type(), h, k) }
    }
}

impl Key for &'static str {
    fn keys() -> &'static [&'static str] {
        str_keys()
    }
    fn nth(i: usize) -> &'static str {
        str_keys()[i]
    }
    fn gm_type() -> &'static MapType {
        str_type()
    }
    unsafe fn gm_assign(h: *mut Hmap, k: &'static str) -> *mut u8 {
        unsafe { abi::mapassign_faststr(str_type(), h, k.as_ptr(), k.len() as i64) }
    }
    unsafe fn gm_get(h: *mut Hmap, k: &'static str) -> (*mut u8, bool) {
        let mut ok = false;
        let e =
            unsafe { abi::mapaccess2_faststr(str_type(), h, k.as_ptr(), k.len() as i64, &mut ok) };
        (e, ok)
    }
    unsafe fn gm_delete(h: *mut Hmap, k: &'static str) {
        unsafe { abi::mapdelete_faststr(str_type(), h, k.as_ptr(), k.len() as i64) }
    }
}

fn gm_build<K: Key>(n: usize) -> GmMap {
    let h = abi::makemap_small();
    for (i, &k) in K::keys()[..n].iter().enumerate() {
        // SAFETY: a live map; the elem is written at once.
        unsafe { *(K::gm_assign(h, k) as *mut u64) = i as u64 };
    }
    GmMap(Root::new(h.cast()))
}

/// `std`'s map with gm's hasher.
type StdMap<K> = HashMap<K, u64, RandomState>;

fn std_build<K: Key + std::hash::Hash + Eq>(n: usize) -> StdMap<K> {
    let mut m = StdMap::default();
    for (i, &k) in K::keys()[..n].iter().enumerate() {
        m.insert(k, i as u64);
    }
    m
}

fn gm_insert<K: Key>(b: Bencher, len: Len) {
    b.counter(ItemsCount::new(len.0))
        .bench_local(|| gm_build::<K>(len.0));
}

fn std_insert<K: Key + std::hash::Hash + Eq>(b: Bencher, len: Len) {
    b.counter(ItemsCount::new(len.0))
        .bench_local(|| std_build::<K>(len.0));
}

/// Looks up BATCH keys per iteration, walking `order` over `0..n` shifted
/// by `offset` (0 for hits, n for misses).
fn gm_lookup<K: Key>(b: Bencher, len: Len, offset: usize) {
    let m = gm_build::<K>(len.0);
    let ord = order(len.0);
    let pos = Cell::new(0usize);
    b.counter(ItemsCount::new(BATCH)).bench_local(|| {
        let mut found = 0u64;
        let p = pos.get();
        for i in batch(&ord, p) {
            let k = K::nth(i + offset);
            // SAFETY: a live map.
            let (e, ok) = unsafe { K::gm_get(m.h(), k) };
            // SAFETY: the elem pointer is valid until the next map call.
            found += ok as u64 + unsafe { *(e as *const u64) };
        }
        pos.set((p + BATCH) % ord.len());
        black_box(found)
    });
}

fn std_lookup<K: Key + std::hash::Hash + Eq>(b: Bencher, len: Len, offset: usize) {
    let m = std_build::<K>(len.0);
    let ord = order(len.0);
    let pos = Cell::new(0usize);
    b.counter(ItemsCount::new(BATCH)).bench_local(|| {
        let mut found = 0u64;
        let p = pos.get();
        for i in batch(&ord, p) {
            let k = K::nth(i + offset);
            if let Some(v) = m.get(&k) {
                found += 1 + v;
            }
        }
        pos.set((p + BATCH) % ord.len());
        black_box(found)
    });
}

/// BATCH times: delete the oldest key, insert a new one (a sliding window
/// over 2n keys, so the size stays n).
fn gm_churn<K: Key>(b: Bencher, len: Len) {
    let n = len.0;
    let m = gm_build::<K>(n);
    let keys = &K::keys()[..2 * n];
    let lo = Cell::new(0usize);
    b.counter(ItemsCount::new(BATCH)).bench_local(|| {
        let mut l = lo.get();
        for _ in 0..BATCH {
            // SAFETY: a live map; the elem is written at once.
            unsafe {
                K::gm_delete(m.h(), keys[l]);
                *(K::gm_assign(m.h(), keys[(l + n) % keys.len()]) as *mut u64) = l as u64;
            }
            l = (l + 1) % keys.len();
        }
        lo.set(l);
    });
}

fn std_churn<K: Key + std::hash::Hash + Eq>(b: Bencher, len: Len) {
    let n = len.0;
    let mut m = std_build::<K>(n);
    let keys = &K::keys()[..2 * n];
    let mut l = 0usize;
    b.counter(ItemsCount::new(BATCH)).bench_local(|| {
        for _ in 0..BATCH {
            m.remove(&keys[l]);
            m.insert(keys[(l + n) % keys.len()], l as u64);
            l = (l + 1) % keys.len();
        }
    });
}

/// Deletes every key of an `n`-entry map, in a pseudo-random order (the
/// map is built outside the timing).
fn gm_delete_all<K: Key>(b: Bencher, len: Len) {
    let ord = order(len.0);
    b.counter(ItemsCount::new(len.0))
        .with_inputs(|| gm_build::<K>(len.0))
        .bench_local_values(|m| {
            for &i in &ord {
                // SAFETY: a live map.
                unsafe { K::gm_delete(m.h(), K::nth(i)) };
            }
            m
        });
}

fn std_delete_all<K: Key + std::hash::Hash + Eq>(b: Bencher, len: Len) {
    let ord = order(len.0);
    b.counter(ItemsCount::new(len.0))
        .with_inputs(|| std_build::<K>(len.0))
        .bench_local_values(|mut m| {
            for &i in &ord {
                m.remove(&K::nth(i));
            }
            m
        });
}

fn gm_iterate<K: Key>(b: Bencher, len: Len) {
    let m = gm_build::<K>(len.0);
    b.counter(ItemsCount::new(len.0)).bench_local(|| {
        let mut it = Hiter::zeroed();
        let mut sum = 0u64;
        // SAFETY: a live map and a zeroed iterator.
        unsafe {
            abi::mapiterinit(K::gm_type(), m.h(), &mut it);
            while !it.key.is_null() {
                sum = sum.wrapping_add(*(it.elem as *const u64));
                abi::mapiternext(&mut it);
            }
        }
        black_box(sum)
    });
}

fn std_iterate<K: Key + std::hash::Hash + Eq>(b: Bencher, len: Len) {
    let m = std_build::<K>(len.0);
    b.counter(ItemsCount::new(len.0)).bench_local(|| {
        let mut sum = 0u64;
        for v in m.values() {
            sum = sum.wrapping_add(*v);
        }
        black_box(sum)
    });
}

macro_rules! workload {
    ($group:ident, $gm:ident, $std:ident $(, $extra:expr)?) => {
        mod $group {
            use super::*;

            #[divan::bench_group(name = "key=u64")]
            mod key_u64 {
                use super::*;
                #[divan::bench(args = LENS)]
                fn gm(b: Bencher, len: Len) {
                    $gm::<u64>(b, len $(, $extra(len))?)
                }
                #[divan::bench(args = LENS)]
                fn std(b: Bencher, len: Len) {
                    $std::<u64>(b, len $(, $extra(len))?)
                }
            }

            #[divan::bench_group(name = "key=string")]
            mod key_string {
                use super::*;
                #[divan::bench(args = LENS)]
                fn gm(b: Bencher, len: Len) {
                    $gm::<&'static str>(b, len $(, $extra(len))?)
                }
                #[divan::bench(args = LENS)]
                fn std(b: Bencher, len: Len) {
                    $std::<&'static str>(b, len $(, $extra(len))?)
                }
            }
        }
    };
}

workload!(insert, gm_insert, std_insert);
workload!(lookup_hit, gm_lookup, std_lookup, |_: Len| 0);
workload!(lookup_miss, gm_lookup, std_lookup, |l: Len| l.0);
workload!(delete, gm_delete_all, std_delete_all);
workload!(delete_churn, gm_churn, std_churn);
workload!(iterate, gm_iterate, std_iterate);

/// The floors under a lookup's memory cost, per key in the lookups' loop,
/// read from the `len`-entry u64 map's own bucket array (its pages, huge
/// ones included) with no work between the reads. `probe_floor`: the
/// tophash word of a random bucket, all a miss in a map too big for the
/// caches must read. `probe_floor_hit`: that word and the key and elem of
/// a slot below the map's average fill, the words a hit reads: what Go's
/// bucket layout costs a hit before any code runs (a slot's key and elem
/// lie 64 bytes apart, so always in different cache lines).
#[divan::bench(args = LENS)]
fn probe_floor(b: Bencher, len: Len) {
    floor(b, len, false);
}

#[divan::bench(args = LENS)]
fn probe_floor_hit(b: Bencher, len: Len) {
    floor(b, len, true);
}

fn floor(b: Bencher, len: Len, hit: bool) {
    let m = gm_build::<u64>(len.0);
    let t = u64_type();
    // SAFETY: a live map: its header holds its bucket array.
    let (base, buckets) = unsafe {
        let h = &*m.h();
        (h.buckets as *const u8, 1u64 << h.b)
    };
    let fill = (len.0 as u64).div_ceil(buckets).min(BUCKET_CNT as u64);
    let (size, elems) = (t.bucket_size(), t.elems_offset());
    let (key_slot, elem_slot) = (t.key_slot_size(), t.elem_slot_size());
    let ord = order(len.0);
    let pos = Cell::new(0usize);
    b.counter(ItemsCount::new(BATCH)).bench_local(|| {
        let mut sum = 0u64;
        let p = pos.get();
        for i in batch(&ord, p) {
            let r = u64::nth(i);
            // A random bucket from the high bits and a random slot below
            // the fill from the low ones, without a division.
            let bucket = ((r as u128 * buckets as u128) >> 64) as usize;
            let slot = ((r as u32 as u64 * fill) >> 32) as usize;
            // SAFETY: `bucket` < `buckets` and `slot` < BUCKET_CNT: the
            // words read lie inside the live bucket array.
            unsafe {
                let b = base.add(bucket * size);
                sum = sum.wrapping_add((b as *const u64).read());
                if hit {
                    let key = b.add(DATA_OFFSET + key_slot * slot) as *const u64;
                    let elem = b.add(elems + elem_slot * slot) as *const u64;
                    sum = sum.wrapping_add(key.read() ^ elem.read());
                }
            }
        }
        pos.set((p + BATCH) % ord.len());
        black_box(sum)
    });
}
