//! The allocator: every heap allocation of the runtime, and of generated
//! code through `newobject`, goes through this module, so memory management
//! can change in one place (a collector is likely).
//!
//! Three kinds of blocks exist:
//!
//! * **Objects** ([`alloc_zeroed`] / [`free`]): map headers, overflow
//!   buckets, indirect keys and elems, `newobject`. The caller knows the size
//!   and frees with it.
//! * **Bucket arrays** ([`alloc_bucket_array`] / [`free_bucket_array`]).
//!   Generated code may hand the map a bucket array on its own stack (a
//!   non-escaping `make`), and that array later becomes `oldbuckets` like any
//!   other. So the allocator remembers every array it handed out (address to
//!   size, behind a mutex) and frees only those; an unknown address is
//!   silently left alone. Arrays are made and dropped only when a map is
//!   created or grows, so the bookkeeping costs next to nothing.
//! * **Retired blocks** ([`retire`], [`retire_bucket_array`]): memory the
//!   program can no longer name but that a live iterator might still read
//!   (Go keeps it alive through the collector). Retired blocks are never
//!   freed but stay reachable from a list here, waiting for a collector.

use std::alloc::{Layout, alloc_zeroed as std_alloc_zeroed, dealloc};
use std::collections::HashMap;
use std::ptr;
use std::sync::{Mutex, MutexGuard};

use foldhash::fast::FixedState;

use crate::panic::{fatal, msg};

/// Alignment of bucket arrays (buckets start with a `u64`-aligned layout).
pub const BUCKET_ALIGN: usize = 8;

/// The address every zero-size allocation returns (Go: `runtime.zerobase`).
static ZERO_BASE: u64 = 0;

static BUCKET_ARRAYS: Mutex<HashMap<usize, usize, FixedState>> =
    Mutex::new(HashMap::with_hasher(FixedState::with_seed(0)));

static RETIRED: Mutex<Vec<RetiredBlock>> = Mutex::new(Vec::new());

struct RetiredBlock {
    /// Held only so the block stays reachable (for a collector, and so leak
    /// checkers see it as kept, not lost).
    #[expect(dead_code, reason = "kept to keep the block reachable")]
    addr: usize,
    size: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A poisoned lock only means some thread panicked while holding it; the
    // data (plain maps and lists) is still consistent.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn layout(size: usize, align: usize) -> Layout {
    match Layout::from_size_align(size, align) {
        Ok(l) => l,
        Err(_) => fatal(msg::OUT_OF_MEMORY),
    }
}

/// Zeroed memory for `size` bytes at `align`. Never returns null: a failed
/// allocation is Go's fatal out-of-memory error. A zero `size` returns one
/// shared non-null address that must not be written.
pub fn alloc_zeroed(size: usize, align: usize) -> *mut u8 {
    if size == 0 {
        return ptr::addr_of!(ZERO_BASE) as *mut u8;
    }
    let l = layout(size, align);
    // SAFETY: `l` has a non-zero size.
    let p = unsafe { std_alloc_zeroed(l) };
    if p.is_null() {
        fatal(msg::OUT_OF_MEMORY);
    }
    p
}

/// Frees a block from [`alloc_zeroed`].
///
/// # Safety
/// `p` came from `alloc_zeroed(size, align)` with these exact arguments and
/// is not used again.
pub unsafe fn free(p: *mut u8, size: usize, align: usize) {
    if size == 0 || p.is_null() {
        return;
    }
    // SAFETY: the caller passes the block's own layout.
    unsafe { dealloc(p, layout(size, align)) }
}

/// Bucket arrays at least this large are aligned to [`HUGE_PAGE`] and
/// offered to the kernel for transparent huge pages: lookups in big maps
/// touch random buckets, and 4 KiB pages would make most of them TLB misses.
pub const HUGE_ARRAY: usize = 4 << 20;
/// The huge page size (x86-64 and most arm64 Linux).
pub const HUGE_PAGE: usize = 2 << 20;

fn bucket_array_align(bytes: usize) -> usize {
    if bytes >= HUGE_ARRAY {
        HUGE_PAGE
    } else {
        BUCKET_ALIGN
    }
}

/// Zeroed memory for a bucket array of `bytes` bytes, remembered so that
/// [`free_bucket_array`] can tell it from a stack bucket.
pub fn alloc_bucket_array(bytes: usize) -> *mut u8 {
    let p = if bytes >= HUGE_ARRAY {
        let l = layout(bytes, HUGE_PAGE);
        // SAFETY: `l` has a non-zero size.
        let p = unsafe { std::alloc::alloc(l) };
        if p.is_null() {
            fatal(msg::OUT_OF_MEMORY);
        }
        // Advise before the first touch, so zeroing faults in huge pages.
        advise_huge(p, bytes);
        // SAFETY: `p` is `bytes` writable bytes.
        unsafe { ptr::write_bytes(p, 0, bytes) };
        p
    } else {
        alloc_zeroed(bytes, BUCKET_ALIGN)
    };
    if bytes != 0 {
        lock(&BUCKET_ARRAYS).insert(p as usize, bytes);
    }
    p
}

#[cfg(target_os = "linux")]
fn advise_huge(p: *mut u8, bytes: usize) {
    // SAFETY: `p..p + bytes` is one live allocation; the advice changes only
    // how the kernel backs it, and failure is harmless.
    unsafe { libc::madvise(p.cast(), bytes, libc::MADV_HUGEPAGE) };
}

#[cfg(not(target_os = "linux"))]
fn advise_huge(_: *mut u8, _: usize) {}

/// Frees a bucket array if this module allocated it; anything else (a JIT
/// stack bucket, null) is left alone.
///
/// # Safety
/// If `p` was handed out by [`alloc_bucket_array`], nothing uses it again.
pub unsafe fn free_bucket_array(p: *mut u8) {
    let size = lock(&BUCKET_ARRAYS).remove(&(p as usize));
    if let Some(size) = size {
        // SAFETY: registered arrays were allocated with this size and align.
        unsafe { free(p, size, bucket_array_align(size)) }
    }
}

/// Moves a bucket array that this module allocated to the retired list.
pub fn retire_bucket_array(p: *mut u8) {
    let size = lock(&BUCKET_ARRAYS).remove(&(p as usize));
    if let Some(size) = size {
        retire(p, size);
    }
}

/// Keeps a block that may still be read (by an iterator) but will never be
/// freed by the map: it stays reachable here until a collector exists.
pub fn retire(p: *mut u8, size: usize) {
    if size == 0 || p.is_null() {
        return;
    }
    lock(&RETIRED).push(RetiredBlock {
        addr: p as usize,
        size,
    });
}

/// Whether `p` is a bucket array this module handed out and still owns.
pub fn owns_bucket_array(p: *const u8) -> bool {
    lock(&BUCKET_ARRAYS).contains_key(&(p as usize))
}

/// Counts for tests and diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocStats {
    /// Bucket arrays currently owned.
    pub bucket_arrays: usize,
    /// Their total size in bytes.
    pub bucket_array_bytes: usize,
    /// Retired blocks.
    pub retired_blocks: usize,
    /// Their total size in bytes.
    pub retired_bytes: usize,
}

/// Process-wide allocation counts (all threads).
pub fn stats() -> AllocStats {
    let arrays = lock(&BUCKET_ARRAYS);
    let retired = lock(&RETIRED);
    AllocStats {
        bucket_arrays: arrays.len(),
        bucket_array_bytes: arrays.values().sum(),
        retired_blocks: retired.len(),
        retired_bytes: retired.iter().map(|b| b.size).sum(),
    }
}

/// A growable array of pointers whose buffer comes from this module (Go's
/// `[]*bmap` in `mapextra`). It does not free the pointed-to blocks.
pub struct PtrVec {
    buf: *mut *mut u8,
    len: usize,
    cap: usize,
}

impl PtrVec {
    pub const fn new() -> PtrVec {
        PtrVec {
            buf: ptr::null_mut(),
            len: 0,
            cap: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    // Clippy sees a raw pointer argument used in `unsafe`; only its value
    // is stored, it is never dereferenced.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn push(&mut self, p: *mut u8) {
        if self.len == self.cap {
            let cap = if self.cap == 0 { 4 } else { self.cap * 2 };
            let size = cap * size_of::<*mut u8>();
            let buf = alloc_zeroed(size, align_of::<*mut u8>()) as *mut *mut u8;
            if self.len != 0 {
                // SAFETY: both buffers hold at least `len` pointers and are
                // distinct allocations.
                unsafe { ptr::copy_nonoverlapping(self.buf, buf, self.len) };
            }
            self.release_buf();
            self.buf = buf;
            self.cap = cap;
        }
        // SAFETY: `len < cap` after the growth above.
        unsafe { self.buf.add(self.len).write(p) };
        self.len += 1;
    }

    pub fn as_slice(&self) -> &[*mut u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: the first `len` slots are initialised.
        unsafe { std::slice::from_raw_parts(self.buf, self.len) }
    }

    /// Empties the list and returns its buffer to the allocator.
    pub fn clear(&mut self) {
        self.release_buf();
        // Plain field writes: assigning a new PtrVec would drop (and free)
        // the old buffer a second time.
        self.buf = ptr::null_mut();
        self.len = 0;
        self.cap = 0;
    }

    fn release_buf(&mut self) {
        if self.cap != 0 {
            // SAFETY: `buf` was allocated in `push` with exactly this layout.
            unsafe {
                free(
                    self.buf as *mut u8,
                    self.cap * size_of::<*mut u8>(),
                    align_of::<*mut u8>(),
                )
            };
        }
    }
}

impl Drop for PtrVec {
    fn drop(&mut self) {
        self.release_buf();
    }
}

impl Default for PtrVec {
    fn default() -> Self {
        PtrVec::new()
    }
}
