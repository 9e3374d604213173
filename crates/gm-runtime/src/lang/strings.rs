//! Strings: concatenation, comparison, conversions to and from `[]byte`
//! and runes, and rune decoding for `range` (Go: `runtime/string.go`).

use super::utf8::{decode_rune, encode_rune};
use super::{GoSlice, GoString, bytes, new_string};
use crate::alloc;
use crate::size_class::roundupsize;

/// Go: `runtime.concatstrings`: the concatenation of `n` strings stored
/// as consecutive `GoString`s at `parts`, written to `out`.
///
/// Without a collector, `s += x` in a loop would keep every intermediate
/// string. So a long result gets spare room once it is seen to grow, and a
/// later concatenation starting with exactly that string writes into the
/// room instead of copying (see `FRONTIERS`).
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
        // SAFETY: forwarded.
        _ => unsafe { concat_parts(parts, total) },
    };
    // SAFETY: `out` is writable.
    unsafe { out.write(result) };
}

/// Strings shorter than this are always copied: keeping them short of
/// their buffer's end costs more bookkeeping than it saves.
const GROWABLE_MIN: usize = 64;

/// Concatenates at least two non-empty parts of `total` bytes.
///
/// # Safety
/// The parts are valid strings.
unsafe fn concat_parts(parts: &[GoString], total: usize) -> GoString {
    let first = parts[0];
    let first_len = first.len.max(0) as usize;
    let first_end = first.ptr as usize + first_len;
    let rest = &parts[1..];
    let room = (first_len > 0).then(|| frontier_room(first_end)).flatten();
    if let Some(limit) = room
        && limit - first_end >= total - first_len
    {
        // SAFETY: the bytes from `first_end` to `limit` belong to the
        // buffer `first` ends in and no string covers them (the frontier
        // rule), so writing there changes no existing string.
        unsafe { copy_parts(rest, first_end as *mut u8) };
        move_frontier(first_end, first_end + (total - first_len), limit);
        return GoString {
            ptr: first.ptr,
            len: total as i64,
        };
    }
    // A string that grew before grows again: give it room to double.
    let capacity = if room.is_some() {
        total.saturating_mul(2)
    } else {
        total
    };
    let p = alloc::alloc_zeroed(capacity, 1);
    // SAFETY: `p` has room for all the parts.
    unsafe { copy_parts(parts, p) };
    if total >= GROWABLE_MIN {
        set_frontier(p as usize + total, p as usize + capacity);
    }
    GoString {
        ptr: p,
        len: total as i64,
    }
}

/// Copies the parts one after another to `dst`.
///
/// # Safety
/// The parts are valid strings and `dst` has room for all of them.
unsafe fn copy_parts(parts: &[GoString], dst: *mut u8) {
    let mut at = 0;
    for s in parts {
        // SAFETY: per the contract.
        unsafe {
            let b = s.bytes();
            std::ptr::copy_nonoverlapping(b.as_ptr(), dst.add(at), b.len());
        }
        at += s.len.max(0) as usize;
    }
}

thread_local! {
    /// The frontiers of concatenation buffers: for each buffer, the address
    /// just past the bytes handed out so far, mapped to the buffer's end.
    /// The string ending exactly at a frontier may be extended in place;
    /// strings are immutable and none covers the bytes past the frontier.
    /// Generated code runs on one thread, so the table is that thread's.
    static FRONTIERS: std::cell::RefCell<std::collections::HashMap<usize, usize>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The end of the buffer whose frontier is at `end`, if any.
fn frontier_room(end: usize) -> Option<usize> {
    FRONTIERS.with(|f| f.borrow().get(&end).copied())
}

fn set_frontier(end: usize, limit: usize) {
    FRONTIERS.with(|f| f.borrow_mut().insert(end, limit));
}

fn move_frontier(from: usize, to: usize, limit: usize) {
    FRONTIERS.with(|f| {
        let mut f = f.borrow_mut();
        f.remove(&from);
        f.insert(to, limit);
    });
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
    let dst = alloc::alloc_zeroed(cap * size, std::mem::align_of::<T>());
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
    fn a_growing_string_is_extended_in_place() {
        let long = "x".repeat(GROWABLE_MIN);
        let a = concat(&[gs(&long), gs("1")]);
        let b = concat(&[a, gs("2")]);
        // `b` got room to grow; `c` and `d` use it.
        let c = concat(&[b, gs("3")]);
        let d = concat(&[c, gs("45")]);
        assert_eq!(c.ptr, b.ptr);
        assert_eq!(d.ptr, b.ptr);
        assert_eq!(text(d), format!("{long}12345"));
        assert_eq!(text(c), format!("{long}123"));
    }

    #[test]
    fn only_the_string_at_the_frontier_grows_in_place() {
        let long = "y".repeat(GROWABLE_MIN);
        let a = concat(&[gs(&long), gs("1")]);
        let s = concat(&[a, gs("2")]);
        // Two strings share `s`'s end: the first to grow takes the room,
        // the other is copied, and neither sees the other's bytes.
        let t = concat(&[s, gs("t")]);
        let u = concat(&[s, gs("u")]);
        assert_eq!(t.ptr, s.ptr);
        assert_ne!(u.ptr, s.ptr);
        assert_eq!(text(t), format!("{long}12t"));
        assert_eq!(text(u), format!("{long}12u"));
        assert_eq!(text(s), format!("{long}12"));
        // A suffix ending at the frontier may grow in place too.
        let tail = GoString {
            ptr: t.ptr.wrapping_add(1),
            len: t.len - 1,
        };
        let v = concat(&[tail, gs("v"), gs(&long)]);
        assert_eq!(text(v), format!("{}12tv{long}", &long[1..]));
        assert_eq!(text(t), format!("{long}12t"));
        // Appending a string to itself reads only bytes before the frontier.
        let w = concat(&[v, v]);
        assert_eq!(text(w), text(v).repeat(2));
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
