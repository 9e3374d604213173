//! Constant values: exact integers (128-bit), floats, booleans and strings.
//!
//! Untyped integer constant arithmetic is exact within 128 bits; a result
//! outside that range is reported as an overflow by the checker. Typed
//! constants are checked against their type with [`representable`].

use std::fmt;
use std::rc::Rc;

use crate::types::Basic;

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    Bool(bool),
    Int(i128),
    Float(f64),
    String(Rc<[u8]>),
}

impl ConstValue {
    pub fn as_int(&self) -> Option<i128> {
        match self {
            ConstValue::Int(v) => Some(*v),
            ConstValue::Float(f) if f.fract() == 0.0 && f.abs() < 1.7e38 => Some(*f as i128),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ConstValue::Int(v) => Some(*v as f64),
            ConstValue::Float(f) => Some(*f),
            _ => None,
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
            ConstValue::Float(f) => format_float(*f),
            other => other.to_string(),
        }
    }

    /// The bits of an integer constant as stored in a 64-bit register
    /// (two's complement), for code generation.
    pub fn bits(&self) -> u64 {
        match self {
            ConstValue::Bool(b) => u64::from(*b),
            ConstValue::Int(v) => *v as u64,
            ConstValue::Float(f) => f.to_bits(),
            ConstValue::String(_) => 0,
        }
    }
}

impl fmt::Display for ConstValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstValue::Bool(b) => write!(f, "{b}"),
            ConstValue::Int(v) => write!(f, "{v}"),
            ConstValue::Float(v) => write!(f, "{}", format_float(*v)),
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
/// value converted to the type's representation (floats rounded to float32
/// for `float32`, integral floats made integers for integer types).
pub fn representable(value: &ConstValue, b: Basic) -> Option<ConstValue> {
    match b {
        Basic::Bool => matches!(value, ConstValue::Bool(_)).then(|| value.clone()),
        Basic::String => matches!(value, ConstValue::String(_)).then(|| value.clone()),
        Basic::Float32 => {
            let f = value.as_f64()?;
            let r = f as f32;
            (r.is_finite() || !f.is_finite()).then_some(ConstValue::Float(f64::from(r)))
        }
        Basic::Float64 => {
            let f = value.as_f64()?;
            f.is_finite().then_some(ConstValue::Float(f))
        }
        b if b.is_integer() => {
            let v = value.as_int()?;
            let (lo, hi) = int_range(b);
            (lo..=hi).contains(&v).then_some(ConstValue::Int(v))
        }
        _ => None,
    }
}

/// Truncates an integer to the width of an integer type, wrapping as a
/// run-time conversion would.
pub fn wrap_int(v: i128, b: Basic) -> i128 {
    let bits = b.bits();
    let mask = (1u128 << bits) - 1;
    let raw = (v as u128) & mask;
    if b.is_unsigned() || raw >> (bits - 1) == 0 {
        raw as i128
    } else {
        raw as i128 - (1i128 << bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_representability() {
        assert_eq!(int_range(Basic::Uint8), (0, 255));
        assert_eq!(int_range(Basic::Int8), (-128, 127));
        assert!(representable(&ConstValue::Int(255), Basic::Uint8).is_some());
        assert!(representable(&ConstValue::Int(256), Basic::Uint8).is_none());
        assert!(representable(&ConstValue::Float(1.5), Basic::Int).is_none());
        assert_eq!(
            representable(&ConstValue::Float(2.0), Basic::Int),
            Some(ConstValue::Int(2))
        );
        assert!(representable(&ConstValue::Float(1e300), Basic::Float32).is_none());
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap_int(300, Basic::Uint8), 44);
        assert_eq!(wrap_int(200, Basic::Int8), -56);
        assert_eq!(wrap_int(-1, Basic::Uint32), 4294967295);
    }

    #[test]
    fn quoting_and_floats() {
        assert_eq!(quote(b"a\"b\n"), r#""a\"b\n""#);
        assert_eq!(format_float(1.5), "1.5");
        assert_eq!(format_float(1e21), "1e+21");
    }
}
