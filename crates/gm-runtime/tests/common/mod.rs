//! Shared harness: map "shapes" (key/elem types driven through the same
//! extern "C" entry points the JIT calls), elem patterns, and how a map is
//! created (heap, hinted, or a JIT-style stack header and bucket).

#![allow(dead_code)]

use std::fmt::Debug;
use std::hash::Hash;
use std::ptr;
use std::sync::OnceLock;

use gm_runtime::abi;
use gm_runtime::testing;
use gm_runtime::{Hiter, Hmap, KeyAlg, KeyPart, KeyType, MapType};

/// Leaks a descriptor, as the JIT does, keeping it reachable from a list
/// so leak checkers (valgrind.sh) see it as kept, not lost.
pub fn leak(t: MapType) -> &'static MapType {
    static KEPT: std::sync::Mutex<Vec<&'static MapType>> = std::sync::Mutex::new(Vec::new());
    let t: &'static MapType = Box::leak(Box::new(t));
    KEPT.lock().unwrap().push(t);
    t
}

/// Writes value `v` as an elem of `size` bytes: `v` in the first 8 bytes,
/// then a pattern derived from it, so torn or stale elems are caught.
pub unsafe fn write_elem(p: *mut u8, size: usize, v: u64) {
    unsafe {
        let head = size.min(8);
        ptr::copy_nonoverlapping(v.to_le_bytes().as_ptr(), p, head);
        for j in 8..size {
            *p.add(j) = (v as u8).wrapping_mul(31).wrapping_add(j as u8);
        }
    }
}

/// Reads an elem written by [`write_elem`], checking the pattern.
pub unsafe fn read_elem(p: *const u8, size: usize) -> u64 {
    unsafe {
        let mut b = [0u8; 8];
        let head = size.min(8);
        ptr::copy_nonoverlapping(p, b.as_mut_ptr(), head);
        let v = u64::from_le_bytes(b);
        for j in 8..size {
            let want = (v as u8).wrapping_mul(31).wrapping_add(j as u8);
            assert_eq!(*p.add(j), want, "elem byte {j} of value {v} corrupted");
        }
        v
    }
}

/// Whether `size` bytes at `p` are all zero.
pub unsafe fn is_zero(p: *const u8, size: usize) -> bool {
    unsafe { (0..size).all(|j| *p.add(j) == 0) }
}

/// A key type plus the entry points the JIT would pick for it.
pub trait Shape {
    type K: Clone + Eq + Hash + Debug;
    const NAME: &'static str;
    /// Elem size in bytes (values are written with [`write_elem`]).
    const ELEM: usize;
    fn map_type() -> &'static MapType;
    /// Key for an integer seed (the strategy draws seeds).
    fn key(seed: u64) -> Self::K;
    /// Returns (elem pointer, ok) via the read entry point (`mapaccess2*`
    /// when `two`, else `mapaccess1*` with ok = elem is non-zero-block).
    unsafe fn access(h: *mut Hmap, k: &Self::K, two: bool) -> (*mut u8, Option<bool>);
    unsafe fn assign(h: *mut Hmap, k: &Self::K) -> *mut u8;
    unsafe fn delete(h: *mut Hmap, k: &Self::K);
    /// The model key of a key stored in the map.
    unsafe fn read_key(p: *const u8) -> Self::K;
}

pub struct U32Fast;
impl Shape for U32Fast {
    type K = u32;
    const NAME: &'static str = "u32/fast32";
    const ELEM: usize = 8;
    fn map_type() -> &'static MapType {
        static T: OnceLock<&'static MapType> = OnceLock::new();
        T.get_or_init(|| leak(MapType::new(KeyType::mem(4, 4), 8, 8).with_pointers(false, false)))
    }
    fn key(seed: u64) -> u32 {
        // Spread seeds over the whole range, keeping 0 and u32::MAX.
        (seed as u32).wrapping_mul(0x9e37_79b9)
    }
    unsafe fn access(h: *mut Hmap, k: &u32, two: bool) -> (*mut u8, Option<bool>) {
        unsafe {
            if two {
                let mut ok = false;
                let e = abi::mapaccess2_fast32(Self::map_type(), h, *k, &mut ok);
                (e, Some(ok))
            } else {
                (abi::mapaccess1_fast32(Self::map_type(), h, *k), None)
            }
        }
    }
    unsafe fn assign(h: *mut Hmap, k: &u32) -> *mut u8 {
        unsafe { abi::mapassign_fast32(Self::map_type(), h, *k) }
    }
    unsafe fn delete(h: *mut Hmap, k: &u32) {
        unsafe { abi::mapdelete_fast32(Self::map_type(), h, *k) }
    }
    unsafe fn read_key(p: *const u8) -> u32 {
        unsafe { (p as *const u32).read_unaligned() }
    }
}

pub struct U64Fast;
impl Shape for U64Fast {
    type K = u64;
    const NAME: &'static str = "u64/fast64";
    const ELEM: usize = 8;
    fn map_type() -> &'static MapType {
        static T: OnceLock<&'static MapType> = OnceLock::new();
        T.get_or_init(|| leak(MapType::new(KeyType::mem(8, 8), 8, 8).with_pointers(false, false)))
    }
    fn key(seed: u64) -> u64 {
        seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
    unsafe fn access(h: *mut Hmap, k: &u64, two: bool) -> (*mut u8, Option<bool>) {
        unsafe {
            if two {
                let mut ok = false;
                let e = abi::mapaccess2_fast64(Self::map_type(), h, *k, &mut ok);
                (e, Some(ok))
            } else {
                (abi::mapaccess1_fast64(Self::map_type(), h, *k), None)
            }
        }
    }
    unsafe fn assign(h: *mut Hmap, k: &u64) -> *mut u8 {
        // Alternate between the plain and the pointer-key assign, which
        // must behave the same.
        unsafe {
            if *k & 1 == 0 {
                abi::mapassign_fast64(Self::map_type(), h, *k)
            } else {
                abi::mapassign_fast64ptr(Self::map_type(), h, *k as usize as *const u8)
            }
        }
    }
    unsafe fn delete(h: *mut Hmap, k: &u64) {
        unsafe { abi::mapdelete_fast64(Self::map_type(), h, *k) }
    }
    unsafe fn read_key(p: *const u8) -> u64 {
        unsafe { (p as *const u64).read_unaligned() }
    }
}

/// Two distinct allocations of every test string, so lookups by a different
/// data pointer with the same contents are exercised. Leaked: the map keeps
/// pointers to string data, as Go's does.
fn strings() -> &'static [(&'static str, &'static str)] {
    static S: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    S.get_or_init(|| {
        (0..4096u64)
            .map(|i| {
                let s = match i % 4 {
                    0 => format!("{i}"),
                    1 => format!("key-{i:06}"),
                    2 => format!("a somewhat longer key that is over 32 bytes {i}"),
                    _ => "x".repeat((i % 40) as usize) + &i.to_string(),
                };
                let a: &'static str = Box::leak(s.clone().into_boxed_str());
                let b: &'static str = Box::leak(s.into_boxed_str());
                (a, b)
            })
            .collect()
    })
}

pub struct StrFast;
impl StrFast {
    fn pick(k: &str) -> &'static str {
        let i: usize = k.split('#').next().unwrap().parse().unwrap();
        let (a, b) = strings()[i];
        // Flip between the two copies in a data-dependent but varied way.
        if (k.len() + i).is_multiple_of(2) {
            a
        } else {
            b
        }
    }
}
impl Shape for StrFast {
    /// "<index>#": the index into `strings()`; the map sees the string.
    type K = String;
    const NAME: &'static str = "string/faststr";
    const ELEM: usize = 8;
    fn map_type() -> &'static MapType {
        static T: OnceLock<&'static MapType> = OnceLock::new();
        T.get_or_init(|| leak(MapType::new(KeyType::string(), 8, 8).with_pointer_words(&[0], &[])))
    }
    fn key(seed: u64) -> String {
        format!("{}#", seed as usize % strings().len())
    }
    unsafe fn access(h: *mut Hmap, k: &String, two: bool) -> (*mut u8, Option<bool>) {
        let s = Self::pick(k);
        unsafe {
            if two {
                let mut ok = false;
                let e = abi::mapaccess2_faststr(
                    Self::map_type(),
                    h,
                    s.as_ptr(),
                    s.len() as i64,
                    &mut ok,
                );
                (e, Some(ok))
            } else {
                (
                    abi::mapaccess1_faststr(Self::map_type(), h, s.as_ptr(), s.len() as i64),
                    None,
                )
            }
        }
    }
    unsafe fn assign(h: *mut Hmap, k: &String) -> *mut u8 {
        let s = Self::pick(k);
        unsafe { abi::mapassign_faststr(Self::map_type(), h, s.as_ptr(), s.len() as i64) }
    }
    unsafe fn delete(h: *mut Hmap, k: &String) {
        let s = Self::pick(k);
        unsafe { abi::mapdelete_faststr(Self::map_type(), h, s.as_ptr(), s.len() as i64) }
    }
    unsafe fn read_key(p: *const u8) -> String {
        unsafe {
            let ptr = (p as *const *const u8).read_unaligned();
            let len = (p.add(8) as *const usize).read_unaligned();
            let s = std::str::from_utf8(std::slice::from_raw_parts(ptr, len)).unwrap();
            let i = strings()
                .iter()
                .position(|(a, _)| *a == s)
                .expect("unknown string key");
            format!("{i}#")
        }
    }
}

/// `struct { a uint32; b uint8; c float32 }`-like but all memory: 12 bytes
/// with 3 padding bytes that must be ignored.
pub struct Padded;
impl Padded {
    fn bytes(k: &(u32, u8, u32), junk: u8) -> [u8; 12] {
        let mut b = [junk; 12];
        b[0..4].copy_from_slice(&k.0.to_le_bytes());
        b[4] = k.1;
        b[8..12].copy_from_slice(&k.2.to_le_bytes());
        b
    }
    fn junk() -> u8 {
        // Different padding on every call.
        static N: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
        N.fetch_add(37, std::sync::atomic::Ordering::Relaxed)
    }
}
impl Shape for Padded {
    type K = (u32, u8, u32);
    const NAME: &'static str = "struct12/padded";
    const ELEM: usize = 8;
    fn map_type() -> &'static MapType {
        static T: OnceLock<&'static MapType> = OnceLock::new();
        T.get_or_init(|| {
            let parts = vec![
                KeyPart {
                    offset: 0,
                    size: 4,
                    alg: KeyAlg::Mem,
                },
                KeyPart {
                    offset: 4,
                    size: 1,
                    alg: KeyAlg::Mem,
                },
                KeyPart {
                    offset: 8,
                    size: 4,
                    alg: KeyAlg::Mem,
                },
            ];
            leak(MapType::new(KeyType::parts(12, 4, parts), 8, 8).with_pointers(false, false))
        })
    }
    fn key(seed: u64) -> (u32, u8, u32) {
        ((seed % 7) as u32, (seed % 3) as u8, (seed / 21) as u32)
    }
    unsafe fn access(h: *mut Hmap, k: &Self::K, two: bool) -> (*mut u8, Option<bool>) {
        let b = Self::bytes(k, Self::junk());
        slow_access(Self::map_type(), h, b.as_ptr(), two)
    }
    unsafe fn assign(h: *mut Hmap, k: &Self::K) -> *mut u8 {
        let b = Self::bytes(k, Self::junk());
        unsafe { abi::mapassign(Self::map_type(), h, b.as_ptr()) }
    }
    unsafe fn delete(h: *mut Hmap, k: &Self::K) {
        let b = Self::bytes(k, Self::junk());
        unsafe { abi::mapdelete(Self::map_type(), h, b.as_ptr()) }
    }
    unsafe fn read_key(p: *const u8) -> Self::K {
        unsafe {
            let b = std::slice::from_raw_parts(p, 12);
            (
                u32::from_le_bytes(b[0..4].try_into().unwrap()),
                b[4],
                u32::from_le_bytes(b[8..12].try_into().unwrap()),
            )
        }
    }
}

fn slow_access(t: &MapType, h: *mut Hmap, key: *const u8, two: bool) -> (*mut u8, Option<bool>) {
    unsafe {
        if two {
            let mut ok = false;
            let e = abi::mapaccess2(t, h, key, &mut ok);
            (e, Some(ok))
        } else {
            (abi::mapaccess1(t, h, key), None)
        }
    }
}

/// A 200-byte memory key, stored indirectly.
pub struct BigKey;
impl BigKey {
    /// The seed in the first 8 bytes, then bytes derived from it.
    fn bytes(k: u64) -> [u8; 200] {
        let mut b = [0u8; 200];
        b[..8].copy_from_slice(&k.to_le_bytes());
        for (j, x) in b.iter_mut().enumerate().skip(8) {
            *x = (k.rotate_left(j as u32 % 64) as u8) ^ (j as u8);
        }
        b
    }
}
impl Shape for BigKey {
    type K = u64;
    const NAME: &'static str = "[200]byte key/indirect";
    const ELEM: usize = 8;
    fn map_type() -> &'static MapType {
        static T: OnceLock<&'static MapType> = OnceLock::new();
        T.get_or_init(|| leak(MapType::new(KeyType::mem(200, 1), 8, 8).with_pointers(false, false)))
    }
    fn key(seed: u64) -> u64 {
        seed
    }
    unsafe fn access(h: *mut Hmap, k: &u64, two: bool) -> (*mut u8, Option<bool>) {
        slow_access(Self::map_type(), h, Self::bytes(*k).as_ptr(), two)
    }
    unsafe fn assign(h: *mut Hmap, k: &u64) -> *mut u8 {
        unsafe { abi::mapassign(Self::map_type(), h, Self::bytes(*k).as_ptr()) }
    }
    unsafe fn delete(h: *mut Hmap, k: &u64) {
        unsafe { abi::mapdelete(Self::map_type(), h, Self::bytes(*k).as_ptr()) }
    }
    unsafe fn read_key(p: *const u8) -> u64 {
        unsafe {
            let b = std::slice::from_raw_parts(p, 200);
            let k = u64::from_le_bytes(b[..8].try_into().unwrap());
            assert_eq!(b, &Self::bytes(k)[..], "big key corrupted");
            k
        }
    }
}

/// u64 keys with a 200-byte elem: elem stored indirectly, so every
/// operation takes the slow entry points.
pub struct BigElem;
impl Shape for BigElem {
    type K = u64;
    const NAME: &'static str = "u64 -> [200]byte/indirect elem";
    const ELEM: usize = 200;
    fn map_type() -> &'static MapType {
        static T: OnceLock<&'static MapType> = OnceLock::new();
        T.get_or_init(|| {
            leak(MapType::new(KeyType::mem(8, 8), 200, 8).with_pointer_words(&[], &[]))
        })
    }
    fn key(seed: u64) -> u64 {
        seed ^ 0x5555
    }
    unsafe fn access(h: *mut Hmap, k: &u64, two: bool) -> (*mut u8, Option<bool>) {
        slow_access(Self::map_type(), h, (k as *const u64).cast(), two)
    }
    unsafe fn assign(h: *mut Hmap, k: &u64) -> *mut u8 {
        unsafe { abi::mapassign(Self::map_type(), h, (k as *const u64).cast()) }
    }
    unsafe fn delete(h: *mut Hmap, k: &u64) {
        unsafe { abi::mapdelete(Self::map_type(), h, (k as *const u64).cast()) }
    }
    unsafe fn read_key(p: *const u8) -> u64 {
        unsafe { (p as *const u64).read_unaligned() }
    }
}

/// u32 keys with a 200-byte elem, through the slow entry points, which
/// take the fast32 family's code for them.
pub struct U32Slow;
impl Shape for U32Slow {
    type K = u32;
    const NAME: &'static str = "u32 -> [200]byte/slow entry points";
    const ELEM: usize = 200;
    fn map_type() -> &'static MapType {
        static T: OnceLock<&'static MapType> = OnceLock::new();
        T.get_or_init(|| {
            leak(MapType::new(KeyType::mem(4, 4), 200, 8).with_pointer_words(&[], &[]))
        })
    }
    fn key(seed: u64) -> u32 {
        seed as u32 ^ 0x0F0F
    }
    unsafe fn access(h: *mut Hmap, k: &u32, two: bool) -> (*mut u8, Option<bool>) {
        slow_access(Self::map_type(), h, (k as *const u32).cast(), two)
    }
    unsafe fn assign(h: *mut Hmap, k: &u32) -> *mut u8 {
        unsafe { abi::mapassign(Self::map_type(), h, (k as *const u32).cast()) }
    }
    unsafe fn delete(h: *mut Hmap, k: &u32) {
        unsafe { abi::mapdelete(Self::map_type(), h, (k as *const u32).cast()) }
    }
    unsafe fn read_key(p: *const u8) -> u32 {
        unsafe { (p as *const u32).read_unaligned() }
    }
}

/// String keys with a 200-byte elem, through the slow entry points, which
/// take the faststr family's code for them.
pub struct StrSlow;
impl StrSlow {
    /// The key's string header, as generated code passes it.
    fn header(k: &str) -> [usize; 2] {
        let s = StrFast::pick(k);
        [s.as_ptr() as usize, s.len()]
    }
}
impl Shape for StrSlow {
    type K = String;
    const NAME: &'static str = "string -> [200]byte/slow entry points";
    const ELEM: usize = 200;
    fn map_type() -> &'static MapType {
        static T: OnceLock<&'static MapType> = OnceLock::new();
        T.get_or_init(|| {
            leak(MapType::new(KeyType::string(), 200, 8).with_pointer_words(&[0], &[]))
        })
    }
    fn key(seed: u64) -> String {
        StrFast::key(seed)
    }
    unsafe fn access(h: *mut Hmap, k: &String, two: bool) -> (*mut u8, Option<bool>) {
        slow_access(Self::map_type(), h, Self::header(k).as_ptr().cast(), two)
    }
    unsafe fn assign(h: *mut Hmap, k: &String) -> *mut u8 {
        unsafe { abi::mapassign(Self::map_type(), h, Self::header(k).as_ptr().cast()) }
    }
    unsafe fn delete(h: *mut Hmap, k: &String) {
        unsafe { abi::mapdelete(Self::map_type(), h, Self::header(k).as_ptr().cast()) }
    }
    unsafe fn read_key(p: *const u8) -> String {
        unsafe { StrFast::read_key(p) }
    }
}

/// The caller's zero block for fat reads (Go's `go:map.zero`).
pub static FAT_ZERO: [u64; 256] = [0; 256];

/// u64 keys with a 2048-byte elem: reads go through `mapaccess*_fat`.
pub struct FatElem;
impl Shape for FatElem {
    type K = u64;
    const NAME: &'static str = "u64 -> [2048]byte/fat";
    const ELEM: usize = 2048;
    fn map_type() -> &'static MapType {
        static T: OnceLock<&'static MapType> = OnceLock::new();
        T.get_or_init(|| {
            leak(MapType::new(KeyType::mem(8, 8), 2048, 8).with_pointers(false, false))
        })
    }
    fn key(seed: u64) -> u64 {
        seed.wrapping_mul(3)
    }
    unsafe fn access(h: *mut Hmap, k: &u64, two: bool) -> (*mut u8, Option<bool>) {
        let zero = FAT_ZERO.as_ptr().cast::<u8>();
        unsafe {
            let key = (k as *const u64).cast();
            if two {
                let mut ok = false;
                let e = abi::mapaccess2_fat(Self::map_type(), h, key, zero, &mut ok);
                assert_eq!(
                    e.cast_const() == zero,
                    !ok,
                    "fat miss must return the caller's zero"
                );
                (e, Some(ok))
            } else {
                let e = abi::mapaccess1_fat(Self::map_type(), h, key, zero);
                (e, Some(e.cast_const() != zero))
            }
        }
    }
    unsafe fn assign(h: *mut Hmap, k: &u64) -> *mut u8 {
        unsafe { abi::mapassign(Self::map_type(), h, (k as *const u64).cast()) }
    }
    unsafe fn delete(h: *mut Hmap, k: &u64) {
        unsafe { abi::mapdelete(Self::map_type(), h, (k as *const u64).cast()) }
    }
    unsafe fn read_key(p: *const u8) -> u64 {
        unsafe { (p as *const u64).read_unaligned() }
    }
}

/// How a test map comes to life.
#[derive(Clone, Copy, Debug)]
pub enum Birth {
    /// `makemap_small()`.
    Small,
    /// `makemap(t, hint, nil)`.
    Hinted(i64),
    /// A non-escaping `make` with a constant hint <= 8: zeroed stack header,
    /// zeroed stack bucket, `hash0 = rand32()`, no makemap call.
    Stack,
    /// A non-escaping `make` with a variable hint: stack header, a stack
    /// bucket when hint <= 8, then `makemap(t, hint, &header)`.
    StackHinted(i64),
}

/// Stack storage for a JIT-style map: header plus one bucket.
#[repr(C, align(8))]
pub struct StackMap {
    pub header: Hmap,
    pub bucket: [u64; 64],
}

impl StackMap {
    pub fn new() -> StackMap {
        StackMap {
            header: Hmap::zeroed(),
            bucket: [0; 64],
        }
    }
}

/// Creates a map; returns it and whether its header is heap-allocated.
pub unsafe fn make(t: &MapType, birth: Birth, stack: &mut StackMap) -> (*mut Hmap, bool) {
    assert!(
        t.bucket_size() <= size_of_val(&stack.bucket),
        "stack bucket too small"
    );
    unsafe {
        match birth {
            Birth::Small => (abi::makemap_small(), true),
            Birth::Hinted(hint) => (abi::makemap(t, hint, ptr::null_mut()), true),
            Birth::Stack => {
                stack.header.buckets = stack.bucket.as_mut_ptr().cast();
                stack.header.hash0 = abi::rand32();
                (&mut stack.header, false)
            }
            Birth::StackHinted(hint) => {
                if hint <= 8 {
                    stack.header.buckets = stack.bucket.as_mut_ptr().cast();
                }
                (abi::makemap(t, hint, &mut stack.header), false)
            }
        }
    }
}

/// `len(m)` as the JIT inlines it.
pub unsafe fn len(h: *const Hmap) -> i64 {
    if h.is_null() {
        0
    } else {
        unsafe { *(h as *const i64) }
    }
}

/// Panics with a dump if an invariant is broken.
pub unsafe fn check(t: &MapType, h: *const Hmap, what: &dyn Debug) {
    unsafe {
        if let Err(e) = testing::check_invariants(t, h) {
            panic!(
                "invariant broken after {what:?}: {e}\n{}",
                testing::dump(t, h)
            );
        }
    }
}

/// A fresh zeroed iterator on the collected heap (as the JIT's lives on a
/// scanned stack): what it points at, such as an old bucket array, stays
/// alive while the test holds it.
pub fn new_iter() -> Iter {
    Iter(gm_runtime::alloc::alloc(size_of::<Hiter>(), true).cast())
}

/// An iterator held by the test's (scanned) stack.
pub struct Iter(*mut Hiter);

impl std::ops::Deref for Iter {
    type Target = Hiter;
    fn deref(&self) -> &Hiter {
        // SAFETY: a live, zero-initialised iterator (zero is a valid Hiter).
        unsafe { &*self.0 }
    }
}

impl std::ops::DerefMut for Iter {
    fn deref_mut(&mut self) -> &mut Hiter {
        // SAFETY: as above; the test uses it from one thread.
        unsafe { &mut *self.0 }
    }
}
