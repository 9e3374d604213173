//! The `extern "C"` entry points generated code calls, and [`SYMBOLS`],
//! their addresses indexed by gm-abi's [`RtFn`], which the JIT registers
//! as `runtime.<goname>` (signatures come from gm-abi, not from here).
//!
//! Adding an entry point: write the `extern "C"` function (anywhere), add
//! its entry to gm-abi's table, then one line `name: fn(ParamTypes…) -> Ret;`
//! at the same place in the `runtime_symbols!` list at the end of this file.
//! The line is checked at compile time against the function's real type
//! and against gm-abi's signature, whose [`AbiType`]s it derives from the
//! Rust types (`bool`/`u8`/`i8` → `I8`, … , pointers → `Ptr`). A function
//! that never returns is written `-> !`.

use crate::lang::panics::*;
use crate::lang::slice::{growslice, makeslice};
use crate::lang::strings::*;
use crate::lang::{GoSlice, GoString};
use crate::map::access::{mapaccess1 as access1, mapaccess2 as access2};
use crate::map::alg::{Fast32, Fast64, FastStr, GoStr, KeyKind, Slow};
use crate::map::assign::mapassign as assign;
use crate::map::delete::mapdelete as delete;
use crate::map::maptype::KeyRepr;
use crate::map::{Hiter, Hmap, MapType, clear, hmap, iter, zero_val};
use crate::trace::{trace_done, trace_make, trace_op};
use crate::{alloc, panic, print, rand};

/// Runs generic map operation `$op` for a key the slow entry points pass by
/// pointer with the code of the fast family its layout belongs to (4- and
/// 8-byte memory, strings: the same hash, equality and storage as the slow
/// code, see `KeyRepr::Mem`), so the key sits in a register and is compared
/// inline. Needs an `unsafe` context: `key` points to a key of `t`.
macro_rules! by_pointer {
    ($op:ident($t:expr, $h:expr, $key:expr)) => {{
        let (t, h, key): (&MapType, *mut Hmap, *const u8) = ($t, $h, $key);
        match t.repr {
            KeyRepr::Mem(4) => $op::<Fast32>(t, h, Fast32::load(key)),
            KeyRepr::Mem(8) => $op::<Fast64>(t, h, Fast64::load(key)),
            KeyRepr::Str => $op::<FastStr>(t, h, FastStr::load(key)),
            _ => $op::<Slow>(t, h, key),
        }
    }};
}

pub use gm_abi::{AbiType, RtFn};

/// One runtime entry point and its address.
#[derive(Clone, Copy, Debug)]
pub struct Symbol {
    pub entry: RtFn,
    /// The function's address.
    pub addr: *const u8,
}

// SAFETY: `addr` is the address of immutable code; sharing it is harmless.
unsafe impl Sync for Symbol {}
// SAFETY: as above.
unsafe impl Send for Symbol {}

impl Symbol {
    /// `runtime.<goname>`.
    pub fn name(&self) -> &'static str {
        self.entry.symbol()
    }
}

/// Rust types that cross the ABI as one machine value.
pub trait AbiValue {
    const TYPE: AbiType;
}

macro_rules! abi_values {
    ($($t:ty => $a:ident),* $(,)?) => {
        $(impl AbiValue for $t { const TYPE: AbiType = AbiType::$a; })*
    };
}
abi_values! {
    bool => I8, u8 => I8, i8 => I8, u16 => I16, i16 => I16, u32 => I32, i32 => I32,
    u64 => I64, i64 => I64, usize => I64, isize => I64, f32 => F32, f64 => F64,
}
impl<T> AbiValue for *const T {
    const TYPE: AbiType = AbiType::Ptr;
}
impl<T> AbiValue for *mut T {
    const TYPE: AbiType = AbiType::Ptr;
}

/// A function result: nothing, or one [`AbiValue`].
pub trait AbiRet {
    const RETURNS: &'static [AbiType];
}
impl AbiRet for () {
    const RETURNS: &'static [AbiType] = &[];
}
impl<T: AbiValue> AbiRet for T {
    const RETURNS: &'static [AbiType] = &[T::TYPE];
}

/// The ABI signature of an `unsafe extern "C" fn` pointer type.
pub trait AbiSig {
    const PARAMS: &'static [AbiType];
    const RETURNS: &'static [AbiType];
    const DIVERGES: bool;
}

macro_rules! abi_sigs {
    ($($a:ident),*) => {
        impl<R: AbiRet, $($a: AbiValue),*> AbiSig for unsafe extern "C" fn($($a),*) -> R {
            const PARAMS: &'static [AbiType] = &[$($a::TYPE),*];
            const RETURNS: &'static [AbiType] = R::RETURNS;
            const DIVERGES: bool = false;
        }
        impl<$($a: AbiValue),*> AbiSig for unsafe extern "C" fn($($a),*) -> ! {
            const PARAMS: &'static [AbiType] = &[$($a::TYPE),*];
            const RETURNS: &'static [AbiType] = &[];
            const DIVERGES: bool = true;
        }
    };
}
abi_sigs!();
abi_sigs!(A);
abi_sigs!(A, B);
abi_sigs!(A, B, C);
abi_sigs!(A, B, C, D);
abi_sigs!(A, B, C, D, E);
abi_sigs!(A, B, C, D, E, F);
abi_sigs!(A, B, C, D, E, F, G);
abi_sigs!(A, B, C, D, E, F, G, H);

macro_rules! runtime_symbols {
    ($($name:ident : fn($($p:ty),* $(,)?) $(-> $r:ty)?;)*) => {
        /// Every entry point, indexed by [`RtFn`]: `SYMBOLS[f as usize].entry == f`.
        pub static SYMBOLS: [Symbol; RtFn::ALL.len()] = [$({
            type Sig = unsafe extern "C" fn($($p),*) $(-> $r)?;
            // Fails to compile if the line disagrees with the function ...
            const F: Sig = $name;
            // ... or with gm-abi's entry of the same name.
            const _: () = assert!(
                AbiType::same(<Sig as AbiSig>::PARAMS, RtFn::$name.params())
                    && AbiType::same(<Sig as AbiSig>::RETURNS, RtFn::$name.returns())
                    && <Sig as AbiSig>::DIVERGES == RtFn::$name.diverges(),
                concat!("runtime.", stringify!($name), " differs from its gm-abi entry")
            );
            Symbol { entry: RtFn::$name, addr: F as *const u8 }
        }),*];

        // The lines come in gm-abi's order (the array length already
        // requires one line per entry).
        const _: () = {
            let order = [$(RtFn::$name),*];
            let mut i = 0;
            while i < order.len() {
                assert!(order[i] as usize == i, "runtime_symbols! is out of gm-abi's order");
                i += 1;
            }
        };
    };
}

/// The address of an entry point.
pub fn address(f: RtFn) -> *const u8 {
    SYMBOLS[f as usize].addr
}

/// Looks an entry point up by its full name (`runtime.mapassign`).
pub fn symbol(name: &str) -> Option<&'static Symbol> {
    SYMBOLS.iter().find(|s| s.name() == name)
}

// ---- maps -----------------------------------------------------------------
//
// Safety, for every map entry point: the crate-level ABI invariants hold
// (valid descriptor, valid or null header, readable keys, zeroed iterator).

/// Go: `runtime.makemap_small`.
pub extern "C" fn makemap_small() -> *mut Hmap {
    hmap::makemap_small()
}

/// Go: `runtime.makemap`.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn makemap(t: *const MapType, hint: i64, h: *mut Hmap) -> *mut Hmap {
    // SAFETY: forwarded ABI invariants.
    unsafe { hmap::makemap(&*t, hint, h) }
}

/// Go: `runtime.makemap64` (a 64-bit hint always fits `int` here).
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn makemap64(t: *const MapType, hint: i64, h: *mut Hmap) -> *mut Hmap {
    // SAFETY: forwarded ABI invariants.
    unsafe { hmap::makemap(&*t, hint, h) }
}

/// Go: `runtime.mapaccess1`.
///
/// # Safety
/// ABI invariants 1–3.
pub unsafe extern "C" fn mapaccess1(t: *const MapType, h: *mut Hmap, key: *const u8) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe { by_pointer!(access1(&*t, h, key)) }
}

/// Go: `runtime.mapaccess2`.
///
/// # Safety
/// ABI invariants 1–3; `ok` is writable.
pub unsafe extern "C" fn mapaccess2(
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
    ok: *mut bool,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe {
        let (e, found) = by_pointer!(access2(&*t, h, key));
        *ok = found;
        e
    }
}

/// Go: `runtime.mapaccess1_fast32`.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn mapaccess1_fast32(t: *const MapType, h: *mut Hmap, key: u32) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe { access1::<Fast32>(&*t, h, key) }
}

/// Go: `runtime.mapaccess2_fast32`.
///
/// # Safety
/// ABI invariants 1 and 2; `ok` is writable.
pub unsafe extern "C" fn mapaccess2_fast32(
    t: *const MapType,
    h: *mut Hmap,
    key: u32,
    ok: *mut bool,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe {
        let (e, found) = access2::<Fast32>(&*t, h, key);
        *ok = found;
        e
    }
}

/// Go: `runtime.mapaccess1_fast64`.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn mapaccess1_fast64(t: *const MapType, h: *mut Hmap, key: u64) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe { access1::<Fast64>(&*t, h, key) }
}

/// Go: `runtime.mapaccess2_fast64`.
///
/// # Safety
/// ABI invariants 1 and 2; `ok` is writable.
pub unsafe extern "C" fn mapaccess2_fast64(
    t: *const MapType,
    h: *mut Hmap,
    key: u64,
    ok: *mut bool,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe {
        let (e, found) = access2::<Fast64>(&*t, h, key);
        *ok = found;
        e
    }
}

/// Go: `runtime.mapaccess1_faststr`.
///
/// # Safety
/// ABI invariants 1–3.
pub unsafe extern "C" fn mapaccess1_faststr(
    t: *const MapType,
    h: *mut Hmap,
    kptr: *const u8,
    klen: i64,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe {
        access1::<FastStr>(
            &*t,
            h,
            GoStr {
                ptr: kptr,
                len: klen,
            },
        )
    }
}

/// Go: `runtime.mapaccess2_faststr`.
///
/// # Safety
/// ABI invariants 1–3; `ok` is writable.
pub unsafe extern "C" fn mapaccess2_faststr(
    t: *const MapType,
    h: *mut Hmap,
    kptr: *const u8,
    klen: i64,
    ok: *mut bool,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe {
        let (e, found) = access2::<FastStr>(
            &*t,
            h,
            GoStr {
                ptr: kptr,
                len: klen,
            },
        );
        *ok = found;
        e
    }
}

/// Go: `runtime.mapaccess1_fat`: like `mapaccess1`, but a miss returns the
/// caller's zero block (elems above 1024 bytes).
///
/// # Safety
/// ABI invariants 1–3.
pub unsafe extern "C" fn mapaccess1_fat(
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
    zero: *const u8,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    let e = unsafe { by_pointer!(access1(&*t, h, key)) };
    if e == zero_val() { zero as *mut u8 } else { e }
}

/// Go: `runtime.mapaccess2_fat`.
///
/// # Safety
/// ABI invariants 1–3; `ok` is writable.
pub unsafe extern "C" fn mapaccess2_fat(
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
    zero: *const u8,
    ok: *mut bool,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe {
        let e = by_pointer!(access1(&*t, h, key));
        let found = e != zero_val();
        *ok = found;
        if found { e } else { zero as *mut u8 }
    }
}

/// Go: `runtime.mapassign`.
///
/// # Safety
/// ABI invariants 1–3.
pub unsafe extern "C" fn mapassign(t: *const MapType, h: *mut Hmap, key: *const u8) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe { by_pointer!(assign(&*t, h, key)) }
}

/// Go: `runtime.mapassign_fast32`.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn mapassign_fast32(t: *const MapType, h: *mut Hmap, key: u32) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe { assign::<Fast32>(&*t, h, key) }
}

/// Go: `runtime.mapassign_fast32ptr`: the key is the pointer value itself
/// (32-bit targets only in Go; the low 32 bits here).
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn mapassign_fast32ptr(
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe { assign::<Fast32>(&*t, h, key as usize as u32) }
}

/// Go: `runtime.mapassign_fast64`.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn mapassign_fast64(t: *const MapType, h: *mut Hmap, key: u64) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe { assign::<Fast64>(&*t, h, key) }
}

/// Go: `runtime.mapassign_fast64ptr`: the key is the pointer value itself.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn mapassign_fast64ptr(
    t: *const MapType,
    h: *mut Hmap,
    key: *const u8,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe { assign::<Fast64>(&*t, h, key as usize as u64) }
}

/// Go: `runtime.mapassign_faststr`.
///
/// # Safety
/// ABI invariants 1–3.
pub unsafe extern "C" fn mapassign_faststr(
    t: *const MapType,
    h: *mut Hmap,
    kptr: *const u8,
    klen: i64,
) -> *mut u8 {
    // SAFETY: forwarded ABI invariants.
    unsafe {
        assign::<FastStr>(
            &*t,
            h,
            GoStr {
                ptr: kptr,
                len: klen,
            },
        )
    }
}

/// Go: `runtime.mapdelete`.
///
/// # Safety
/// ABI invariants 1–3.
pub unsafe extern "C" fn mapdelete(t: *const MapType, h: *mut Hmap, key: *const u8) {
    // SAFETY: forwarded ABI invariants.
    unsafe { by_pointer!(delete(&*t, h, key)) }
}

/// Go: `runtime.mapdelete_fast32`.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn mapdelete_fast32(t: *const MapType, h: *mut Hmap, key: u32) {
    // SAFETY: forwarded ABI invariants.
    unsafe { delete::<Fast32>(&*t, h, key) }
}

/// Go: `runtime.mapdelete_fast64`.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn mapdelete_fast64(t: *const MapType, h: *mut Hmap, key: u64) {
    // SAFETY: forwarded ABI invariants.
    unsafe { delete::<Fast64>(&*t, h, key) }
}

/// Go: `runtime.mapdelete_faststr`.
///
/// # Safety
/// ABI invariants 1–3.
pub unsafe extern "C" fn mapdelete_faststr(
    t: *const MapType,
    h: *mut Hmap,
    kptr: *const u8,
    klen: i64,
) {
    // SAFETY: forwarded ABI invariants.
    unsafe {
        delete::<FastStr>(
            &*t,
            h,
            GoStr {
                ptr: kptr,
                len: klen,
            },
        )
    }
}

/// Go: `runtime.mapiterinit`.
///
/// # Safety
/// ABI invariants 1, 2 and 5.
pub unsafe extern "C" fn mapiterinit(t: *const MapType, h: *mut Hmap, it: *mut Hiter) {
    // SAFETY: forwarded ABI invariants.
    unsafe { iter::mapiterinit(t, h, it) }
}

/// Go: `runtime.mapiternext`.
///
/// # Safety
/// `it` was started by `mapiterinit` and its map is alive.
pub unsafe extern "C" fn mapiternext(it: *mut Hiter) {
    // SAFETY: forwarded.
    unsafe { iter::mapiternext(it) }
}

/// Go: `runtime.mapclear`.
///
/// # Safety
/// ABI invariants 1 and 2.
pub unsafe extern "C" fn mapclear(t: *const MapType, h: *mut Hmap) {
    // SAFETY: forwarded ABI invariants.
    unsafe { clear::mapclear(&*t, h) }
}

/// Go: `runtime.rand32`: the seed generated code stores in a stack map.
pub extern "C" fn rand32() -> u32 {
    rand::rand32()
}

/// Zeroed heap memory for generated code (Go: `runtime.newobject`), from
/// the collector; scanned when the type holds pointers.
pub extern "C" fn newobject(size: i64, has_pointers: bool) -> *mut u8 {
    if size < 0 {
        panic::fatal(panic::msg::OUT_OF_MEMORY);
    }
    alloc::alloc(size as usize, has_pointers)
}

// ---- print builtins ---------------------------------------------------------

/// Go: `runtime.printint`.
pub extern "C" fn printint(v: i64) {
    print::printint(v)
}

/// Go: `runtime.printuint`.
pub extern "C" fn printuint(v: u64) {
    print::printuint(v)
}

/// Go: `runtime.printfloat`.
pub extern "C" fn printfloat(v: f64) {
    print::printfloat(v)
}

/// Go: `runtime.printbool` (0 or 1).
pub extern "C" fn printbool(v: u8) {
    print::printbool(v != 0)
}

/// Go: `runtime.printstring`.
///
/// # Safety
/// `p` points to `len` readable bytes, or `len <= 0`.
pub unsafe extern "C" fn printstring(p: *const u8, len: i64) {
    // SAFETY: forwarded.
    unsafe { print::printstring(p, len) }
}

/// Go: `runtime.printpointer`.
pub extern "C" fn printpointer(p: *const u8) {
    print::printpointer(p)
}

/// Go: `runtime.printslice`.
pub extern "C" fn printslice(p: *const u8, len: i64, cap: i64) {
    print::printslice(p, len, cap)
}

/// Go: `runtime.printsp`.
pub extern "C" fn printsp() {
    print::printsp()
}

/// Go: `runtime.printnl`.
pub extern "C" fn printnl() {
    print::printnl()
}

/// Go: `runtime.printlock`.
pub extern "C" fn printlock() {
    print::printlock()
}

/// Go: `runtime.printunlock`.
pub extern "C" fn printunlock() {
    print::printunlock()
}

runtime_symbols! {
    makemap_small: fn() -> *mut Hmap;
    makemap: fn(*const MapType, i64, *mut Hmap) -> *mut Hmap;
    makemap64: fn(*const MapType, i64, *mut Hmap) -> *mut Hmap;
    mapaccess1: fn(*const MapType, *mut Hmap, *const u8) -> *mut u8;
    mapaccess2: fn(*const MapType, *mut Hmap, *const u8, *mut bool) -> *mut u8;
    mapaccess1_fast32: fn(*const MapType, *mut Hmap, u32) -> *mut u8;
    mapaccess2_fast32: fn(*const MapType, *mut Hmap, u32, *mut bool) -> *mut u8;
    mapaccess1_fast64: fn(*const MapType, *mut Hmap, u64) -> *mut u8;
    mapaccess2_fast64: fn(*const MapType, *mut Hmap, u64, *mut bool) -> *mut u8;
    mapaccess1_faststr: fn(*const MapType, *mut Hmap, *const u8, i64) -> *mut u8;
    mapaccess2_faststr: fn(*const MapType, *mut Hmap, *const u8, i64, *mut bool) -> *mut u8;
    mapaccess1_fat: fn(*const MapType, *mut Hmap, *const u8, *const u8) -> *mut u8;
    mapaccess2_fat: fn(*const MapType, *mut Hmap, *const u8, *const u8, *mut bool) -> *mut u8;
    mapassign: fn(*const MapType, *mut Hmap, *const u8) -> *mut u8;
    mapassign_fast32: fn(*const MapType, *mut Hmap, u32) -> *mut u8;
    mapassign_fast32ptr: fn(*const MapType, *mut Hmap, *const u8) -> *mut u8;
    mapassign_fast64: fn(*const MapType, *mut Hmap, u64) -> *mut u8;
    mapassign_fast64ptr: fn(*const MapType, *mut Hmap, *const u8) -> *mut u8;
    mapassign_faststr: fn(*const MapType, *mut Hmap, *const u8, i64) -> *mut u8;
    mapdelete: fn(*const MapType, *mut Hmap, *const u8);
    mapdelete_fast32: fn(*const MapType, *mut Hmap, u32);
    mapdelete_fast64: fn(*const MapType, *mut Hmap, u64);
    mapdelete_faststr: fn(*const MapType, *mut Hmap, *const u8, i64);
    mapiterinit: fn(*const MapType, *mut Hmap, *mut Hiter);
    mapiternext: fn(*mut Hiter);
    mapclear: fn(*const MapType, *mut Hmap);
    rand32: fn() -> u32;
    newobject: fn(i64, bool) -> *mut u8;
    printint: fn(i64);
    printuint: fn(u64);
    printfloat: fn(f64);
    printbool: fn(u8);
    printstring: fn(*const u8, i64);
    printpointer: fn(*const u8);
    printslice: fn(*const u8, i64, i64);
    printsp: fn();
    printnl: fn();
    printlock: fn();
    printunlock: fn();
    concatstrings: fn(*const GoString, i64, *mut GoString);
    cmpstring: fn(*const u8, i64, *const u8, i64) -> i64;
    memequal: fn(*const u8, *const u8, i64) -> bool;
    slicebytetostring: fn(*const u8, i64, *mut GoString);
    stringtoslicebyte: fn(*const u8, i64, u8, *mut GoSlice);
    intstring: fn(i64, *mut GoString);
    stringtoslicerune: fn(*const u8, i64, u8, *mut GoSlice);
    slicerunetostring: fn(*const i32, i64, *mut GoString);
    decoderune: fn(*const u8, i64, i64, *mut i32) -> i64;
    growslice: fn(*const u8, i64, i64, i64, i64, bool, *mut GoSlice);
    makeslice: fn(i64, i64, i64, bool) -> *mut u8;
    panic_index: fn(i64, i64) -> !;
    panic_index_u: fn(i64, i64) -> !;
    panic_slice_alen: fn(i64, i64) -> !;
    panic_slice_alen_u: fn(i64, i64) -> !;
    panic_slice_acap: fn(i64, i64) -> !;
    panic_slice_acap_u: fn(i64, i64) -> !;
    panic_slice_b: fn(i64, i64) -> !;
    panic_slice_b_u: fn(i64, i64) -> !;
    panic_slice3_alen: fn(i64, i64) -> !;
    panic_slice3_alen_u: fn(i64, i64) -> !;
    panic_slice3_acap: fn(i64, i64) -> !;
    panic_slice3_acap_u: fn(i64, i64) -> !;
    panic_slice3_b: fn(i64, i64) -> !;
    panic_slice3_b_u: fn(i64, i64) -> !;
    panic_slice3_c: fn(i64, i64) -> !;
    panic_slice3_c_u: fn(i64, i64) -> !;
    panic_divide: fn() -> !;
    panic_shift: fn() -> !;
    panic_mem: fn() -> !;
    stack_overflow: fn() -> !;
    gopanic_string: fn(*const u8, i64, *const u8, i64) -> !;
    gopanic_int: fn(*const u8, i64, i64) -> !;
    gopanic_uint: fn(*const u8, i64, u64) -> !;
    gopanic_float: fn(*const u8, i64, f64) -> !;
    gopanic_bool: fn(*const u8, i64, bool) -> !;
    gopanic_other: fn(*const u8, i64, *const u8) -> !;
    trace_make: fn(*const MapType, *mut Hmap, i64, u32, u32, bool);
    trace_op: fn(*mut Hmap, u32);
    trace_done: fn(*mut Hmap);
}
