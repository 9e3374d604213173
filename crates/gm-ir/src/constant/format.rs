//! Constant values as Go's checker shows them in messages: integers in
//! full, floats as `%.6g` of their nearest float64 (go/constant's `String`).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Pow, Zero};

use super::round::{floor_log2, to_f64};

/// A float constant's message text: `0.333333`, `1.0000005e+06`, `1e+400`.
pub fn float_text(r: &BigRational) -> String {
    match to_f64(r) {
        Some(x) if r.is_zero() == (x == 0.0) => {
            let s = format_g(x, Some(6));
            if !r.is_integer() && !s.contains('.') {
                // Six digits hide the fraction: show them all.
                format_g(x, None)
            } else {
                s
            }
        }
        _ => beyond_f64_text(r),
    }
}

/// `m e±d` with six significant digits, for values outside float64's range.
fn beyond_f64_text(r: &BigRational) -> String {
    let log2 = floor_log2(r.numer().magnitude(), r.denom().magnitude());
    let mut e = (log2 as f64 * std::f64::consts::LOG10_2).floor() as i64;
    let mantissa = |e: i64| -> f64 {
        let power: BigInt = Pow::pow(BigInt::from(10), e.unsigned_abs());
        let scaled = if e >= 0 {
            r / BigRational::from_integer(power)
        } else {
            r * BigRational::from_integer(power)
        };
        to_f64(&scaled).unwrap_or(f64::INFINITY)
    };
    let mut m = mantissa(e);
    // The estimate of the exponent can be one off either way.
    if m.abs() >= 10.0 {
        e += 1;
        m = mantissa(e);
    } else if m.abs() < 1.0 {
        e -= 1;
        m = mantissa(e);
    }
    let sign = if e >= 0 { "+" } else { "-" };
    format!("{}e{sign}{}", format_g(m, Some(6)), e.abs())
}

/// Go's `strconv.FormatFloat(x, 'g', prec, 64)`; `None` is the shortest
/// representation that reads back as `x`.
pub fn format_g(x: f64, prec: Option<usize>) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let sci = match prec {
        Some(p) => format!("{:.*e}", p.max(1) - 1, x.abs()),
        None => format!("{:e}", x.abs()),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let nd = digits.len() as i64;
    let dp = exp + 1;
    let mut p = prec.map_or(nd, |p| p.max(1) as i64);
    let mut eprec = p;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    if prec.is_none() {
        eprec = 6;
    }
    let neg = if x < 0.0 { "-" } else { "" };
    if exp < -4 || exp >= eprec {
        p = p.min(nd);
        let frac = &digits[1..p as usize];
        let dot = if frac.is_empty() { "" } else { "." };
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{neg}{}{dot}{frac}e{sign}{:02}", &digits[..1], exp.abs());
    }
    if p > dp {
        p = nd;
    }
    let frac_len = (p - dp).max(0);
    let digit = |i: i64| -> char {
        if i >= 0 && i < nd {
            digits.as_bytes()[i as usize] as char
        } else {
            '0'
        }
    };
    let int: String = if dp > 0 {
        (0..dp).map(digit).collect()
    } else {
        "0".into()
    };
    let frac: String = (dp..dp + frac_len).map(digit).collect();
    if frac.is_empty() {
        format!("{neg}{int}")
    } else {
        format!("{neg}{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constant::literal::float_value;

    #[test]
    fn percent_g_matches_go() {
        let cases = [
            (1.0 / 3.0, Some(6), "0.333333"),
            (123456789.0, Some(6), "1.23457e+08"),
            (1e21, Some(6), "1e+21"),
            (200.0, Some(6), "200"),
            (1000000.5, Some(6), "1e+06"),
            (1000000.5, None, "1.0000005e+06"),
            (0.0001, Some(6), "0.0001"),
            (0.00001, Some(6), "1e-05"),
            (-2.5, Some(6), "-2.5"),
            (100000.0, None, "100000"),
            (1234567.0, None, "1.234567e+06"),
        ];
        for (x, prec, want) in cases {
            assert_eq!(format_g(x, prec), want, "{x} {prec:?}");
        }
    }

    #[test]
    fn message_text_of_float_constants() {
        let text = |lit: &str| float_text(&float_value(lit).unwrap());
        assert_eq!(text("0.1"), "0.1");
        assert_eq!(text("123456789.0"), "1.23457e+08");
        assert_eq!(text("1000000.5"), "1.0000005e+06");
        assert_eq!(text("1e400"), "1e+400");
        assert_eq!(text("-2.5e-400"), "-2.5e-400");
    }
}
