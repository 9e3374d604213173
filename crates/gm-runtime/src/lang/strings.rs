//! Strings: concatenation, comparison, conversions to and from `[]byte`
//! and runes, and rune decoding for `range` (Go: `runtime/string.go`).

use super::utf8::{decode_rune, encode_rune};
use super::{GoSlice, GoString, bytes, new_string};
use crate::alloc;
use crate::size_class::roundupsize;

/// Go: `runtime.concatstrings`: the concatenation of `n` strings stored
/// as consecutive `GoString`s at `parts`, written to `out`.
///
/// # Safety
/// `parts` points to `n` readable `GoString`s with valid bytes; `out` is
/// writable.
pub unsafe extern "C" fn concatstrings(parts: *const GoString, n: i64, out: *mut GoString) {
    // SAFETY: the caller passes `n` strings.
    let parts = unsafe { std::slice::from_raw_parts(parts, n.max(0) as usize) };
    let total: usize = parts.iter().map(|s| s.len.max(0) as usize).sum();
    // Go returns the only non-empty operand itself rather than a copy.
    let mut non_empty = parts.iter().filter(|s| s.len > 0);
    let result = match (non_empty.next(), non_empty.next()) {
        (None, _) => GoString::EMPTY,
        (Some(only), None) => *only,
        _ => {
            let p = alloc::alloc_noscan_uninit(total);
            let mut at = 0;
            for s in parts {
                // SAFETY: each part is a valid string and `p` has room for
                // all of them; every byte of `p` is written.
                unsafe {
                    let b = s.bytes();
                    std::ptr::copy_nonoverlapping(b.as_ptr(), p.add(at), b.len());
                }
                at += s.len.max(0) as usize;
            }
            GoString {
                ptr: p,
                len: total as i64,
            }
        }
    };
    // SAFETY: `out` is writable.
    unsafe { out.write(result) };
}

/// Go: `runtime.cmpstring`: -1, 0 or 1 as `a` sorts before, equal to or
/// after `b` (bytewise).
///
/// # Safety
/// Both strings are valid.
pub unsafe extern "C" fn cmpstring(ap: *const u8, al: i64, bp: *const u8, bl: i64) -> i64 {
    // SAFETY: forwarded.
    let (a, b) = unsafe { (bytes(ap, al), bytes(bp, bl)) };
    match a.cmp(b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}

/// Go: `runtime.memequal`: whether `n` bytes at `a` and `b` are equal.
///
/// # Safety
/// Both point to `n` readable bytes (or `n <= 0`).
pub unsafe extern "C" fn memequal(a: *const u8, b: *const u8, n: i64) -> bool {
    if n <= 0 || a == b {
        return true;
    }
    // SAFETY: forwarded.
    unsafe { bytes(a, n) == bytes(b, n) }
}

/// Go: `runtime.slicebytetostring`: `string(b)`.
///
/// # Safety
/// `p` points to `n` readable bytes (or `n <= 0`); `out` is writable.
pub unsafe extern "C" fn slicebytetostring(p: *const u8, n: i64, out: *mut GoString) {
    // SAFETY: forwarded.
    unsafe { out.write(new_string(bytes(p, n))) };
}

/// How `[]byte(s)` and `[]rune(s)` size their array (the compiler's
/// choice, passed by generated code).
pub mod conv_buf {
    /// Rounded up to the allocation size class: the result escapes.
    pub const HEAP: u8 = 0;
    /// Go's 32-element temporary buffer when the result fits.
    pub const TEMP: u8 = 1;
    /// Exactly as many elements as the result has.
    pub const EXACT: u8 = 2;
}

/// Go's `tmpStringBufSize`: the elements of a conversion's temporary
/// buffer.
const TMP_BUF_LEN: usize = 32;

/// A fresh slice holding `items`, its capacity chosen by `buf` (one of
/// [`conv_buf`]). A temporary buffer is a heap array of Go's buffer size,
/// so the result's capacity is Go's while its memory never depends on the
/// compiler's analysis being right.
fn slice_of<T: Copy>(items: &[T], buf: u8) -> GoSlice {
    let size = std::mem::size_of::<T>();
    let cap = match buf {
        conv_buf::EXACT => items.len(),
        conv_buf::TEMP if items.len() <= TMP_BUF_LEN => TMP_BUF_LEN,
        _ => roundupsize(std::mem::size_of_val(items), true) / size,
    };
    let dst = alloc::alloc(cap * size, false);
    // SAFETY: `dst` has room for `cap >= items.len()` elements of `T`.
    unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), dst.cast::<T>(), items.len()) };
    GoSlice {
        ptr: dst,
        len: items.len() as i64,
        cap: cap as i64,
    }
}

/// Go: `runtime.stringtoslicebyte`: `[]byte(s)`; `buf` is one of
/// [`conv_buf`].
///
/// # Safety
/// The string is valid; `out` is writable.
pub unsafe extern "C" fn stringtoslicebyte(p: *const u8, n: i64, buf: u8, out: *mut GoSlice) {
    // SAFETY: forwarded.
    let b = unsafe { bytes(p, n) };
    // SAFETY: `out` is writable.
    unsafe { out.write(slice_of(b, buf)) };
}

/// Go: `runtime.stringtoslicerune`: `[]rune(s)`, decoding UTF-8 (an invalid
/// byte is U+FFFD); `buf` is one of [`conv_buf`].
///
/// # Safety
/// The string is valid; `out` is writable.
pub unsafe extern "C" fn stringtoslicerune(p: *const u8, n: i64, buf: u8, out: *mut GoSlice) {
    // SAFETY: forwarded.
    let b = unsafe { bytes(p, n) };
    let mut runes = Vec::new();
    let mut k = 0;
    while k < b.len() {
        let (r, next) = decode_rune(b, k);
        runes.push(r);
        k = next;
    }
    // SAFETY: `out` is writable.
    unsafe { out.write(slice_of(&runes, buf)) };
}

/// Go: `runtime.slicerunetostring`: `string(rs)`, encoding each rune as
/// UTF-8 (an invalid rune becomes U+FFFD).
///
/// # Safety
/// `p` points to `n` readable runes (or `n <= 0`); `out` is writable.
pub unsafe extern "C" fn slicerunetostring(p: *const i32, n: i64, out: *mut GoString) {
    let runes: &[i32] = if n <= 0 {
        &[]
    } else {
        // SAFETY: the caller passes `n` runes.
        unsafe { std::slice::from_raw_parts(p, n as usize) }
    };
    let mut text = Vec::with_capacity(runes.len());
    for &r in runes {
        encode_rune(i64::from(r), &mut text);
    }
    // SAFETY: `out` is writable.
    unsafe { out.write(new_string(&text)) };
}

/// Every ASCII byte, for one-byte strings.
static ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = i as u8;
        i += 1;
    }
    t
};

/// Go: `runtime.intstring`: `string(r)` for an integer `r`; values that are
/// not valid code points give "\uFFFD".
///
/// # Safety
/// `out` is writable.
pub unsafe extern "C" fn intstring(r: i64, out: *mut GoString) {
    if (0..128).contains(&r) {
        // One-byte strings share a static table (strings are immutable).
        // SAFETY: `out` is writable; the table lives forever.
        unsafe {
            out.write(GoString {
                ptr: ASCII.as_ptr().add(r as usize),
                len: 1,
            })
        };
        return;
    }
    let mut buf = Vec::with_capacity(4);
    encode_rune(r, &mut buf);
    // SAFETY: forwarded.
    unsafe { out.write(new_string(&buf)) };
}

/// Go: `runtime.decoderune`: decodes the rune of `s` at byte `k` (the JIT
/// handles ASCII inline and calls this for the rest). Writes the rune to
/// `rune` and returns the index of the next one.
///
/// # Safety
/// The string is valid, `0 <= k < n`, and `rune` is writable.
pub unsafe extern "C" fn decoderune(p: *const u8, n: i64, k: i64, rune: *mut i32) -> i64 {
    // SAFETY: forwarded.
    let s = unsafe { bytes(p, n) };
    let (r, next) = decode_rune(s, k as usize);
    // SAFETY: forwarded.
    unsafe { rune.write(r) };
    next as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gs(s: &str) -> GoString {
        GoString {
            ptr: s.as_ptr(),
            len: s.len() as i64,
        }
    }

    fn text(s: GoString) -> String {
        // SAFETY: the runtime made a valid string.
        String::from_utf8(unsafe { s.bytes() }.to_vec()).unwrap()
    }

    fn concat(parts: &[GoString]) -> GoString {
        let mut out = GoString::EMPTY;
        // SAFETY: valid parts and a writable out.
        unsafe { concatstrings(parts.as_ptr(), parts.len() as i64, &mut out) };
        out
    }

    #[test]
    fn concatenations_survive_collections() {
        // Each result is a fresh collected block; earlier ones stay intact
        // while referenced (from this stack, which the collector scans;
        // a Vec's buffer would not be), through forced collections.
        let mut kept = [GoString::EMPTY; 4];
        let mut s = concat(&[gs("a"), gs("b")]);
        for i in 0..200 {
            s = concat(&[s, gs("x")]);
            if i % 50 == 0 {
                crate::alloc::collect();
                kept[i / 50] = concat(&[s, gs("!")]);
            }
        }
        assert_eq!(text(s), format!("ab{}", "x".repeat(200)));
        for (n, k) in kept.into_iter().enumerate() {
            assert_eq!(text(k), format!("ab{}!", "x".repeat(n * 50 + 1)));
        }
    }

    fn cmp(a: &str, b: &str) -> i64 {
        // SAFETY: valid strings.
        unsafe { cmpstring(a.as_ptr(), a.len() as i64, b.as_ptr(), b.len() as i64) }
    }

    fn equal(a: &[u8], b: &[u8]) -> bool {
        assert_eq!(a.len(), b.len());
        // SAFETY: both have `a.len()` bytes.
        unsafe { memequal(a.as_ptr(), b.as_ptr(), a.len() as i64) }
    }

    fn rune_string(r: i64) -> String {
        let mut out = GoString::EMPTY;
        // SAFETY: `out` is writable.
        unsafe { intstring(r, &mut out) };
        text(out)
    }

    fn decode(s: &[u8], k: i64) -> (i32, i64) {
        let mut r = 0;
        // SAFETY: a valid string, `k` in range, a writable rune.
        let next = unsafe { decoderune(s.as_ptr(), s.len() as i64, k, &mut r) };
        (r, next)
    }

    #[test]
    fn concatenation() {
        assert_eq!(text(concat(&[gs("ab"), gs(""), gs("cde")])), "abcde");
        let one = [gs(""), gs("x")];
        assert_eq!(concat(&one), one[1]);
        assert_eq!(concat(&one[..1]).len, 0);
    }

    #[test]
    fn comparison() {
        assert_eq!(cmp("a", "b"), -1);
        assert_eq!(cmp("ab", "a"), 1);
        assert_eq!(cmp("", ""), 0);
        assert_eq!(cmp("\u{ff}", "z"), 1);
        assert!(equal(b"abc", b"abc"));
        assert!(!equal(b"abc", b"abd"));
    }

    #[test]
    fn conversions() {
        let mut s = GoSlice {
            ptr: std::ptr::null_mut(),
            len: 0,
            cap: 0,
        };
        // SAFETY: a valid string and a writable out.
        unsafe { stringtoslicebyte(b"hello".as_ptr(), 5, conv_buf::HEAP, &mut s) };
        assert_eq!((s.len, s.cap), (5, 8));
        let mut out = GoString::EMPTY;
        // SAFETY: the slice holds `len` bytes; `out` is writable.
        unsafe { slicebytetostring(s.ptr, s.len, &mut out) };
        assert_eq!(text(out), "hello");
        assert_eq!(rune_string(0x4e16), "世");
        assert_eq!(rune_string(0x41), "A");
        assert_eq!(rune_string(0), "\0");
        assert_eq!(rune_string(127), "\u{7f}");
        assert_eq!(rune_string(-1), "\u{FFFD}");
        assert_eq!(rune_string(0x110000), "\u{FFFD}");
    }

    #[test]
    fn rune_conversions() {
        let mut s = GoSlice {
            ptr: std::ptr::null_mut(),
            len: 0,
            cap: 0,
        };
        let src = b"h\xc3\xa9!\xff\xff";
        // SAFETY: a valid string and a writable out.
        unsafe { stringtoslicerune(src.as_ptr(), src.len() as i64, conv_buf::HEAP, &mut s) };
        // Five runes are 20 bytes, which round up to the 24-byte class.
        assert_eq!((s.len, s.cap), (5, 6));
        // SAFETY: the slice holds `len` runes.
        let runes = unsafe { std::slice::from_raw_parts(s.ptr.cast::<i32>(), 5) };
        assert_eq!(runes, [0x68, 0xe9, 0x21, 0xFFFD, 0xFFFD]);
        // SAFETY: as above.
        unsafe { stringtoslicerune(src.as_ptr(), 2, conv_buf::EXACT, &mut s) };
        assert_eq!((s.len, s.cap), (2, 2));
        // SAFETY: as above.
        unsafe { stringtoslicerune(src.as_ptr(), 2, conv_buf::TEMP, &mut s) };
        assert_eq!((s.len, s.cap), (2, 32));
        let long = [b'x'; 33];
        // SAFETY: as above.
        unsafe { stringtoslicebyte(long.as_ptr(), 33, conv_buf::TEMP, &mut s) };
        assert_eq!((s.len, s.cap), (33, 48));
        let mut out = GoString::EMPTY;
        let back = [0x41, 0xe9, -1, 0xD800, 0x10FFFF];
        // SAFETY: `back` holds five runes; `out` is writable.
        unsafe { slicerunetostring(back.as_ptr(), 5, &mut out) };
        assert_eq!(text(out), "A\u{e9}\u{FFFD}\u{FFFD}\u{10FFFF}");
        // SAFETY: no runes are read.
        unsafe { slicerunetostring(std::ptr::null(), 0, &mut out) };
        assert_eq!(text(out), "");
    }

    #[test]
    fn rune_decoding() {
        assert_eq!(decode("a\u{e9}\u{ff}".as_bytes(), 1), (0xe9, 3));
        assert_eq!(decode(b"\xffz", 0), (0xFFFD, 1));
    }
}
