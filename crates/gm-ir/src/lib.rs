//! gm's typed IR, shared by the checker (which builds it), the order and
//! walk passes (which lower it) and the JIT (which compiles it).
//!
//! - [`types`]: the interned type table;
//! - [`layout`]: every type's size, offsets, hash class and pointer words;
//! - [`constant`]: exact constant values;
//! - [`ir`]: programs, functions, statements and expressions, named after
//!   Go's ops (see that module's top comment for every node's shape);
//! - [`runtime`]: the runtime entry points lowered code calls;
//! - [`dump`]: the stable text form printed by `gm dump typed`.

pub mod constant;
pub mod dump;
pub mod ir;
pub mod layout;
pub mod runtime;
pub mod types;

pub use ir::*;
pub use layout::{Alg, TypeLayout};
pub use types::{Basic, Type, TypeId, TypeTable, Untyped};
