//! The runtime entry points generated code may call: gm-abi's [`RtFn`]
//! table, resolved by the JIT from their `runtime.<name>` symbols to
//! gm-runtime's addresses, with Cranelift signatures built from the table.

use cranelift_codegen::ir::{AbiParam, Signature, types};
use cranelift_codegen::isa::CallConv;
use cranelift_jit::JITBuilder;
use gm_ir::runtime::{AbiType, RtFn};

/// Lets the JIT find each entry point's address when it links a call to
/// it: a program calls a few of them, and filling the JIT's symbol table
/// with all of them took a tenth of compiling a small program.
pub fn register(jb: &mut JITBuilder) {
    jb.symbol_lookup_fn(Box::new(|symbol| {
        let Some(name) = symbol.strip_prefix("runtime.") else {
            return libc_function(symbol);
        };
        Some(gm_runtime::address(RtFn::from_name(name)?))
    }));
}

/// The C library functions Cranelift calls by name (its libcalls), found
/// without the dynamic loader, which a statically linked `gm` lacks.
fn libc_function(name: &str) -> Option<*const u8> {
    let f: *const u8 = match name {
        "memcpy" => libc::memcpy as *const u8,
        "memmove" => libc::memmove as *const u8,
        "memset" => libc::memset as *const u8,
        "memcmp" => libc::memcmp as *const u8,
        _ => return None,
    };
    Some(f)
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
pub fn signature(f: RtFn, call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.extend(f.params().iter().map(|&t| param(t)));
    sig.returns.extend(f.returns().iter().map(|&t| param(t)));
    sig
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_table() {
        let sig = signature(RtFn::mapaccess2_fast32, CallConv::SystemV);
        let params: Vec<_> = sig.params.iter().map(|p| p.value_type).collect();
        assert_eq!(
            params,
            [types::I64, types::I64, types::I32, types::I64],
            "t, h, key, ok"
        );
        assert_eq!(sig.returns.len(), 1);
        assert!(
            signature(RtFn::panic_divide, CallConv::SystemV)
                .returns
                .is_empty()
        );
        for &f in RtFn::ALL {
            assert!(!gm_runtime::address(f).is_null(), "{}", f.name());
        }
    }
}
