//! Pointer-free objects of sizes bdwgc packs badly, carved from shared
//! chunks:
//!
//! * bucket arrays of 1 to 5 KB: bdwgc puts three arrays of 1 152 bytes
//!   (a `map[int]int` of 8 buckets) in a 4 KB block, and gives anything
//!   above 2 KB a whole block; each block also carries a header of about
//!   350 bytes (a mark byte per granule). Go's size classes waste under
//!   2 % on such arrays. Here they share 8 KB slabs (seven 1 152-byte
//!   arrays to a slab, or three of 2 448 bytes: 16 buckets and a spare
//!   overflow bucket), and those above 2.7 KB 16 KB slabs (three of
//!   4 896 bytes, 32 buckets and two spares). Smaller slabs die sooner:
//!   one live array keeps fewer dead ones alive.
//! * pointer-free map elems stored out of line (over 128 bytes) of the
//!   sizes bdwgc packs worse: 16 KB slabs hold them under one block
//!   header where bdwgc gives each 4 KB block its own (78 elems of 200
//!   bytes, against four blocks of 19). A deleted entry's is reused.
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
//! one live array keeps its dead ones, as a Go span keeps its free slots.
//! The arrays a grow leaves behind are handed back ([`give_back`]) and
//! reused by the next array of their size, as Go reuses a freed slot; the
//! ones the collector finds dead are not.

use std::cell::{Cell, RefCell};
use std::ptr;

use super::{ALIGN, alloc, alloc_static, bdwgc, exact_noscan};

/// Bucket array sizes served from slabs: those bdwgc packs three or fewer
/// to a 4 KB block, and at least three to a slab once rounded up to
/// granules.
pub const ARRAY_MIN: usize = 1024 + 1;
pub const ARRAY_MAX: usize = most_in(BIG_SLAB);
/// Two 4 KB blocks under one block header, for arrays up to
/// `most_in(SLAB)`; [`BIG_SLAB`] for larger ones.
const SLAB: usize = 8 << 10;
const BIG_SLAB: usize = 16 << 10;

/// The largest array of which three fit in a slab of `size` bytes after
/// its first granule.
const fn most_in(size: usize) -> usize {
    (size - ALIGN) / 3 / ALIGN * ALIGN
}

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

/// Arrays of one size handed back for reuse, on a stack in scanned memory
/// held by an uncollectable cell: each keeps its slab alive until it is
/// reused.
struct Spares {
    bytes: usize,
    root: *mut *mut *mut u8,
    len: usize,
    cap: usize,
}

impl Spares {
    fn new(bytes: usize) -> Spares {
        Spares {
            bytes,
            root: alloc_static(size_of::<*mut u8>(), true).cast(),
            len: 0,
            cap: 0,
        }
    }

    fn stack(&self) -> *mut *mut u8 {
        // SAFETY: the root is this stack's pointer-sized static cell.
        unsafe { self.root.read() }
    }

    fn push(&mut self, p: *mut u8) {
        if self.len == self.cap {
            // The allocation may collect: `p`, live on this frame, keeps its
            // slab alive meanwhile, and the old stack is still rooted.
            let cap = (self.cap * 2).max(16);
            let stack: *mut *mut u8 = alloc(cap * size_of::<*mut u8>(), true).cast();
            // SAFETY: the new stack holds `cap > len` pointers, the old one
            // `len`; the old one is left to the collector.
            unsafe {
                if self.len != 0 {
                    ptr::copy_nonoverlapping(self.stack(), stack, self.len);
                }
                self.root.write(stack);
            }
            self.cap = cap;
        }
        // SAFETY: `len < cap`.
        unsafe { self.stack().add(self.len).write(p) };
        self.len += 1;
    }

    fn pop(&mut self) -> Option<*mut u8> {
        self.len = self.len.checked_sub(1)?;
        // SAFETY: `len` was below it, inside the stack; the slot is
        // cleared so it no longer keeps the slab alive.
        unsafe { Some(self.stack().add(self.len).replace(ptr::null_mut())) }
    }
}

thread_local! {
    static SLABS: Carving = const { Carving::new() };
    static SLOTS: Carving = const { Carving::new() };
    static BIG_SLABS: Carving = const { Carving::new() };
    static PAIRS: Carving = const { Carving::new() };
    /// Handed-back arrays, one stack per size (a few sizes in a program).
    static SPARES: RefCell<Vec<Spares>> = const { RefCell::new(Vec::new()) };
}

/// Keeps `p`, a bucket array of `bytes` made by [`array`] or a map slot
/// made by [`map_slot`], for the next piece of that size.
///
/// # Safety
/// No live pointer refers into the array.
pub unsafe fn give_back(p: *mut u8, bytes: usize) {
    let bytes = bytes.next_multiple_of(ALIGN);
    // SAFETY: GC_base only inspects the heap's block table.
    let base = unsafe { bdwgc::GC_base(p.cast()) };
    // A map's first bucket on the JIT stack is no heap memory, and a slab's
    // start is never a piece: only pieces inside slabs came from `array`.
    if base.is_null() || base == p.cast() {
        return;
    }
    SPARES.with_borrow_mut(
        |spares| match spares.iter_mut().find(|s| s.bytes == bytes) {
            Some(s) => s.push(p),
            None => {
                let mut s = Spares::new(bytes);
                s.push(p);
                spares.push(s);
            }
        },
    );
}

fn reuse(bytes: usize) -> Option<*mut u8> {
    SPARES.with_borrow_mut(|spares| spares.iter_mut().find(|s| s.bytes == bytes)?.pop())
}

/// Zeroed memory for a pointer-free bucket array of `bytes` (between
/// [`ARRAY_MIN`] and [`ARRAY_MAX`]), aligned to [`ALIGN`].
pub fn array(bytes: usize) -> *mut u8 {
    debug_assert!((ARRAY_MIN..=ARRAY_MAX).contains(&bytes));
    if bytes <= most_in(SLAB) {
        piece(bytes, &SLABS, SLAB)
    } else {
        piece(bytes, &BIG_SLABS, BIG_SLAB)
    }
}

/// Whether a pointer-free indirect map elem (over 128 bytes) of
/// `bytes` is served from slabs: when a 16 KB slab holds at least as many
/// as four of bdwgc's 4 KB blocks would, under one block header instead of
/// four (about 350 bytes each). A 200-byte elem: 78 to a slab, 19 to a
/// block.
pub fn packs_map_slot(bytes: usize) -> bool {
    const BLOCK: usize = 4 << 10;
    let piece = bytes.next_multiple_of(ALIGN);
    bytes > 128 && piece <= BLOCK / 2 && (BIG_SLAB - ALIGN) / piece >= 4 * (BLOCK / piece)
}

/// Zeroed memory for a pointer-free indirect map elem of `bytes`,
/// which [`packs_map_slot`] serves, from slabs of their own: entries live
/// as long as their maps, where bucket arrays die as their maps grow. A
/// deleted entry's is handed back ([`give_back`]) for the next one.
pub fn map_slot(bytes: usize) -> *mut u8 {
    debug_assert!(packs_map_slot(bytes));
    piece(bytes, &SLOTS, BIG_SLAB)
}

/// A zeroed piece of `bytes` from `carving`'s slabs of `slab` bytes, or
/// one of that size handed back.
fn piece(bytes: usize, carving: &'static std::thread::LocalKey<Carving>, slab: usize) -> *mut u8 {
    let bytes = bytes.next_multiple_of(ALIGN);
    // The first piece starts one granule in, so no piece is its slab.
    let p = reuse(bytes).unwrap_or_else(|| carving.with(|s| s.take(bytes, slab, ALIGN)));
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
