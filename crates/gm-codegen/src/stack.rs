//! The stack of the thread that runs a program, and the bound every
//! function checks on entry (Go's stack check): deep recursion ends in Go's
//! fatal `stack overflow`, not in a crash.

use std::sync::atomic::{AtomicU64, Ordering};

/// The program thread's stack size: Go's stacks grow up to 1 GB.
pub const STACK_SIZE: usize = 1 << 30;

/// Room kept below the limit for the frame that hits it, runtime calls
/// and the panic report.
const MARGIN: u64 = 16 << 20;

/// The lowest stack address generated code may use; 0 (no check) on
/// threads that did not set one (tests calling compiled code directly).
static LIMIT: AtomicU64 = AtomicU64::new(0);

/// The address generated code loads the limit from.
pub fn limit_address() -> u64 {
    LIMIT.as_ptr() as u64
}

/// Called first thing on the program thread: sets the limit from the
/// current stack address and the thread's stack size.
pub fn set_limit_here(stack_size: usize) {
    let here = 0u8;
    let top = std::ptr::addr_of!(here) as u64;
    let bottom = top.saturating_sub(stack_size as u64);
    LIMIT.store(bottom.saturating_add(MARGIN), Ordering::Relaxed);
}
