//! Go's `print`/`println` builtins (`runtime/print.go`) and the buffered
//! stdout they write to.
//!
//! Go writes these to stderr unbuffered; gm sends them to stdout through a
//! buffer owned by this module, flushed when it fills, at the end of a
//! `printlock`/`printunlock` bracket when stdout is a terminal, before any
//! panic, and by [`flush_stdout`] (which the driver calls at exit).
//!
//! The formatting functions (`fmt_*`) are pure and append to a `Vec<u8>`.

use std::io::{IsTerminal, Write};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// Buffered bytes beyond which a write flushes.
const FLUSH_AT: usize = 32 * 1024;

struct Out {
    buf: Vec<u8>,
    /// printlock nesting depth.
    depth: u32,
}

static OUT: Mutex<Out> = Mutex::new(Out {
    buf: Vec::new(),
    depth: 0,
});

fn out() -> MutexGuard<'static, Out> {
    OUT.lock().unwrap_or_else(|e| e.into_inner())
}

fn interactive() -> bool {
    static TTY: OnceLock<bool> = OnceLock::new();
    *TTY.get_or_init(|| std::io::stdout().is_terminal())
}

fn write_out(buf: &mut Vec<u8>) {
    if buf.is_empty() {
        return;
    }
    let mut so = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) is not the program's error; drop output.
    let _ = so.write_all(buf);
    let _ = so.flush();
    buf.clear();
}

/// Writes everything buffered so far to stdout.
pub fn flush_stdout() {
    write_out(&mut out().buf);
}

/// Appends bytes to the buffer (flushing if it grew large).
pub fn write_bytes(b: &[u8]) {
    let mut o = out();
    o.buf.extend_from_slice(b);
    if o.buf.len() >= FLUSH_AT {
        write_out(&mut o.buf);
    }
}

fn with_buf(f: impl FnOnce(&mut Vec<u8>)) {
    let mut o = out();
    f(&mut o.buf);
    if o.buf.len() >= FLUSH_AT {
        write_out(&mut o.buf);
    }
}

/// Go: `runtime.printlock`.
pub fn printlock() {
    out().depth += 1;
}

/// Go: `runtime.printunlock`. On a terminal, a finished print statement is
/// shown at once.
pub fn printunlock() {
    let mut o = out();
    o.depth = o.depth.saturating_sub(1);
    if o.depth == 0 && interactive() {
        write_out(&mut o.buf);
    }
}

/// Decimal, with `-` for negatives (Go: `printint`).
pub fn fmt_int(v: i64, buf: &mut Vec<u8>) {
    if v < 0 {
        buf.push(b'-');
    }
    fmt_uint(v.unsigned_abs(), buf);
}

/// Decimal (Go: `printuint`).
pub fn fmt_uint(mut v: u64, buf: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut n = digits.len();
    loop {
        n -= 1;
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[n..]);
}

/// `0x` and lowercase hex digits, no padding (Go: `printhex`).
pub fn fmt_hex(mut v: u64, buf: &mut Vec<u8>) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 16];
    let mut n = digits.len();
    loop {
        n -= 1;
        digits[n] = DIGITS[(v & 15) as usize];
        v >>= 4;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(b"0x");
    buf.extend_from_slice(&digits[n..]);
}

/// `true` / `false` (Go: `printbool`).
pub fn fmt_bool(v: bool, buf: &mut Vec<u8>) {
    buf.extend_from_slice(if v { b"true" } else { b"false" });
}

/// Go's `printfloat`: `±d.dddddde±ddd`, seven significant digits, computed
/// with the same f64 steps as Go so every bit pattern prints the same
/// (LOWERING §10); Rust's formatter rounds differently.
pub fn fmt_float(v: f64, buf: &mut Vec<u8>) {
    const DIGITS: usize = 7;
    if v.is_nan() {
        buf.extend_from_slice(b"NaN");
        return;
    }
    if v + v == v && v != 0.0 {
        buf.extend_from_slice(if v > 0.0 { b"+Inf" } else { b"-Inf" });
        return;
    }
    let mut sign = b'+';
    let mut exp: i32 = 0;
    let mut m = v;
    if m == 0.0 {
        if (1.0 / m) < 0.0 {
            sign = b'-';
        }
    } else {
        if m < 0.0 {
            m = -m;
            sign = b'-';
        }
        while m >= 10.0 {
            m /= 10.0;
            exp += 1;
        }
        while m < 1.0 {
            m *= 10.0;
            exp -= 1;
        }
        // Round at the seventh digit: 5 scaled down seven times, one division
        // at a time, exactly as Go computes it.
        let mut half = 5.0;
        for _ in 0..DIGITS {
            half /= 10.0;
        }
        m += half;
        if m >= 10.0 {
            m /= 10.0;
            exp += 1;
        }
    }
    let mut digits = [0u8; DIGITS];
    for d in &mut digits {
        let whole = m as i64;
        *d = b'0' + whole as u8;
        m = (m - whole as f64) * 10.0;
    }
    buf.push(sign);
    buf.push(digits[0]);
    buf.push(b'.');
    buf.extend_from_slice(&digits[1..]);
    buf.push(b'e');
    buf.push(if exp < 0 { b'-' } else { b'+' });
    let e = exp.unsigned_abs();
    buf.push(b'0' + (e / 100) as u8);
    buf.push(b'0' + ((e / 10) % 10) as u8);
    buf.push(b'0' + (e % 10) as u8);
}

/// [`fmt_float`] into a new string.
pub fn format_float(v: f64) -> String {
    let mut b = Vec::new();
    fmt_float(v, &mut b);
    String::from_utf8(b).unwrap_or_default()
}

/// Go: `runtime.printint`.
pub fn printint(v: i64) {
    with_buf(|b| fmt_int(v, b));
}

/// Go: `runtime.printuint`.
pub fn printuint(v: u64) {
    with_buf(|b| fmt_uint(v, b));
}

/// Go: `runtime.printfloat`.
pub fn printfloat(v: f64) {
    with_buf(|b| fmt_float(v, b));
}

/// Go: `runtime.printbool`.
pub fn printbool(v: bool) {
    with_buf(|b| fmt_bool(v, b));
}

/// Go: `runtime.printpointer`.
pub fn printpointer(p: *const u8) {
    with_buf(|b| fmt_hex(p as usize as u64, b));
}

/// Go: `runtime.printslice`: `[len/cap]0x…`.
pub fn printslice(p: *const u8, len: i64, cap: i64) {
    with_buf(|b| {
        b.push(b'[');
        fmt_int(len, b);
        b.push(b'/');
        fmt_int(cap, b);
        b.push(b']');
        fmt_hex(p as usize as u64, b);
    });
}

/// Go: `runtime.printstring`: the raw bytes, no quotes.
///
/// # Safety
/// `p` points to `len` readable bytes, or `len <= 0`.
pub unsafe fn printstring(p: *const u8, len: i64) {
    if len <= 0 || p.is_null() {
        return;
    }
    // SAFETY: the caller guarantees `len` readable bytes at `p`.
    let s = unsafe { std::slice::from_raw_parts(p, len as usize) };
    write_bytes(s);
}

/// Go: `runtime.printsp`.
pub fn printsp() {
    write_bytes(b" ");
}

/// Go: `runtime.printnl`.
pub fn printnl() {
    write_bytes(b"\n");
}
