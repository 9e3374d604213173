//! Go 1.23's order and walk passes for maps: typed IR in, lowered IR out.
//!
//! [`order`] runs first, as Go's order phase does. Afterwards:
//! - every user call (and `len`, `cap`, `make`, `new`, `append`, `copy`,
//!   `min`, `max` and slicing results not assigned straight to a variable)
//!   is evaluated into a temporary before the statement that uses it, so
//!   calls happen before map reads of the same statement (Go's behaviour);
//! - map index expressions appear only as operands of expressions, direct
//!   reads, or the target of `m[k] = x` / `m[k] op= x`, with keys prepared
//!   for the runtime: slow-path keys addressable (a temporary, or a read-only
//!   static for constants), fast keys converted to `uint32`, `uint64`,
//!   `string` or `unsafe.Pointer`;
//! - the right side of a map assignment is cheap (a name or constant), so a
//!   panic in it happens before the map is touched; `m[k] /= r` and
//!   `m[k] %= r` are a read, a division, then an assignment;
//! - `v, ok = m[k]` and multi-value calls assign through temporaries;
//! - map literals hold only static entries; dynamic ones follow as
//!   assignments;
//! - `&&` / `||` evaluate their right side conditionally into a temporary;
//!   side effects of `if`/`for` conditions and `switch` cases live in `Init`
//!   expressions.
//!
//! [`walk`] then rewrites every map operation into runtime calls: reads into
//! `*mapaccess1…`, comma-ok reads into `mapaccess2…` plus a load, writes into
//! a `mapassign…` pointer and a store, `delete`, `clear` and the
//! range-delete idiom, `range` into `mapiterinit`/`mapiternext` loops,
//! `make` into `makemap_small`/`makemap`/`makemap64` or a stack header
//! (decided by [`escape`] analysis), and map literals into assignments or a
//! table-driven loop. What remains is what the JIT compiles; nothing it
//! needs lives only in the dump.
//!
//! In debug builds both passes check their output against these promises
//! ([`verify`]); a broken one is an internal compiler error.

mod assign;
mod compare;
mod deadcode;
pub mod dump;
pub mod escape;
mod expr;
pub mod mapfast;
mod maplit;
mod order;
mod outline;
mod range;
mod rtypes;
mod util;
pub mod verify;
mod walk;
pub mod why;

use gm_ir::Program;

/// Go's order pass over every function.
pub fn order(program: &mut Program) {
    order::order_program(program);
    if cfg!(debug_assertions) {
        verify::enforce("order", &verify::verify_ordered(program));
    }
}

/// Go's walk pass over every function (after [`order`]).
pub fn walk(program: &mut Program) {
    walk_explained(program);
}

/// [`walk`], also returning why each map runtime call was chosen.
pub fn walk_explained(program: &mut Program) -> why::Reasons {
    let why = walk::walk_program(program);
    if cfg!(debug_assertions) {
        verify::enforce("walk", &verify::verify_walked(program));
    }
    why
}
