//! The order and walk passes (placeholder: lowering lands here).

pub mod dump;

use gm_ir::Program;

/// Go's order pass.
pub fn order(_program: &mut Program) {}

/// Go's walk pass.
pub fn walk(_program: &mut Program) {}
