//! The allocator: every heap allocation of the runtime, and of generated
//! code (`newobject`, slices, strings), goes through this module, and all of
//! it is memory of the bdwgc collector, which reclaims what no root
//! reaches. The one explicit free is [`free_unreachable`], for a map's old
//! bucket array once a grow has finished and no iterator walks it; when
//! that array is large its pages go back to the kernel at once.
//!
//! * **Roots** are the stacks and registers of every thread registered with
//!   the collector (each thread registers on its first allocation, before
//!   it can hold a pointer into collected memory), the
//!   binary's own static data, and blocks from [`alloc_static`] (package
//!   variables, which generated code addresses directly).
//! * **Pointer-free objects** (Go's *noscan*: strings, byte slices, buckets
//!   of maps whose keys and elems hold no pointers) are allocated atomic:
//!   the collector never scans them, and they are zeroed here because
//!   bdwgc does not zero atomic memory.
//! * **Map buckets that hold pointers** get their precise layout
//!   ([`descriptor`], one per map type): only the key and elem words that
//!   are pointers, and the overflow link, are scanned.
//! * **Pointer-free bucket arrays of 1–5 KB** share 16 KB slabs, and
//!   pointer-free objects of 17 to 24 bytes go in pairs ([`slab`]): bdwgc
//!   would give each array a third of a 4 KB block or more, and each
//!   object 32 bytes.
//! * **Everything else** is scanned conservatively: any word that looks like
//!   a pointer into an object (its interior included) keeps it alive.
//!
//! The collector is initialised by the first thread that allocates (a
//! program that never does never starts it); [`init`] repeats it
//! harmlessly.

mod bdwgc;
pub mod knobs;
mod slab;

pub use knobs::after_allocating;

use std::cell::{Cell, RefCell};
use std::ptr;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::panic::{fatal, msg};

/// Bucket arrays at least this large are offered to the kernel for
/// transparent huge pages: lookups in big maps touch random buckets, and
/// 4 KiB pages would make most of them TLB misses.
pub const HUGE_ARRAY: usize = 4 << 20;
/// The huge page size (x86-64 and most arm64 Linux).
pub const HUGE_PAGE: usize = 2 << 20;
/// The base page size (x86-64 and most arm64 Linux).
const PAGE: usize = 4 << 10;
/// The alignment of every block (bdwgc's granule).
pub const ALIGN: usize = 16;

/// The address every zero-size allocation returns (Go: `runtime.zerobase`).
static ZERO_BASE: u64 = 0;

static INIT: Once = Once::new();

/// Initialises the collector and applies Go's settings from the
/// environment (see [`knobs`]). Idempotent; a second caller waits for the
/// first to finish.
pub fn init() {
    INIT.call_once(|| {
        let bottom = stack_bottom();
        // SAFETY: first calls into bdwgc, in the order its documentation
        // asks: the calling thread's stack (bdwgc registers the thread
        // that initialises it with this cold end), settings that must
        // precede GC_init, then GC_init, then permission for other
        // threads to register.
        unsafe {
            bdwgc::GC_stackbottom = bottom;
            bdwgc::GC_set_all_interior_pointers(1);
            // Nothing is allocated yet: a collection now would only scan
            // the static roots.
            bdwgc::GC_set_dont_precollect(1);
            // Marking on the program's thread alone: on the machines gm
            // runs on, helper markers cost more (their start-up in every
            // run, their hand-offs in every collection) than they save.
            // bdwgc's own GC_MARKERS still chooses otherwise.
            if std::env::var_os("GC_MARKERS").is_none() {
                bdwgc::GC_set_markers_count(1);
            }
            bdwgc::GC_init();
            bdwgc::GC_allow_register_threads();
            bdwgc::GC_set_warn_proc(quiet);
        }
        knobs::apply();
        // GC_init registered this thread; one that may exit before the
        // process does (a test's) must leave the collector's list then.
        REGISTERED.set(true);
        if !is_main_thread() {
            UNREGISTER.with(|u| *u.borrow_mut() = Some(Unregister));
        }
    });
}

/// The cold end of the calling thread's stack.
fn stack_bottom() -> *mut std::ffi::c_char {
    let moved = MOVED_STACK.get();
    if !moved.is_null() {
        return moved;
    }
    if is_main_thread() {
        // Where the loader entered the program: pthread_getattr_np would
        // parse /proc/self/maps to find the main stack's extent.
        // SAFETY: glibc's start-up sets it before any of gm's code runs.
        return unsafe { bdwgc::__libc_stack_end.cast() };
    }
    // SAFETY: `attr` is initialised by pthread_getattr_np for the calling
    // thread before it is read, and destroyed once.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        let mut low: *mut libc::c_void = ptr::null_mut();
        let mut size = 0;
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0
            || libc::pthread_attr_getstack(&attr, &mut low, &mut size) != 0
        {
            fatal("runtime: cannot find the thread's stack");
        }
        libc::pthread_attr_destroy(&mut attr);
        low.cast::<std::ffi::c_char>().add(size)
    }
}

/// Whether the calling thread is the one the process started with.
fn is_main_thread() -> bool {
    // SAFETY: plain system calls without arguments.
    unsafe { libc::gettid() == libc::getpid() }
}

/// Reads Go's collector settings from the environment, as a Go program's
/// start-up does: a malformed one is a fatal error before the program
/// runs, whether or not it ever allocates (the collector starts at the
/// first allocation, with these settings).
pub fn read_settings() {
    let _ = knobs::settings();
}

/// bdwgc's warnings (large allocations, heap growth) are not Go's output.
unsafe extern "C" fn quiet(_: *mut std::ffi::c_char, _: usize) {}

/// Runs `f`, which ends the process, on a stack of `size` bytes mapped
/// for it, with a guard page below: on the main thread, whose own stack
/// is small, this saves starting a thread for a large one. The collector
/// then scans the new stack, which must be the only one the thread ever
/// uses once the collector knows of it.
#[cfg(target_os = "linux")]
pub fn run_on_new_stack(size: usize, f: impl FnOnce() -> std::convert::Infallible) -> ! {
    if REGISTERED.get() {
        fatal("runtime: the stack moved after the collector learned of it");
    }
    let size = size.next_multiple_of(PAGE);
    // SAFETY: a new private mapping, whose lowest page becomes the guard;
    // `stack` is page-aligned and `size` a multiple of the page, as
    // psm::on_stack requires, and `f` never returns (nor unwinds: gm's
    // panics end the process, and one that unwinds aborts here).
    unsafe {
        let base = libc::mmap(
            ptr::null_mut(),
            size + PAGE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
            -1,
            0,
        );
        if base == libc::MAP_FAILED || libc::mprotect(base, PAGE, libc::PROT_NONE) != 0 {
            fatal("runtime: cannot allocate the program's stack");
        }
        let stack = base.cast::<u8>().add(PAGE);
        MOVED_STACK.set(stack.add(size).cast());
        psm::on_stack(stack, size, move || {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            std::process::abort()
        })
    }
}

thread_local! {
    /// The cold end of the stack [`run_on_new_stack`] moved this thread to.
    static MOVED_STACK: Cell<*mut std::ffi::c_char> = const { Cell::new(ptr::null_mut()) };
    /// Whether this thread's stack is known to the collector.
    static REGISTERED: Cell<bool> = const { Cell::new(false) };
    /// Unregisters the thread when it exits, so the collector stops
    /// trying to suspend it.
    static UNREGISTER: RefCell<Option<Unregister>> = const { RefCell::new(None) };
}

struct Unregister;

impl Drop for Unregister {
    fn drop(&mut self) {
        // SAFETY: this thread registered itself in `register_thread`.
        unsafe { bdwgc::GC_unregister_my_thread() };
    }
}

/// Makes the calling thread unknown to the collector until its next
/// allocation registers it again. For a thread that now only waits and
/// holds no pointer into collected memory: the collector stops every thread
/// it knows at each collection, a signal round trip each.
pub fn release_thread() {
    if !REGISTERED.replace(false) {
        return;
    }
    // The guard would unregister a second time when the thread exits.
    UNREGISTER.with(|u| u.borrow_mut().take().map(std::mem::forget));
    // SAFETY: the thread is registered (explicitly, or the main thread by
    // GC_init, which bdwgc lets unregister once) and, by this function's
    // contract, keeps no pointer the collector must see.
    unsafe {
        if bdwgc::GC_thread_is_registered() != 0 {
            bdwgc::GC_unregister_my_thread();
        }
    }
}

/// Makes the calling thread's stack and registers roots of the collector,
/// starting the collector if no thread has. Every allocation does this
/// first.
pub fn register_thread() {
    if REGISTERED.get() {
        return;
    }
    init();
    // SAFETY: the calling thread registers with its own stack's cold end;
    // registration was allowed in `init`.
    unsafe {
        if bdwgc::GC_thread_is_registered() == 0 {
            let sb = bdwgc::StackBase {
                mem_base: stack_bottom().cast(),
            };
            if bdwgc::GC_register_my_thread(&sb) == bdwgc::SUCCESS {
                UNREGISTER.with(|u| *u.borrow_mut() = Some(Unregister));
            }
        }
    }
    REGISTERED.set(true);
}

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

/// Work every allocation of `bytes` does first: registration, Go's pacing
/// ([`knobs::paced`]) and the stress mode's forced collections.
#[inline(always)]
fn prepare(bytes: usize) {
    if !REGISTERED.get() {
        register_thread();
    }
    if knobs::paced(bytes) && knobs::over_allowance() {
        collect();
    }
    let every = knobs::STRESS_EVERY.load(Ordering::Relaxed);
    if every != 0 && ALLOCATIONS.fetch_add(1, Ordering::Relaxed) % every == every - 1 {
        collect();
    }
}

/// What to ask bdwgc for to get `size` usable bytes of pointer-free
/// memory. With interior pointers on, bdwgc adds one byte to every
/// request, so that a pointer just past an object still keeps it alive;
/// for a size that is a multiple of the granule that byte takes a whole
/// granule more, and turns a 2 KB object into a 4 KB block. gm never needs
/// it: a pointer past the end comes only from slicing a slice or string to
/// zero capacity or length, which reads nothing through it. Asking for one
/// byte less gives an object of exactly `size` bytes, all of them the
/// caller's. Only for atomic objects: in a scanned one bdwgc never scans
/// the last word, which it takes for that padding.
fn request(size: usize) -> usize {
    if size.is_multiple_of(ALIGN) {
        size - 1
    } else {
        size
    }
}

fn checked(p: *mut std::ffi::c_void) -> *mut u8 {
    if p.is_null() {
        fatal(msg::OUT_OF_MEMORY);
    }
    p.cast()
}

/// Zeroed, collected memory for `size` bytes aligned to [`ALIGN`] (to 8,
/// all Go needs, when pointer-free and of 17 to 24 bytes); scanned for
/// pointers only when `has_pointers`. Never returns null: a failed
/// allocation is Go's fatal out-of-memory error. A zero `size` returns one
/// shared non-null address that must not be written.
pub fn alloc(size: usize, has_pointers: bool) -> *mut u8 {
    if has_pointers {
        if size == 0 {
            return zero_base();
        }
        prepare(size);
        // SAFETY: GC_malloc returns zeroed memory or null.
        checked(unsafe { bdwgc::GC_malloc(size) })
    } else {
        let p = alloc_noscan_uninit(size);
        // SAFETY: `p` is `size` writable bytes (or the zero base, size 0).
        unsafe { ptr::write_bytes(p, 0, size) };
        p
    }
}

/// Collected, pointer-free memory the caller fills completely before the
/// next allocation (string bytes): not zeroed.
pub fn alloc_noscan_uninit(size: usize) -> *mut u8 {
    if size == 0 {
        return zero_base();
    }
    prepare(size);
    if (slab::PAIR_MIN..=slab::PAIR_MAX).contains(&size) {
        return slab::pair_half();
    }
    exact_noscan(size)
}

/// An atomic object of exactly `size` bytes (a multiple of [`ALIGN`] or
/// not), not zeroed.
fn exact_noscan(size: usize) -> *mut u8 {
    // SAFETY: plain allocation call.
    checked(unsafe { bdwgc::GC_malloc_atomic(request(size)) })
}

/// Zeroed memory that is never collected, for data generated code
/// addresses directly (package variables, constant strings, zero blocks).
/// When `has_pointers` it is a root: what it points to stays alive.
pub fn alloc_static(size: usize, has_pointers: bool) -> *mut u8 {
    if size == 0 {
        return zero_base();
    }
    // Even uncollectable allocation may start a collection, which must
    // know the calling thread.
    register_thread();
    // SAFETY: plain allocation calls; the atomic one is zeroed below.
    unsafe {
        if has_pointers {
            checked(bdwgc::GC_malloc_uncollectable(size))
        } else {
            let p = checked(bdwgc::GC_malloc_atomic_uncollectable(size));
            ptr::write_bytes(p, 0, size);
            p
        }
    }
}

fn zero_base() -> *mut u8 {
    ptr::addr_of!(ZERO_BASE) as *mut u8
}

/// Bucket arrays at least this large are allocated "ignoring off-page
/// pointers": the map header (or an iterator) always points at the array's
/// start, so the collector may place it on pages that stray words point
/// into, instead of growing the heap to avoid them.
const LARGE_ARRAY: usize = 64 << 10;

/// Zeroed memory for a bucket array of `n` buckets of `size` bytes:
/// noscan when the buckets hold no pointers; otherwise with the precise
/// layout `descr` (0: scanned conservatively), except for large arrays,
/// which are placed ignoring off-page pointers (bdwgc has no typed variant
/// of that) and backed by huge pages when very large.
pub fn alloc_bucket_array(n: usize, size: usize, has_pointers: bool, descr: usize) -> *mut u8 {
    let bytes = n * size;
    if !has_pointers && (slab::ARRAY_MIN..=slab::ARRAY_MAX).contains(&bytes) {
        prepare(bytes);
        return slab::array(bytes);
    }
    if bytes < LARGE_ARRAY {
        return if has_pointers && descr != 0 {
            alloc_typed(n, size, descr)
        } else {
            alloc(bytes, has_pointers)
        };
    }
    prepare(bytes);
    // SAFETY: plain allocation calls; the atomic block is zeroed below.
    let p = checked(unsafe {
        if has_pointers {
            bdwgc::GC_malloc_ignore_off_page(bytes)
        } else {
            bdwgc::GC_malloc_atomic_ignore_off_page(request(bytes))
        }
    });
    if bytes >= HUGE_ARRAY {
        // Before the first touch (for noscan memory), so zeroing faults in
        // huge pages.
        advise_huge(p, bytes);
    }
    if !has_pointers {
        // SAFETY: `p` is `bytes` writable bytes.
        unsafe { ptr::write_bytes(p, 0, bytes) };
    }
    p
}

/// A precise layout for the collector (bdwgc's `GC_descr`): which words of
/// an object of `words` words may hold pointers.
pub fn descriptor(pointer_words: &[usize], words: usize) -> usize {
    register_thread();
    let mut bitmap = vec![0usize; words.div_ceil(usize::BITS as usize).max(1)];
    for &w in pointer_words {
        bitmap[w / usize::BITS as usize] |= 1 << (w % usize::BITS as usize);
    }
    // SAFETY: the bitmap covers `words` bits.
    unsafe { bdwgc::GC_make_descriptor(bitmap.as_ptr(), words) }
}

/// Zeroed, collected memory for `n` objects of `size` bytes laid out as
/// `descr` says (only those words are scanned).
pub fn alloc_typed(n: usize, size: usize, descr: usize) -> *mut u8 {
    if n == 0 || size == 0 {
        return zero_base();
    }
    prepare(n.saturating_mul(size));
    // SAFETY: plain allocation calls; both clear the memory.
    checked(unsafe {
        if n == 1 {
            bdwgc::GC_malloc_explicitly_typed(size, descr)
        } else {
            bdwgc::GC_calloc_explicitly_typed(n, size, descr)
        }
    })
}

/// Asks for huge pages on the whole huge pages inside `p..p + bytes`.
fn advise_huge(p: *mut u8, bytes: usize) {
    // SAFETY: the range lies inside one live allocation; the advice changes
    // only how the kernel backs it, and failure is harmless.
    unsafe { advise_inside(p, bytes, HUGE_PAGE, Advice::Huge) };
}

/// What [`advise_inside`] tells the kernel.
enum Advice {
    /// Back the range with huge pages.
    Huge,
    /// Drop its pages: they read as zeros when touched again.
    Release,
}

/// Gives `advice` for the whole `page`-sized pages inside `p..p + bytes`.
///
/// # Safety
/// The range lies inside one allocation; for [`Advice::Release`], nothing
/// reads its contents again before writing them.
unsafe fn advise_inside(p: *mut u8, bytes: usize, page: usize, advice: Advice) {
    #[cfg(target_os = "linux")]
    {
        let start = (p as usize).next_multiple_of(page);
        let end = (p as usize + bytes) & !(page - 1);
        let advice = match advice {
            Advice::Huge => libc::MADV_HUGEPAGE,
            Advice::Release => libc::MADV_DONTNEED,
        };
        if end > start {
            // SAFETY: the caller's contract.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, advice) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (p, bytes, page, advice);
}

/// Returns a collected block to the heap at once, when the caller knows
/// nothing can reach it any more; memory outside the collected heap (a JIT
/// stack bucket) is left alone.
///
/// # Safety
/// No live pointer refers into the block at `p`.
pub unsafe fn free_unreachable(p: *mut u8) {
    // SAFETY: GC_base only inspects the heap's block table; GC_free gets
    // the start of a heap object nothing uses (the caller's contract).
    unsafe {
        if !p.is_null() && bdwgc::GC_base(p.cast()) == p.cast() {
            release_pages(p, bdwgc::GC_size(p.cast()));
            bdwgc::GC_free(p.cast());
        }
    }
}

/// Zeroed memory for a map's indirect elem of `size` bytes (Go stores
/// those over 128 bytes out of line); scanned when `has_pointers`.
pub fn alloc_map_slot(size: usize, has_pointers: bool) -> *mut u8 {
    if !has_pointers && slab::packs_map_slot(size) {
        prepare(size);
        return slab::map_slot(size);
    }
    alloc(size, has_pointers)
}

/// Gives back the indirect elem `p` of a deleted map entry, made by
/// [`alloc_map_slot`] with the same arguments: one from a slab is reused
/// by the next of its size, any other is left to the collector.
///
/// # Safety
/// No live pointer refers into it.
pub unsafe fn free_map_slot(p: *mut u8, size: usize, has_pointers: bool) {
    if !has_pointers && slab::packs_map_slot(size) {
        // SAFETY: the caller's contract.
        unsafe { slab::give_back(p, size) };
    }
}

/// Gives back bucket array `p` of `n` buckets of `size` bytes, made by
/// [`alloc_bucket_array`] with the same arguments, once nothing can reach
/// it: a piece of a slab is kept for the next array of its size (Go reuses
/// a freed slot of its size class alike), any other array goes to
/// [`free_unreachable`].
///
/// # Safety
/// No live pointer refers into the array.
pub unsafe fn free_bucket_array(p: *mut u8, n: usize, size: usize, has_pointers: bool) {
    let bytes = n * size;
    if !has_pointers && (slab::ARRAY_MIN..=slab::ARRAY_MAX).contains(&bytes) {
        // SAFETY: the caller's contract.
        unsafe { slab::give_back(p, bytes) };
    } else {
        // SAFETY: the caller's contract.
        unsafe { free_unreachable(p) };
    }
}

/// Freed blocks at least this large give their pages back to the kernel at
/// once: a growing map's earlier arrays are seldom reused as a whole, and
/// would otherwise stay resident for the rest of the run. A map of 50 000
/// string keys leaves arrays of 100 KB to 850 KB behind (a threshold of
/// 1 MB kept 8.2 MB resident where this one keeps 7.1); below 64 KB the
/// arrays are few and small, and the next allocations reuse them.
const RELEASE_FREED: usize = 64 << 10;

/// Drops the physical pages inside block `p` of `size` bytes when it is
/// large enough to matter.
fn release_pages(p: *mut u8, size: usize) {
    if size >= RELEASE_FREED {
        // SAFETY: the block is one allocation nothing reaches any more
        // (free_unreachable's contract); anonymous private pages dropped
        // this way come back zeroed, which every allocation from the
        // collector allows.
        unsafe { advise_inside(p, size, PAGE, Advice::Release) };
    }
}

/// A pointer kept alive from memory the collector does not scan (Rust's
/// heap, a benchmark's input list): it lives in an uncollectable, scanned
/// cell, released when the `Root` is dropped.
pub struct Root {
    cell: *mut *mut u8,
}

impl Root {
    // The pointer is only stored, never dereferenced.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn new(p: *mut u8) -> Root {
        let cell: *mut *mut u8 = alloc_static(size_of::<*mut u8>(), true).cast();
        // SAFETY: a fresh pointer-sized cell.
        unsafe { cell.write(p) };
        Root { cell }
    }

    pub fn get(&self) -> *mut u8 {
        // SAFETY: the cell lives until drop.
        unsafe { self.cell.read() }
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        // SAFETY: the cell came from GC_malloc_uncollectable and nothing
        // else refers to it.
        unsafe { bdwgc::GC_free(self.cell.cast()) };
    }
}

/// A full collection now (Go: `runtime.GC`).
pub fn collect() {
    register_thread();
    // SAFETY: plain call; the calling thread is registered.
    unsafe { bdwgc::GC_gcollect() };
}

/// The collector's counts, for tests and diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapStats {
    /// Bytes the heap spans.
    pub heap_bytes: usize,
    /// Of those, bytes in blocks holding objects.
    pub in_use_bytes: usize,
    /// Collections so far.
    pub collections: usize,
}

/// Process-wide heap counts.
pub fn stats() -> HeapStats {
    init();
    let mut s = bdwgc::ProfStats::default();
    // SAFETY: `s` is a writable `GC_prof_stats_s` of the size passed.
    unsafe { bdwgc::GC_get_prof_stats(&mut s, size_of::<bdwgc::ProfStats>()) };
    HeapStats {
        heap_bytes: s.heapsize_full,
        in_use_bytes: s.heapsize_full.saturating_sub(s.free_bytes_full),
        collections: s.gc_no,
    }
}

/// Whether `p` points into the collected heap (and not, say, at a bucket in
/// a stack frame that may be gone). Bucket arrays carved from a slab are
/// inside their slab object.
pub fn is_heap_object(p: *const u8) -> bool {
    // SAFETY: GC_base only inspects the heap's block table.
    !p.is_null() && !unsafe { bdwgc::GC_base(p as *mut _) }.is_null()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object_size(p: *mut u8) -> usize {
        // SAFETY: `p` starts a live heap object.
        unsafe { bdwgc::GC_size(p.cast()) }
    }

    #[test]
    fn pointer_free_objects_of_whole_granules_take_exactly_their_size() {
        for size in [16, 48, 2048] {
            let p = alloc(size, false);
            assert_eq!(object_size(p), size, "noscan {size}");
        }
        // A scanned object keeps bdwgc's padding: its last word is not
        // scanned.
        assert_eq!(object_size(alloc(48, true)), 64);
    }

    #[test]
    fn objects_of_17_to_24_bytes_go_in_pairs() {
        // Of three in a row, two share a chunk (the thread may hold half of
        // one from before).
        let ps = [alloc(17, false), alloc(24, false), alloc(20, false)];
        let i = (0..2).find(|&i| base(ps[i]) == base(ps[i + 1])).unwrap();
        let (a, b) = (ps[i], ps[i + 1]);
        assert_eq!(b as usize - a as usize, 24);
        assert_eq!(object_size(base(a).cast()), 48);
        assert_eq!(a as usize % 8, 0);
    }

    /// `n` bucket arrays of `buckets` `map[int]int` buckets (144 bytes),
    /// kept alive by the rooted table returned beside them.
    fn arrays(n: usize, buckets: usize) -> (Root, Vec<*mut u8>) {
        let table = Root::new(alloc(n * size_of::<*mut u8>(), true));
        let slots = table.get().cast::<*mut u8>();
        let ps = (0..n)
            .map(|i| {
                let p = alloc_bucket_array(buckets, 144, false, 0);
                // SAFETY: the table holds `n` pointers.
                unsafe { slots.add(i).write(p) };
                p
            })
            .collect();
        (table, ps)
    }

    fn base(p: *mut u8) -> *mut u8 {
        // SAFETY: GC_base only reads the block table.
        unsafe { bdwgc::GC_base(p.cast()).cast() }
    }

    /// Whether some `k` arrays in a row of `ps` share one slab of `slab`
    /// bytes, `step` bytes apart.
    fn share_a_slab(ps: &[*mut u8], k: usize, slab: usize, step: usize) -> bool {
        ps.windows(k).any(|w| {
            w.iter().all(|&p| base(p) == base(w[0]))
                && object_size(base(w[0])) == slab
                && w.windows(2).all(|q| q[1] as usize - q[0] as usize == step)
        })
    }

    #[test]
    fn pointer_free_bucket_arrays_share_slabs() {
        // Eight `map[int]int` buckets, 1 152 bytes: seven to an 8 KB slab
        // (the thread may hold part of a slab from before).
        let (_t, ps) = arrays(14, 8);
        assert!(share_a_slab(&ps, 7, 8 << 10, 1152));
        // 32 buckets and two overflow buckets, 4 896 bytes: three to a
        // 16 KB slab.
        let (_t, ps) = arrays(6, 34);
        assert!(share_a_slab(&ps, 3, 16 << 10, 4896));
    }

    #[test]
    fn a_bucket_array_given_back_is_the_next_one_of_its_size() {
        let (_t, ps) = arrays(3, 8);
        // SAFETY: nothing else refers to the array, which is written to
        // show that the next one comes zeroed.
        unsafe {
            ptr::write_bytes(ps[1], 0xAB, 1152);
            free_bucket_array(ps[1], 8, 144, false);
        }
        // Another size does not take it.
        let other = alloc_bucket_array(9, 144, false, 0);
        assert_ne!(other, ps[1]);
        let again = alloc_bucket_array(8, 144, false, 0);
        assert_eq!(again, ps[1]);
        // SAFETY: a fresh array of 1 152 bytes.
        let bytes = unsafe { std::slice::from_raw_parts(again, 1152) };
        assert!(bytes.iter().all(|&b| b == 0));
    }

    /// How many of the `n` pages from `p` on are resident.
    fn resident_pages(p: *mut u8, n: usize) -> usize {
        let mut vec = vec![0u8; n];
        // SAFETY: `p` is page-aligned and the range lies inside one mapping
        // of the heap; mincore only fills `vec`, one byte per page.
        let rc = unsafe { libc::mincore(p.cast(), n * PAGE, vec.as_mut_ptr()) };
        assert_eq!(rc, 0);
        vec.iter().filter(|&&b| b & 1 != 0).count()
    }

    #[test]
    fn a_large_freed_block_leaves_memory_and_a_small_one_stays() {
        for (bytes, kept) in [(RELEASE_FREED, false), (RELEASE_FREED / 2, true)] {
            let p = alloc(bytes, false);
            // SAFETY: `bytes` fresh bytes.
            unsafe { ptr::write_bytes(p, 1, bytes) };
            let first = (p as usize).next_multiple_of(PAGE) as *mut u8;
            let pages = (p as usize + bytes - first as usize) / PAGE;
            assert_eq!(resident_pages(first, pages), pages, "{bytes} B written");
            // SAFETY: nothing else refers to the block.
            unsafe { free_unreachable(p) };
            let left = resident_pages(first, pages);
            assert_eq!(
                left == pages,
                kept,
                "{bytes} B freed: {left} of {pages} pages left"
            );
        }
    }

    #[test]
    fn a_deleted_map_slot_is_the_next_one_of_its_size() {
        assert!(slab::packs_map_slot(200) && slab::packs_map_slot(144));
        // Those bdwgc packs as well (four 1 KB objects to a 4 KB block), or
        // that are not indirect.
        assert!(!slab::packs_map_slot(1024) && !slab::packs_map_slot(2048));
        assert!(!slab::packs_map_slot(128));
        let table = Root::new(alloc(2 * size_of::<*mut u8>(), true));
        let ps = table.get().cast::<*mut u8>();
        // SAFETY: the table holds two pointers; each slot holds 200 bytes.
        unsafe {
            ps.write(alloc_map_slot(200, false));
            ps.add(1).write(alloc_map_slot(200, false));
            let (a, b) = (ps.read(), ps.add(1).read());
            assert_ne!(a, b);
            assert!(is_heap_object(a));
            ptr::write_bytes(a, 7, 200);
            ps.write(ptr::null_mut());
            free_map_slot(a, 200, false);
            // Another size does not take it; the same size does, zeroed.
            let other = alloc_map_slot(208 + 16, false);
            assert_ne!(other, a);
            let again = alloc_map_slot(200, false);
            assert_eq!(again, a);
            assert!(
                std::slice::from_raw_parts(again, 200)
                    .iter()
                    .all(|&x| x == 0)
            );
            // A slot with pointers is the collector's alone.
            let scanned = alloc_map_slot(200, true);
            free_map_slot(scanned, 200, true);
            assert_ne!(alloc_map_slot(200, true), scanned);
        }
    }

    #[test]
    fn neighbouring_exact_objects_do_not_overlap() {
        for size in [16, 20, 24, 32] {
            // The objects are held by a scanned, rooted table (a Vec's
            // buffer is not collected memory: the collector would not see
            // them).
            let table = Root::new(alloc(64 * size_of::<*mut u8>(), true));
            // SAFETY: the table holds 64 pointers.
            let ps = unsafe { std::slice::from_raw_parts_mut(table.get().cast::<*mut u8>(), 64) };
            for (i, p) in ps.iter_mut().enumerate() {
                *p = alloc(size, false);
                // SAFETY: `size` bytes of each object.
                unsafe { ptr::write_bytes(*p, i as u8, size) };
            }
            for (i, &p) in ps.iter().enumerate() {
                // SAFETY: as above.
                let bytes = unsafe { std::slice::from_raw_parts(p, size) };
                assert!(
                    bytes.iter().all(|&b| b == i as u8),
                    "{size}-byte object {i}"
                );
            }
        }
    }
}
