//! A task deferred until the program allocates (as `gm run` defers dropping
//! the compiler's pages) runs once, on the allocation that crosses its
//! threshold or the first one after a collection, and never before. One
//! test in its own process: other tests' allocations would cross the
//! threshold too.

use std::sync::atomic::{AtomicUsize, Ordering};

use gm_runtime::alloc;

static RUNS: AtomicUsize = AtomicUsize::new(0);

fn task() {
    RUNS.fetch_add(1, Ordering::Relaxed);
}

fn runs() -> usize {
    RUNS.load(Ordering::Relaxed)
}

#[test]
fn a_deferred_task_runs_once_the_program_allocates() {
    // Forced collections run it early, by design.
    let stressed = std::env::var_os("GM_GC_STRESS").is_some();
    alloc::after_allocating(64 << 10, task);
    for _ in 0..15 {
        let _ = alloc::alloc(4096, false);
    }
    if !stressed {
        assert_eq!(runs(), 0, "ran before 64 KB were allocated");
    }
    let _ = alloc::alloc(4096, false);
    let _ = alloc::alloc(4096, false);
    assert_eq!(runs(), 1);
    // Pacing is back: 1 GB more, none kept, collects and runs nothing.
    let before = alloc::stats().collections;
    for _ in 0..1024 {
        let _ = alloc::alloc(1 << 20, false);
    }
    assert_eq!(runs(), 1);
    assert!(alloc::stats().collections > before);

    // A collection before the threshold: it runs at the next allocation.
    alloc::after_allocating(1 << 30, task);
    alloc::collect();
    if !stressed {
        assert_eq!(runs(), 1);
    }
    let _ = alloc::alloc(16, false);
    assert_eq!(runs(), 2);
}
