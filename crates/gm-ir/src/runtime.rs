//! The runtime entry points lowered code calls, by Go's names: gm-abi's
//! table, shared with the runtime, so a call the walk pass emits always
//! names a function the runtime has, with the signature it has.

pub use gm_abi::{AbiType, Family, RtFn};
