//! UTF-8 as Go's runtime decodes and encodes it (`runtime/utf8.go`): an
//! invalid or truncated sequence, a surrogate, an overlong form or a value
//! above U+10FFFF decodes as U+FFFD with width 1.

/// The replacement character (Go: `utf8.RuneError`).
pub const RUNE_ERROR: i32 = 0xFFFD;
/// The largest code point.
pub const MAX_RUNE: i32 = 0x10FFFF;

const SURROGATE_MIN: i32 = 0xD800;
const SURROGATE_MAX: i32 = 0xDFFF;

/// Whether `b` is a continuation byte (`10xxxxxx`).
#[inline]
fn cont(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Decodes the rune starting at byte `k` of `s` (`k < s.len()`): returns the
/// rune and the index just after it. Invalid input yields
/// `(RUNE_ERROR, k + 1)`.
pub fn decode_rune(s: &[u8], k: usize) -> (i32, usize) {
    let b0 = s[k];
    if b0 < 0x80 {
        return (i32::from(b0), k + 1);
    }
    let rest = &s[k + 1..];
    let bad = (RUNE_ERROR, k + 1);
    // Width from the lead byte, and the smallest value that width may hold
    // (anything smaller is an overlong encoding).
    let (width, init, min) = match b0 {
        0xC0..=0xDF => (2, i32::from(b0 & 0x1F), 0x80),
        0xE0..=0xEF => (3, i32::from(b0 & 0x0F), 0x800),
        0xF0..=0xF7 => (4, i32::from(b0 & 0x07), 0x10000),
        _ => return bad,
    };
    if rest.len() < width - 1 {
        return bad;
    }
    let mut r = init;
    for &b in &rest[..width - 1] {
        if !cont(b) {
            return bad;
        }
        r = (r << 6) | i32::from(b & 0x3F);
    }
    if r < min || r > MAX_RUNE || (SURROGATE_MIN..=SURROGATE_MAX).contains(&r) {
        return bad;
    }
    (r, k + width)
}

/// Appends the UTF-8 encoding of `r` to `out`; an invalid rune (negative,
/// a surrogate, above U+10FFFF) encodes U+FFFD. Returns the width.
pub fn encode_rune(r: i64, out: &mut Vec<u8>) -> usize {
    let r = if (0..=i64::from(MAX_RUNE)).contains(&r)
        && !(i64::from(SURROGATE_MIN)..=i64::from(SURROGATE_MAX)).contains(&r)
    {
        r as u32
    } else {
        RUNE_ERROR as u32
    };
    match r {
        0..=0x7F => {
            out.push(r as u8);
            1
        }
        0x80..=0x7FF => {
            out.push(0xC0 | (r >> 6) as u8);
            out.push(0x80 | (r & 0x3F) as u8);
            2
        }
        0x800..=0xFFFF => {
            out.push(0xE0 | (r >> 12) as u8);
            out.push(0x80 | ((r >> 6) & 0x3F) as u8);
            out.push(0x80 | (r & 0x3F) as u8);
            3
        }
        _ => {
            out.push(0xF0 | (r >> 18) as u8);
            out.push(0x80 | ((r >> 12) & 0x3F) as u8);
            out.push(0x80 | ((r >> 6) & 0x3F) as u8);
            out.push(0x80 | (r & 0x3F) as u8);
            4
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(s: &[u8]) -> Vec<(usize, i32)> {
        let mut out = Vec::new();
        let mut k = 0;
        while k < s.len() {
            let (r, next) = decode_rune(s, k);
            out.push((k, r));
            k = next;
        }
        out
    }

    #[test]
    fn agrees_with_std_on_valid_text() {
        let s = "aé世🙂\u{10FFFF}\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}";
        let want: Vec<(usize, i32)> = s.char_indices().map(|(i, c)| (i, c as i32)).collect();
        assert_eq!(decode_all(s.as_bytes()), want);
    }

    #[test]
    fn invalid_bytes_are_width_one_errors() {
        // lone continuation, truncated 3-byte, overlong '/', surrogate, > max
        assert_eq!(decode_all(b"\x80"), [(0, RUNE_ERROR)]);
        assert_eq!(decode_all(b"\xE4\xB8"), [(0, RUNE_ERROR), (1, RUNE_ERROR)]);
        assert_eq!(decode_all(b"\xC0\xAF").len(), 2);
        assert_eq!(decode_all(b"\xED\xA0\x80").len(), 3);
        assert_eq!(decode_all(b"\xF4\x90\x80\x80").len(), 4);
        assert_eq!(decode_all(b"\xFFa"), [(0, RUNE_ERROR), (1, 'a' as i32)]);
    }

    #[test]
    fn encoding_matches_std_and_replaces_invalid() {
        for c in ['a', 'é', '世', '🙂', '\u{10FFFF}'] {
            let mut out = Vec::new();
            encode_rune(c as i64, &mut out);
            assert_eq!(out, c.to_string().as_bytes());
        }
        for bad in [-1, 0xD800, 0x110000, i64::MAX] {
            let mut out = Vec::new();
            encode_rune(bad, &mut out);
            assert_eq!(out, "\u{FFFD}".as_bytes());
        }
    }
}
