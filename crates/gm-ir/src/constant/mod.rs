//! Constant values: exact integers and rationals, booleans and strings.
//!
//! Untyped constants are exact, as in Go: integers of any size up to the
//! checker's 512-bit limit, and floats as rationals. A typed float constant
//! holds the exact value of its rounded float64 or float32.

mod format;
pub mod literal;
mod round;

use std::fmt;
use std::rc::Rc;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::types::Basic;

pub use format::{float_text, format_g};
pub use round::{to_f32, to_f64};

/// Untyped integer constants may not grow beyond this many bits (Go's
/// constant precision).
pub const MAX_UNTYPED_INT_BITS: u64 = 512;

/// Components beyond this many bits make a rational a binary float of
/// [`FLOAT_PRECISION`] bits, as Go's constants switch from rationals to
/// 512-bit floats.
const MAX_RATIONAL_BITS: u64 = 4 << 10;
const FLOAT_PRECISION: u64 = 512;
/// A float constant's binary exponent beyond this is refused.
const MAX_FLOAT_EXP: i64 = 1 << 20;

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    Bool(bool),
    Int(BigInt),
    /// Boxed: a rational is twice the size of the other values.
    Float(Box<BigRational>),
    String(Rc<[u8]>),
}

impl ConstValue {
    pub fn int(v: impl Into<BigInt>) -> ConstValue {
        ConstValue::Int(v.into())
    }

    /// A float constant, made a 512-bit binary float when the exact
    /// rational grows too large; `None` when its magnitude is out of reach.
    pub fn float(r: BigRational) -> Option<ConstValue> {
        let big = |x: &BigInt| x.bits() > MAX_RATIONAL_BITS;
        if !big(r.numer()) && !big(r.denom()) {
            return Some(ConstValue::Float(Box::new(r)));
        }
        let format = round::Format {
            precision: FLOAT_PRECISION,
            min_lsb_exp: -MAX_FLOAT_EXP,
            max_exp: MAX_FLOAT_EXP,
        };
        let rounded = round::round(&r, format)?;
        Some(ConstValue::Float(Box::new(rounded.to_rational())))
    }

    /// The value as an integer, if it is one (also an integral float).
    pub fn big_int(&self) -> Option<BigInt> {
        match self {
            ConstValue::Int(v) => Some(v.clone()),
            ConstValue::Float(r) if r.is_integer() => Some(r.to_integer()),
            _ => None,
        }
    }

    /// [`Self::big_int`] when it fits in 128 bits.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            ConstValue::Int(v) => v.to_i128(),
            other => other.big_int()?.to_i128(),
        }
    }

    /// The exact value of a numeric constant.
    pub fn rational(&self) -> Option<BigRational> {
        match self {
            ConstValue::Int(v) => Some(BigRational::from_integer(v.clone())),
            ConstValue::Float(r) => Some((**r).clone()),
            _ => None,
        }
    }

    /// The nearest float64 (infinite beyond its range).
    pub fn as_f64(&self) -> Option<f64> {
        let r = self.rational()?;
        Some(to_f64(&r).unwrap_or(if r.is_negative() {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }))
    }

    pub fn is_zero(&self) -> bool {
        match self {
            ConstValue::Int(v) => v.is_zero(),
            ConstValue::Float(r) => r.is_zero(),
            _ => false,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            ConstValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&[u8]> {
        match self {
            ConstValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn string(bytes: &[u8]) -> ConstValue {
        ConstValue::String(Rc::from(bytes))
    }

    /// The constant as Go source text (`42`, `1.5`, `"s\n"`).
    pub fn literal(&self) -> String {
        match self {
            ConstValue::String(s) => quote(s),
            ConstValue::Float(_) => format_float(self.as_f64().unwrap_or(0.0)),
            other => other.to_string(),
        }
    }

    /// The value as Go's messages show it: `0.333333`, `1e+400`, and
    /// strings quoted and cut to 72 characters.
    pub fn message_text(&self) -> String {
        const MAX_CHARS: usize = 72;
        match self {
            ConstValue::Float(r) => float_text(r),
            ConstValue::String(s) => {
                let quoted = quote(s);
                if quoted.chars().count() > MAX_CHARS {
                    let kept: String = quoted.chars().take(MAX_CHARS - 3).collect();
                    format!("{kept}...")
                } else {
                    quoted
                }
            }
            other => other.to_string(),
        }
    }

    /// The bits of a constant as stored in a 64-bit register (two's
    /// complement integers, float64 bits), for code generation.
    pub fn bits(&self) -> u64 {
        match self {
            ConstValue::Bool(b) => u64::from(*b),
            ConstValue::Int(v) => v.to_i128().map_or(0, |v| v as u64),
            ConstValue::Float(_) => self.as_f64().unwrap_or(0.0).to_bits(),
            ConstValue::String(_) => 0,
        }
    }
}

impl fmt::Display for ConstValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstValue::Bool(b) => write!(f, "{b}"),
            ConstValue::Int(v) => write!(f, "{v}"),
            ConstValue::Float(_) => write!(f, "{}", self.literal()),
            ConstValue::String(s) => write!(f, "{}", quote(s)),
        }
    }
}

pub use gm_syntax::exprtext::{format_float, quote};

/// The inclusive range of an integer type.
pub fn int_range(b: Basic) -> (i128, i128) {
    let bits = b.bits();
    if b.is_unsigned() {
        (0, (1i128 << bits) - 1)
    } else {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    }
}

/// Whether a constant value fits in a basic type without loss; returns the
/// value converted to the type's representation (rounded to float32 or
/// float64 for float types, integral floats made integers for integer
/// types).
pub fn representable(value: &ConstValue, b: Basic) -> Option<ConstValue> {
    match b {
        Basic::Bool => matches!(value, ConstValue::Bool(_)).then(|| value.clone()),
        Basic::String => matches!(value, ConstValue::String(_)).then(|| value.clone()),
        Basic::Float32 => {
            let f = to_f32(&value.rational()?)?;
            Some(ConstValue::Float(Box::new(BigRational::from_float(f)?)))
        }
        Basic::Float64 => {
            let f = to_f64(&value.rational()?)?;
            Some(ConstValue::Float(Box::new(BigRational::from_float(f)?)))
        }
        b if b.is_integer() => {
            let v = value.as_int()?;
            let (lo, hi) = int_range(b);
            (lo..=hi).contains(&v).then(|| ConstValue::int(v))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(lit: &str) -> ConstValue {
        ConstValue::Float(Box::new(literal::float_value(lit).unwrap()))
    }

    #[test]
    fn ranges_and_representability() {
        assert_eq!(int_range(Basic::Uint8), (0, 255));
        assert_eq!(int_range(Basic::Int8), (-128, 127));
        assert!(representable(&ConstValue::int(255), Basic::Uint8).is_some());
        assert!(representable(&ConstValue::int(256), Basic::Uint8).is_none());
        assert!(representable(&float("1.5"), Basic::Int).is_none());
        assert_eq!(
            representable(&float("2.0"), Basic::Int),
            Some(ConstValue::int(2))
        );
        assert!(representable(&float("1e300"), Basic::Float32).is_none());
        assert!(representable(&float("1e400"), Basic::Float64).is_none());
    }

    #[test]
    fn floats_are_exact_until_rounded_to_a_type() {
        let sum = float("0.1").rational().unwrap() + float("0.2").rational().unwrap();
        assert_eq!(ConstValue::Float(Box::new(sum.clone())), float("0.3"));
        let f64_sum = representable(&ConstValue::Float(Box::new(sum)), Basic::Float64).unwrap();
        assert_eq!(f64_sum.as_f64(), Some(0.3));
        let f32 = representable(&float("0.1"), Basic::Float32).unwrap();
        assert_eq!(f32.as_f64(), Some(f64::from(0.1f32)));
    }

    #[test]
    fn huge_rationals_become_512_bit_floats() {
        let third = BigRational::new(1.into(), 3.into());
        let big = BigRational::from_integer(BigInt::from(1) << 5000usize);
        let ConstValue::Float(r) = ConstValue::float(third * big).unwrap() else {
            panic!("not a float")
        };
        assert!(r.numer().bits() <= 5000 && r.denom().bits() <= 1);
        let beyond = BigRational::from_integer(BigInt::from(1) << (MAX_FLOAT_EXP as usize + 1));
        assert!(ConstValue::float(beyond).is_none());
    }

    #[test]
    fn quoting_and_floats() {
        assert_eq!(quote(b"a\"b\n"), r#""a\"b\n""#);
        assert_eq!(format_float(1.5), "1.5");
        assert_eq!(format_float(1e21), "1e+21");
        assert_eq!(float("1.0").message_text(), "1");
        assert_eq!(
            ConstValue::int(BigInt::from(1) << 100usize)
                .to_string()
                .len(),
            31
        );
    }
}
