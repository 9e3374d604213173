//! Exact values of Go's integer and floating-point literals. The lexer has
//! already checked their shape; these read the digits.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Pow;

/// Decimal exponents beyond this are refused rather than expanded into
/// integers of hundreds of kilobytes.
pub const MAX_DECIMAL_EXPONENT: i64 = 100_000;

/// The value of an integer literal (`42`, `0x_ff`, `0o17`, `017`, `0b1`).
pub fn int_value(text: &str) -> Option<BigInt> {
    let (radix, body) = gm_syntax::lexer::int_digits(text);
    BigInt::parse_bytes(body.as_bytes(), radix)
}

/// Why a floating-point literal has no exact value here.
#[derive(Debug, PartialEq)]
pub enum FloatError {
    Malformed,
    ExponentTooLarge,
}

/// The exact value of a floating-point literal, decimal (`1.5e3`) or
/// hexadecimal (`0x1.8p1`).
pub fn float_value(text: &str) -> Result<BigRational, FloatError> {
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    let (hex, body) = match digits.get(..2) {
        Some("0x" | "0X") => (true, &digits[2..]),
        _ => (false, &digits[..]),
    };
    let markers: &[char] = if hex { &['p', 'P'] } else { &['e', 'E'] };
    let (mantissa, exp) = match body.split_once(markers) {
        Some((m, e)) => (m, e.parse::<i64>().map_err(|_| FloatError::Malformed)?),
        None if hex => return Err(FloatError::Malformed),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    if all.is_empty() {
        return Err(FloatError::Malformed);
    }
    let radix = if hex { 16 } else { 10 };
    let value = BigInt::parse_bytes(all.as_bytes(), radix).ok_or(FloatError::Malformed)?;
    // Each fraction digit is 4 bits of a hex mantissa, one decimal place
    // of a decimal one.
    let frac_len = frac.len() as i64;
    let (base, scale) = if hex {
        (2u32, exp.saturating_sub(4 * frac_len))
    } else {
        (10u32, exp.saturating_sub(frac_len))
    };
    if value == BigInt::from(0) {
        return Ok(BigRational::from_integer(value));
    }
    // A hex exponent counts bits: allow about as large a value.
    let limit = if hex {
        4 * MAX_DECIMAL_EXPONENT
    } else {
        MAX_DECIMAL_EXPONENT
    };
    if scale.unsigned_abs() > limit as u64 {
        return Err(FloatError::ExponentTooLarge);
    }
    let power: BigInt = Pow::pow(BigInt::from(base), scale.unsigned_abs());
    Ok(if scale >= 0 {
        BigRational::from_integer(value * power)
    } else {
        BigRational::new(value, power)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::One;

    fn rat(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn integers_in_every_base() {
        assert_eq!(int_value("1_000"), Some(1000.into()));
        assert_eq!(int_value("0x_Ff"), Some(255.into()));
        assert_eq!(int_value("0o17"), Some(15.into()));
        assert_eq!(int_value("017"), Some(15.into()));
        assert_eq!(int_value("0b101"), Some(5.into()));
        assert_eq!(int_value("0"), Some(0.into()));
        let big = int_value("340282366920938463463374607431768211456").unwrap();
        assert_eq!(big, BigInt::one() << 128usize);
    }

    #[test]
    fn floats_are_exact() {
        assert_eq!(float_value("0.1"), Ok(rat(1, 10)));
        assert_eq!(float_value("1_0.2_5"), Ok(rat(41, 4)));
        assert_eq!(float_value(".5e1"), Ok(rat(5, 1)));
        assert_eq!(float_value("2."), Ok(rat(2, 1)));
        assert_eq!(float_value("1E-2"), Ok(rat(1, 100)));
        assert_eq!(float_value("0x1p-2"), Ok(rat(1, 4)));
        assert_eq!(float_value("0x1.8p1"), Ok(rat(3, 1)));
        assert_eq!(float_value("0X.8P0"), Ok(rat(1, 2)));
        assert_eq!(float_value("0e999999999"), Ok(rat(0, 1)));
        assert_eq!(float_value("0x1.8"), Err(FloatError::Malformed));
        assert_eq!(
            float_value("1e999999999"),
            Err(FloatError::ExponentTooLarge)
        );
    }
}
