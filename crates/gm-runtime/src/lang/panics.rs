//! The language's run-time panics (Go: `runtime/error.go`,
//! `runtime/panic.go`): bounds errors in Go's exact wording, integer
//! division by zero, negative shift counts, nil dereferences, and
//! `panic(v)` with the value printed as Go's `printpanicval` prints it.
//!
//! Generated code checks inline and calls these only on failure; each one
//! flushes stdout, prints Go's message and exits with status 2 through
//! [`crate::panic`].

use super::bytes;
use crate::panic::{go_panic, runtime_error};
use crate::print;

/// `panic: runtime error: <msg>`.
#[cold]
pub fn runtime_error_msg(msg: &str) -> ! {
    runtime_error(msg)
}

/// Which bound of an index or slice expression failed (Go:
/// `boundsErrorCode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bounds {
    /// `s[x]` with `x >= len` or `x < 0`.
    Index,
    /// `s[:x]` with `x > len` (strings, arrays).
    SliceAlen,
    /// `s[:x]` with `x > cap` (slices).
    SliceAcap,
    /// `s[x:y]` with `x > y`.
    SliceB,
    /// `s[::x]` with `x > len` (arrays).
    Slice3Alen,
    /// `s[::x]` with `x > cap` (slices).
    Slice3Acap,
    /// `s[:x:y]` with `x > y`.
    Slice3B,
    /// `s[x:y:]` with `x > y`.
    Slice3C,
}

/// Go's `boundsError.Error()` text (without `runtime error: `). `x` is the
/// failing index, `signed` whether it has a signed type; `y` the length,
/// capacity or upper bound.
pub fn bounds_message(code: Bounds, x: i64, signed: bool, y: i64) -> String {
    let xs = if signed {
        x.to_string()
    } else {
        (x as u64).to_string()
    };
    if signed && x < 0 {
        return match code {
            Bounds::Index => format!("index out of range [{xs}]"),
            Bounds::SliceAlen | Bounds::SliceAcap => format!("slice bounds out of range [:{xs}]"),
            Bounds::SliceB => format!("slice bounds out of range [{xs}:]"),
            Bounds::Slice3Alen | Bounds::Slice3Acap => {
                format!("slice bounds out of range [::{xs}]")
            }
            Bounds::Slice3B => format!("slice bounds out of range [:{xs}:]"),
            Bounds::Slice3C => format!("slice bounds out of range [{xs}::]"),
        };
    }
    match code {
        Bounds::Index => format!("index out of range [{xs}] with length {y}"),
        Bounds::SliceAlen => format!("slice bounds out of range [:{xs}] with length {y}"),
        Bounds::SliceAcap => format!("slice bounds out of range [:{xs}] with capacity {y}"),
        Bounds::SliceB => format!("slice bounds out of range [{xs}:{y}]"),
        Bounds::Slice3Alen => format!("slice bounds out of range [::{xs}] with length {y}"),
        Bounds::Slice3Acap => format!("slice bounds out of range [::{xs}] with capacity {y}"),
        Bounds::Slice3B => format!("slice bounds out of range [:{xs}:{y}]"),
        Bounds::Slice3C => format!("slice bounds out of range [{xs}:{y}:]"),
    }
}

#[cold]
fn bounds(code: Bounds, x: i64, signed: bool, y: i64) -> ! {
    runtime_error(&bounds_message(code, x, signed, y))
}

/// Defines Go's bounds-failure entry points: each takes the failing index
/// and the bound, and has a twin for an unsigned index.
macro_rules! bounds_panics {
    ($($code:ident: $signed:ident / $unsigned:ident = $go:literal;)*) => {$(
        #[doc = concat!("Go: `runtime.", $go, "`.")]
        pub extern "C" fn $signed(x: i64, y: i64) -> ! {
            bounds(Bounds::$code, x, true, y)
        }

        #[doc = concat!("Go: `runtime.", $go, "U` (an unsigned index).")]
        pub extern "C" fn $unsigned(x: i64, y: i64) -> ! {
            bounds(Bounds::$code, x, false, y)
        }
    )*};
}

bounds_panics! {
    Index: panic_index / panic_index_u = "panicIndex";
    SliceAlen: panic_slice_alen / panic_slice_alen_u = "panicSliceAlen";
    SliceAcap: panic_slice_acap / panic_slice_acap_u = "panicSliceAcap";
    SliceB: panic_slice_b / panic_slice_b_u = "panicSliceB";
    Slice3Alen: panic_slice3_alen / panic_slice3_alen_u = "panicSlice3Alen";
    Slice3Acap: panic_slice3_acap / panic_slice3_acap_u = "panicSlice3Acap";
    Slice3B: panic_slice3_b / panic_slice3_b_u = "panicSlice3B";
    Slice3C: panic_slice3_c / panic_slice3_c_u = "panicSlice3C";
}

/// Go: `runtime.panicdivide`.
pub extern "C" fn panic_divide() -> ! {
    runtime_error("integer divide by zero")
}

/// Go: `runtime.panicshift`.
pub extern "C" fn panic_shift() -> ! {
    runtime_error("negative shift amount")
}

/// Go: `runtime.panicmem`, raised by gm's explicit nil checks.
pub extern "C" fn panic_mem() -> ! {
    runtime_error("invalid memory address or nil pointer dereference")
}

/// Go's fatal stack overflow (`runtime.newstack`): the program's stack
/// reached its limit. Go's first line, then `fatal error: stack overflow`.
pub extern "C" fn stack_overflow() -> ! {
    crate::print::flush_stdout();
    let line = format!("runtime: goroutine stack exceeds {MAX_STACK}-byte limit\n");
    // Nothing to do if stderr is gone; the fatal error exits regardless.
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    crate::panic::fatal("stack overflow")
}

/// Go's maximum goroutine stack size on 64-bit systems.
pub const MAX_STACK: u64 = 1_000_000_000;

/// Go's `printindented`: every newline is followed by a tab.
fn indented(s: &[u8], out: &mut Vec<u8>) {
    for &b in s {
        out.push(b);
        if b == b'\n' {
            out.push(b'\t');
        }
    }
}

/// Raises `panic: <text>`.
#[cold]
fn raise(text: Vec<u8>) -> ! {
    go_panic(&String::from_utf8_lossy(&text))
}

/// `panic(v)` for a string `v`; `tn`/`tl` name its defined type (empty
/// for plain `string`): `panic: boom`, `panic: main.E("bad input")`.
///
/// # Safety
/// Both strings are valid.
pub unsafe extern "C" fn gopanic_string(tn: *const u8, tl: i64, p: *const u8, l: i64) -> ! {
    // SAFETY: forwarded.
    let (name, s) = unsafe { (bytes(tn, tl), bytes(p, l)) };
    let mut out = Vec::new();
    if name.is_empty() {
        indented(s, &mut out);
    } else {
        out.extend_from_slice(name);
        out.extend_from_slice(b"(\"");
        indented(s, &mut out);
        out.extend_from_slice(b"\")");
    }
    raise(out)
}

/// Wraps a printed value in `T(…)` when the type is a defined type.
fn named(name: &[u8], value: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    if name.is_empty() {
        value(&mut out);
    } else {
        out.extend_from_slice(name);
        out.push(b'(');
        value(&mut out);
        out.push(b')');
    }
    out
}

/// `panic(v)` for a signed integer: `panic: 42`, `panic: main.T(3)`.
///
/// # Safety
/// The type name is a valid string.
pub unsafe extern "C" fn gopanic_int(tn: *const u8, tl: i64, v: i64) -> ! {
    // SAFETY: forwarded.
    let name = unsafe { bytes(tn, tl) };
    raise(named(name, |b| print::fmt_int(v, b)))
}

/// `panic(v)` for an unsigned integer.
///
/// # Safety
/// The type name is a valid string.
pub unsafe extern "C" fn gopanic_uint(tn: *const u8, tl: i64, v: u64) -> ! {
    // SAFETY: forwarded.
    let name = unsafe { bytes(tn, tl) };
    raise(named(name, |b| print::fmt_uint(v, b)))
}

/// `panic(v)` for a float (a `float32` is widened first): `+1.500000e+000`.
///
/// # Safety
/// The type name is a valid string.
pub unsafe extern "C" fn gopanic_float(tn: *const u8, tl: i64, v: f64) -> ! {
    // SAFETY: forwarded.
    let name = unsafe { bytes(tn, tl) };
    raise(named(name, |b| print::fmt_float(v, b)))
}

/// `panic(v)` for a bool.
///
/// # Safety
/// The type name is a valid string.
pub unsafe extern "C" fn gopanic_bool(tn: *const u8, tl: i64, v: bool) -> ! {
    // SAFETY: forwarded.
    let name = unsafe { bytes(tn, tl) };
    raise(named(name, |b| print::fmt_bool(v, b)))
}

/// `panic(v)` for any other type (pointers, slices, maps, arrays,
/// structs): Go prints the type and the address of the value,
/// `panic: (*main.T) 0xc000012345`; `p` is that address.
///
/// # Safety
/// The type name is a valid string.
pub unsafe extern "C" fn gopanic_other(tn: *const u8, tl: i64, p: *const u8) -> ! {
    // SAFETY: forwarded.
    let name = unsafe { bytes(tn, tl) };
    let mut out = vec![b'('];
    out.extend_from_slice(name);
    out.extend_from_slice(b") ");
    print::fmt_hex(p as usize as u64, &mut out);
    raise(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_messages_follow_go() {
        let m = bounds_message;
        assert_eq!(
            m(Bounds::Index, 5, true, 3),
            "index out of range [5] with length 3"
        );
        assert_eq!(m(Bounds::Index, -1, true, 3), "index out of range [-1]");
        assert_eq!(
            m(Bounds::Index, -1, false, 3),
            "index out of range [18446744073709551615] with length 3"
        );
        assert_eq!(
            m(Bounds::SliceAcap, 5, true, 3),
            "slice bounds out of range [:5] with capacity 3"
        );
        assert_eq!(
            m(Bounds::SliceAlen, 6, true, 5),
            "slice bounds out of range [:6] with length 5"
        );
        assert_eq!(
            m(Bounds::SliceB, 3, true, 2),
            "slice bounds out of range [3:2]"
        );
        assert_eq!(
            m(Bounds::SliceB, -1, true, 2),
            "slice bounds out of range [-1:]"
        );
        assert_eq!(
            m(Bounds::SliceAlen, -2, true, 2),
            "slice bounds out of range [:-2]"
        );
    }

    #[test]
    fn panic_values() {
        let mut out = Vec::new();
        indented(b"a\nb", &mut out);
        assert_eq!(out, b"a\n\tb");
        assert_eq!(named(b"main.T", |b| print::fmt_int(3, b)), b"main.T(3)");
        assert_eq!(named(b"", |b| print::fmt_bool(true, b)), b"true");
    }
}
