//! Correctly rounded conversion of exact rationals to binary floating point
//! (round half to even, as Go's `big.Rat.Float64` and its constant rounding).

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};

/// A binary format: `precision` significand bits (with the hidden bit) and
/// the exponent of the least significant bit of the smallest subnormal.
#[derive(Clone, Copy)]
pub struct Format {
    pub precision: u64,
    pub min_lsb_exp: i64,
    /// Values at or above `2^max_exp` overflow.
    pub max_exp: i64,
}

pub const F64: Format = Format {
    precision: 53,
    min_lsb_exp: -1074,
    max_exp: 1024,
};

pub const F32: Format = Format {
    precision: 24,
    min_lsb_exp: -149,
    max_exp: 128,
};

/// A rounded value `(-1)^negative * significand * 2^exp`.
pub struct Rounded {
    pub negative: bool,
    pub significand: BigUint,
    pub exp: i64,
}

impl Rounded {
    pub fn to_rational(&self) -> BigRational {
        let mut num = BigInt::from_biguint(Sign::Plus, self.significand.clone());
        let mut den = BigInt::one();
        if self.exp >= 0 {
            num <<= self.exp as usize;
        } else {
            den <<= self.exp.unsigned_abs() as usize;
        }
        if self.negative {
            num = -num;
        }
        BigRational::new(num, den)
    }
}

/// `floor(log2(|r|))` for a non-zero rational.
pub fn floor_log2(num: &BigUint, den: &BigUint) -> i64 {
    let k = num.bits() as i64 - den.bits() as i64;
    // |r| >= 2^k exactly when num >= den * 2^k.
    let at_least = if k >= 0 {
        *num >= den << k as usize
    } else {
        num << k.unsigned_abs() as usize >= *den
    };
    if at_least { k } else { k - 1 }
}

/// Rounds `r` to `format`; `None` when the result overflows to infinity.
pub fn round(r: &BigRational, format: Format) -> Option<Rounded> {
    let negative = r.numer().sign() == Sign::Minus;
    let num = r.numer().magnitude();
    let den = r.denom().magnitude();
    if num.is_zero() {
        return Some(Rounded {
            negative: false,
            significand: BigUint::zero(),
            exp: 0,
        });
    }
    let lsb = (floor_log2(num, den) - (format.precision as i64 - 1)).max(format.min_lsb_exp);
    let (n, d) = if lsb >= 0 {
        (num.clone(), den << lsb as usize)
    } else {
        (num << lsb.unsigned_abs() as usize, den.clone())
    };
    let (mut q, rem) = n.div_rem(&d);
    let twice = rem << 1usize;
    if twice > d || (twice == d && q.is_odd()) {
        q += 1u32;
    }
    if q.bits() as i64 + lsb > format.max_exp {
        return None;
    }
    Some(Rounded {
        negative,
        significand: q,
        exp: lsb,
    })
}

/// The nearest `f64`, or `None` if `r` rounds to infinity.
pub fn to_f64(r: &BigRational) -> Option<f64> {
    let x = round(r, F64)?;
    let sig = u64::try_from(&x.significand).ok()?;
    let magnitude = if sig == 0 {
        0.0
    } else {
        // sig < 2^54 and exp >= -1074: scale by exact powers of two in two
        // steps so that neither intermediate over- or underflows.
        let half = x.exp / 2;
        sig as f64 * exp2(half) * exp2(x.exp - half)
    };
    Some(if x.negative { -magnitude } else { magnitude })
}

/// The nearest `f32`, or `None` if `r` rounds to infinity.
pub fn to_f32(r: &BigRational) -> Option<f32> {
    let x = round(r, F32)?;
    let sig = u64::try_from(&x.significand).ok()?;
    // Every f32 is an f64, and this product is exact in f64.
    let magnitude = sig as f64 * exp2(x.exp);
    let v = magnitude as f32;
    Some(if x.negative { -v } else { v })
}

/// `2^e` for `-1074 <= e <= 1023` as an exact f64.
fn exp2(e: i64) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rat(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn agrees_with_ieee_division() {
        for (n, d) in [
            (1, 10),
            (2, 10),
            (3, 10),
            (1, 3),
            (-7, 9),
            (123456789, 1000),
        ] {
            // IEEE division of exact operands is correctly rounded too.
            let quotient = (n as f64) / (d as f64);
            assert_eq!(to_f64(&rat(n, d)), Some(quotient), "{n}/{d}");
        }
        let third = to_f32(&rat(1, 3)).unwrap();
        assert_eq!(third, 1.0f32 / 3.0);
    }

    #[test]
    fn halfway_cases_round_to_even() {
        // 2^53 + 1 lies halfway between 2^53 and 2^53 + 2.
        let n = (BigInt::one() << 53usize) + 1;
        let r = BigRational::from_integer(n);
        assert_eq!(to_f64(&r), Some(9007199254740992.0));
        let n = (BigInt::one() << 53usize) + 3;
        assert_eq!(
            to_f64(&BigRational::from_integer(n)),
            Some(9007199254740996.0)
        );
    }

    #[test]
    fn subnormals_and_overflow() {
        let tiny = BigRational::new(BigInt::one(), BigInt::one() << 1074usize);
        assert_eq!(to_f64(&tiny), Some(f64::from_bits(1)));
        let below = BigRational::new(BigInt::one(), BigInt::one() << 1076usize);
        assert_eq!(to_f64(&below), Some(0.0));
        let max = BigRational::from_float(f64::MAX).unwrap();
        assert_eq!(to_f64(&max), Some(f64::MAX));
        let huge = BigRational::from_integer(BigInt::one() << 1024usize);
        assert_eq!(to_f64(&huge), None);
        assert_eq!(to_f32(&BigRational::from_float(1e39).unwrap()), None);
        assert_eq!(to_f32(&BigRational::from_float(1e-46).unwrap()), Some(0.0));
    }
}
