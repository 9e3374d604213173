//! A thread moved to a stack of its own (`alloc::run_on_new_stack`, how
//! `gm` runs on its main thread) is scanned on that stack: what only the
//! new stack points to survives collections.
#![cfg(target_os = "linux")]

use gm_runtime::alloc;

const BLOCKS: usize = 32;
const BLOCK: usize = 4096;

#[test]
fn what_the_moved_stack_points_to_survives_collections() {
    // The move is for the rest of a process's life: a child makes it.
    // SAFETY: the child only runs this test's code on the forked thread
    // and ends with _exit; this test binary has no other test whose
    // threads could hold locks at the fork.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        alloc::run_on_new_stack(8 << 20, || {
            let status = if blocks_survive() { 0 } else { 1 };
            // SAFETY: ends the child without running the parent's exit
            // handlers a second time.
            unsafe { libc::_exit(status) }
        });
    }
    let mut status = 0;
    // SAFETY: waits for the child forked above.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the child ended with status {status:#x}: the collector did not scan the moved stack"
    );
}

/// Allocates blocks only this frame's array points to, collects, lets
/// the collector hand freed memory out again, and checks every block
/// still holds its own bytes.
#[inline(never)]
fn blocks_survive() -> bool {
    let mut blocks = [std::ptr::null_mut::<u8>(); BLOCKS];
    for (i, b) in blocks.iter_mut().enumerate() {
        *b = alloc::alloc(BLOCK, false);
        // SAFETY: BLOCK fresh bytes.
        unsafe { std::ptr::write_bytes(*b, i as u8, BLOCK) };
    }
    let blocks = std::hint::black_box(blocks);
    for _ in 0..4 {
        alloc::collect();
        for _ in 0..4 * BLOCKS {
            let p = alloc::alloc(BLOCK, false);
            // SAFETY: BLOCK fresh bytes.
            unsafe { std::ptr::write_bytes(p, 0xA5, BLOCK) };
        }
    }
    blocks.iter().enumerate().all(|(i, &b)| {
        // SAFETY: each block is BLOCK bytes, alive if the test passes.
        (0..BLOCK).all(|j| unsafe { *b.add(j) } == i as u8)
    })
}
