//! Pointer-free bucket arrays of a little over 2 KB, carved from shared
//! slabs. bdwgc gives anything above 2 KB whole 4 KB blocks, and such
//! arrays are common: a `map[int]int` of 16 buckets (the 53rd to 104th
//! entries) is 2 592 bytes, which Go keeps in a 2 688-byte size class and
//! bdwgc would round to 4 096. Here three share an 8 KB slab.
//!
//! A slab is one atomic collected object; an array carved from it is an
//! interior pointer, which keeps the whole slab alive (interior pointers
//! are on). So a slab is reclaimed once none of its arrays is reachable,
//! and an array is never freed on its own: none starts at its slab's
//! start, so [`super::free_unreachable`], which frees only object starts,
//! leaves it to the collector.

use std::cell::Cell;
use std::ptr;

use super::{ALIGN, alloc_noscan_uninit, alloc_static};

/// Sizes served from slabs: above bdwgc's largest small object, and at
/// least two to a slab.
pub const MIN: usize = 2048 + 1;
pub const MAX: usize = (SLAB - ALIGN) / 2;
/// Two 4 KB blocks.
const SLAB: usize = 8 << 10;

thread_local! {
    /// The slab being carved: its start and the offset of its free part.
    static CURRENT: Cell<(*mut u8, usize)> = const { Cell::new((ptr::null_mut(), SLAB)) };
    /// A scanned, uncollectable word holding the current slab, so it stays
    /// alive while it is carved even when none of its arrays is.
    static ROOT: Cell<*mut *mut u8> = const { Cell::new(ptr::null_mut()) };
}

/// Zeroed, pointer-free memory for `bytes` (between [`MIN`] and [`MAX`]),
/// aligned to [`ALIGN`].
pub fn alloc(bytes: usize) -> *mut u8 {
    debug_assert!((MIN..=MAX).contains(&bytes));
    let bytes = bytes.next_multiple_of(ALIGN);
    let (mut slab, mut used) = CURRENT.get();
    if used + bytes > SLAB {
        slab = alloc_noscan_uninit(SLAB);
        // The first array starts one granule in, so no array is the slab.
        used = ALIGN;
        let root = match ROOT.get() {
            r if r.is_null() => {
                let r = alloc_static(size_of::<*mut u8>(), true).cast();
                ROOT.set(r);
                r
            }
            r => r,
        };
        // SAFETY: `root` is this thread's pointer-sized static cell.
        unsafe { root.write(slab) };
    }
    // SAFETY: `used + bytes <= SLAB`: the range lies inside the slab.
    let p = unsafe { slab.add(used) };
    // SAFETY: as above; slab memory is not zeroed by the collector.
    unsafe { ptr::write_bytes(p, 0, bytes) };
    CURRENT.set((slab, used + bytes));
    p
}
