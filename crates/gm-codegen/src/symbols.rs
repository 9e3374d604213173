//! The runtime entry points generated code may call: gm-runtime's
//! [`SYMBOLS`](gm_runtime::SYMBOLS) table, registered in the JIT under their
//! names, with Cranelift signatures built from their [`AbiType`]s.

use cranelift_codegen::ir::{AbiParam, Signature, types};
use cranelift_codegen::isa::CallConv;
use gm_runtime::{AbiType, Symbol};

/// Every entry point.
pub fn all() -> impl Iterator<Item = &'static Symbol> {
    gm_runtime::SYMBOLS.iter()
}

/// Looks up `runtime.<name>`.
pub fn find(name: &str) -> Option<&'static Symbol> {
    all().find(|s| s.name.strip_prefix("runtime.") == Some(name))
}

fn param(t: AbiType) -> AbiParam {
    match t {
        // Rust's C ABI expects narrow integers (bool, u8) zero-extended.
        AbiType::I8 => AbiParam::new(types::I8).uext(),
        AbiType::I16 => AbiParam::new(types::I16).uext(),
        AbiType::I32 => AbiParam::new(types::I32),
        AbiType::I64 | AbiType::Ptr => AbiParam::new(types::I64),
        AbiType::F32 => AbiParam::new(types::F32),
        AbiType::F64 => AbiParam::new(types::F64),
    }
}

/// The Cranelift signature of an entry point.
pub fn signature(s: &Symbol, call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.extend(s.params.iter().map(|&t| param(t)));
    sig.returns.extend(s.returns.iter().map(|&t| param(t)));
    sig
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_point_has_a_name_and_an_address() {
        assert!(find("growslice").is_some());
        for s in all() {
            assert!(s.name.starts_with("runtime."));
            assert!(!s.addr.is_null());
        }
    }
}
