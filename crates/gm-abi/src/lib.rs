//! The contract between gm's compiler and gm-runtime, written down once.
//!
//! Both sides read this crate and nothing else of each other:
//!
//! - [`entry`]: every runtime entry point generated code calls — its Go
//!   name and machine signature — as the [`RtFn`] enum. The compiler calls
//!   through it; the runtime's symbol table is checked against it at compile
//!   time, entry by entry.
//! - [`map`]: Go's map constants (slots per bucket, the inline key/elem
//!   limit, the zero block) and the field lists of `hmap`, `hiter` and a
//!   bucket, from which the walk pass builds its runtime types and against
//!   which the runtime's `#[repr(C)]` structs are asserted.
//!
//! The crate has no dependencies, so the runtime stays ignorant of the
//! compiler.

pub mod entry;
pub mod map;

pub use entry::{AbiType, Family, RtFn};
