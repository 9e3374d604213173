//! Run-time support for the language itself, apart from maps: strings
//! (concatenation, comparison, conversions), UTF-8 decoding for `range` over
//! strings, slices (`make`, `append` growth), and Go's panics for bounds,
//! division, shifts, nil dereferences and `panic(v)`.
//!
//! Generated code reaches these through the `extern "C"` entry points below,
//! listed in [`crate::abi::SYMBOLS`] like the map entry points. Go values
//! cross the ABI as plain words: a string as `ptr, len`, a slice as
//! `ptr, len, cap`; results of more than one word are written through an
//! out-pointer that comes last ([`GoString`], [`GoSlice`]).
//!
//! Every allocation goes through [`crate::alloc`].

pub mod panics;
pub mod slice;
pub mod strings;
pub mod utf8;

/// A Go string header as generated code lays it out.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoString {
    pub ptr: *const u8,
    pub len: i64,
}

/// A Go slice header as generated code lays it out.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoSlice {
    pub ptr: *mut u8,
    pub len: i64,
    pub cap: i64,
}

impl GoString {
    pub const EMPTY: GoString = GoString {
        ptr: std::ptr::null(),
        len: 0,
    };

    /// The bytes of the string.
    ///
    /// # Safety
    /// `ptr` points to `len` readable bytes that outlive the borrow, or
    /// `len <= 0`.
    pub unsafe fn bytes<'a>(self) -> &'a [u8] {
        if self.len <= 0 || self.ptr.is_null() {
            return &[];
        }
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len as usize) }
    }
}

/// Bytes of a `(ptr, len)` pair from generated code.
///
/// # Safety
/// As [`GoString::bytes`].
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: i64) -> &'a [u8] {
    // SAFETY: forwarded.
    unsafe { GoString { ptr, len }.bytes() }
}

/// Copies `b` into fresh memory from the allocator: a new Go string.
pub fn new_string(b: &[u8]) -> GoString {
    if b.is_empty() {
        return GoString::EMPTY;
    }
    let p = crate::alloc::alloc_noscan_uninit(b.len());
    // SAFETY: `p` is a fresh block of `b.len()` bytes, all written here.
    unsafe { std::ptr::copy_nonoverlapping(b.as_ptr(), p, b.len()) };
    GoString {
        ptr: p,
        len: b.len() as i64,
    }
}
