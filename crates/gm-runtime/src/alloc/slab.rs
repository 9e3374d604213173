//! Pointer-free objects of sizes bdwgc packs badly, carved from shared
//! chunks:
//!
//! * bucket arrays of 1 to 5 KB: bdwgc puts three arrays of 1 152 bytes
//!   (a `map[int]int` of 8 buckets) in a 4 KB block, and gives anything
//!   above 2 KB a whole block; each block also carries a header of about
//!   350 bytes (a mark byte per granule). Go's size classes waste under
//!   2 % on such arrays. Here they share 16 KB slabs: fourteen 1 152-byte
//!   arrays, or six of 2 592 bytes (16 buckets), to a slab.
//! * objects of 17 to 24 bytes (strings above all): bdwgc's 16-byte
//!   granules round them to 32, Go's size class is 24. Here two share 48
//!   bytes, aligned to 8 (all Go needs).
//!
//! A chunk is one atomic collected object; a piece carved from it is an
//! interior pointer, which keeps the whole chunk alive (interior pointers
//! are on). So a chunk is reclaimed once none of its pieces is reachable,
//! and a piece is never freed on its own: no bucket array starts at its
//! slab's start, so [`super::free_unreachable`], which frees only object
//! starts, leaves it to the collector. Arrays carved together are mostly
//! those of maps made together, which tend to die together; a slab with
//! one live array keeps its dead ones, as a Go span keeps its free slots,
//! but does not reuse them.

use std::cell::Cell;
use std::ptr;

use super::{ALIGN, alloc_static, exact_noscan};

/// Bucket array sizes served from slabs: those bdwgc packs three or fewer
/// to a 4 KB block, and at least three to a slab once rounded up to
/// granules.
pub const ARRAY_MIN: usize = 1024 + 1;
pub const ARRAY_MAX: usize = (SLAB - ALIGN) / 3 / ALIGN * ALIGN;
/// Four 4 KB blocks: one block header for them all.
const SLAB: usize = 16 << 10;

/// Object sizes served in pairs.
pub const PAIR_MIN: usize = 17;
pub const PAIR_MAX: usize = 24;

/// The chunk one kind of piece is carved from on this thread.
struct Carving {
    chunk: Cell<*mut u8>,
    /// Offset of the chunk's free part.
    used: Cell<usize>,
    /// A scanned, uncollectable word holding the chunk, so it stays alive
    /// while it is carved even when none of its pieces is.
    root: Cell<*mut *mut u8>,
}

impl Carving {
    const fn new() -> Carving {
        Carving {
            chunk: Cell::new(ptr::null_mut()),
            used: Cell::new(usize::MAX),
            root: Cell::new(ptr::null_mut()),
        }
    }

    /// `bytes` uninitialised bytes from a chunk of `size` bytes whose first
    /// piece starts at `first`.
    fn take(&self, bytes: usize, size: usize, first: usize) -> *mut u8 {
        let mut used = self.used.get();
        if used.saturating_add(bytes) > size {
            let chunk = exact_noscan(size);
            if self.root.get().is_null() {
                self.root
                    .set(alloc_static(size_of::<*mut u8>(), true).cast());
            }
            // SAFETY: the root is this thread's pointer-sized static cell.
            unsafe { self.root.get().write(chunk) };
            self.chunk.set(chunk);
            used = first;
        }
        self.used.set(used + bytes);
        // SAFETY: `used + bytes <= size`: the piece lies inside the chunk.
        unsafe { self.chunk.get().add(used) }
    }
}

thread_local! {
    static SLABS: Carving = const { Carving::new() };
    static PAIRS: Carving = const { Carving::new() };
}

/// Zeroed memory for a pointer-free bucket array of `bytes` (between
/// [`ARRAY_MIN`] and [`ARRAY_MAX`]), aligned to [`ALIGN`].
pub fn array(bytes: usize) -> *mut u8 {
    debug_assert!((ARRAY_MIN..=ARRAY_MAX).contains(&bytes));
    let bytes = bytes.next_multiple_of(ALIGN);
    // The first array starts one granule in, so no array is its slab.
    let p = SLABS.with(|s| s.take(bytes, SLAB, ALIGN));
    // SAFETY: `bytes` fresh bytes; collected memory of atomic chunks is
    // not zeroed.
    unsafe { ptr::write_bytes(p, 0, bytes) };
    p
}

/// Uninitialised, pointer-free memory for `PAIR_MIN..=PAIR_MAX` bytes,
/// aligned to 8.
pub fn pair_half() -> *mut u8 {
    PAIRS.with(|s| s.take(PAIR_MAX, 2 * PAIR_MAX, 0))
}
