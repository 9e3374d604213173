//! Slices: `make([]T, len, cap)` and `append` growth, with Go 1.23's
//! capacity rule and its rounding up to the allocator's size classes
//! (`runtime/slice.go`, `runtime/msize.go`), so `cap` after an `append`
//! prints what Go prints.

use super::GoSlice;
use super::panics::runtime_error_msg;
use crate::alloc;
use crate::size_class::roundupsize;

/// Go's `maxAlloc` on linux/amd64 (48-bit address space).
pub const MAX_ALLOC: u64 = 1 << 48;

/// Go: `runtime.nextslicecap`: the capacity to grow to before rounding.
pub fn nextslicecap(new_len: i64, old_cap: i64) -> i64 {
    let double = old_cap.wrapping_add(old_cap);
    if new_len > double {
        return new_len;
    }
    const THRESHOLD: i64 = 256;
    if old_cap < THRESHOLD {
        return double;
    }
    let mut cap = old_cap;
    // From doubling towards 1.25x as the slice grows.
    loop {
        cap = cap.wrapping_add((cap.wrapping_add(3 * THRESHOLD)) >> 2);
        if cap as u64 >= new_len as u64 {
            break;
        }
    }
    if cap <= 0 { new_len } else { cap }
}

/// The new capacity and its byte size for growing a slice of `elem_size`
/// elements to `new_len`; `None` when it cannot be allocated.
pub fn grown_cap(new_len: i64, old_cap: i64, elem_size: u64, noscan: bool) -> Option<(i64, u64)> {
    let cap = nextslicecap(new_len, old_cap);
    let bytes = (cap as u64).checked_mul(elem_size)?;
    if bytes > MAX_ALLOC {
        return None;
    }
    let rounded = roundupsize(bytes as usize, noscan) as u64;
    let cap = rounded / elem_size;
    Some((cap as i64, cap * elem_size))
}

/// Go: `runtime.growslice`: a new backing array for a slice whose length
/// becomes `new_len` after appending `num` elements, holding a copy of the
/// `new_len - num` old elements; the rest is zeroed. Writes the new
/// `{ptr, new_len, cap}` to `out`.
///
/// # Safety
/// `old` points to at least `new_len - num` elements of `elem_size` bytes
/// (or none); `out` is writable.
pub unsafe extern "C" fn growslice(
    old: *const u8,
    new_len: i64,
    old_cap: i64,
    num: i64,
    elem_size: i64,
    has_pointers: bool,
    out: *mut GoSlice,
) {
    if new_len < 0 {
        runtime_error_msg("growslice: len out of range");
    }
    let elem = elem_size.max(0) as u64;
    if elem == 0 {
        let p = alloc::alloc(0, false);
        // SAFETY: `out` is writable.
        unsafe {
            out.write(GoSlice {
                ptr: p,
                len: new_len,
                cap: new_len,
            })
        };
        return;
    }
    let Some((cap, bytes)) = grown_cap(new_len, old_cap, elem, !has_pointers) else {
        runtime_error_msg("growslice: len out of range");
    };
    let p = alloc::alloc(bytes as usize, has_pointers);
    let old_len = (new_len - num).max(0) as usize;
    if old_len > 0 && !old.is_null() {
        // SAFETY: the old array holds `old_len` elements; `p` is a fresh
        // block of at least `new_len >= old_len` elements.
        unsafe { std::ptr::copy_nonoverlapping(old, p, old_len * elem as usize) };
    }
    // SAFETY: `out` is writable.
    unsafe {
        out.write(GoSlice {
            ptr: p,
            len: new_len,
            cap,
        })
    };
}

/// Go: `runtime.makeslice`: zeroed memory for `cap` elements of
/// `elem_size` bytes, after Go's checks (`len` is checked first); scanned
/// by the collector when the elements hold pointers.
pub extern "C" fn makeslice(elem_size: i64, len: i64, cap: i64, has_pointers: bool) -> *mut u8 {
    let elem = elem_size.max(0) as u64;
    let fits = |n: i64| n >= 0 && (n as u64).checked_mul(elem).is_some_and(|b| b <= MAX_ALLOC);
    if !fits(cap) || len < 0 || len > cap {
        if !fits(len) {
            runtime_error_msg("makeslice: len out of range");
        }
        runtime_error_msg("makeslice: cap out of range");
    }
    alloc::alloc((cap as u64 * elem) as usize, has_pointers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn growth(elem: u64, noscan: bool, upto: i64) -> Vec<(i64, i64)> {
        let mut cap = 0;
        let mut out = Vec::new();
        for len in 1..=upto {
            if len > cap {
                cap = grown_cap(len, cap, elem, noscan).unwrap().0;
                out.push((len, cap));
            }
        }
        out
    }

    #[test]
    fn growth_matches_go() {
        // []int, []byte, 24-byte structs, []string (pointers), []int32
        let int: Vec<i64> = growth(8, true, 5000).iter().map(|g| g.1).collect();
        assert_eq!(
            &int[6..],
            [64, 128, 256, 512, 848, 1280, 1792, 2560, 3408, 5120]
        );
        let b: Vec<i64> = growth(1, true, 3000).iter().map(|g| g.1).collect();
        assert_eq!(b, [8, 16, 32, 64, 128, 256, 512, 896, 1408, 2048, 3072]);
        let t: Vec<i64> = growth(24, true, 1000).iter().map(|g| g.1).collect();
        assert_eq!(&t[10..], [853, 1365]);
        let s: Vec<i64> = growth(16, false, 600).iter().map(|g| g.1).collect();
        assert_eq!(&s[5..], [32, 71, 143, 303, 591, 1023]);
        let i: Vec<i64> = growth(4, true, 1100).iter().map(|g| g.1).collect();
        assert_eq!(&i[8..], [512, 864, 1344]);
    }

    #[test]
    fn appending_many_at_once() {
        // append 8 to a full slice of 5: cap 5 -> 13 wanted -> 14
        assert_eq!(grown_cap(13, 5, 8, true).unwrap().0, 14);
        assert_eq!(grown_cap(9, 0, 1, true).unwrap().0, 16);
    }

    #[test]
    fn growslice_copies_and_zeroes() {
        let old = [1i64, 2, 3];
        let mut out = GoSlice {
            ptr: std::ptr::null_mut(),
            len: 0,
            cap: 0,
        };
        // SAFETY: `old` holds 3 elements; `out` is writable.
        unsafe { growslice(old.as_ptr().cast(), 4, 3, 1, 8, false, &mut out) };
        assert_eq!((out.len, out.cap), (4, 6));
        // SAFETY: the new array holds 6 elements.
        let v = unsafe { std::slice::from_raw_parts(out.ptr as *const i64, 6) };
        assert_eq!(v, [1, 2, 3, 0, 0, 0]);
        assert!(!makeslice(8, 2, 5, false).is_null());
    }
}
