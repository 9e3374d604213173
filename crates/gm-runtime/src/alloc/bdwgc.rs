//! The handful of bdwgc (Boehm–Demers–Weiser collector, `gc.h` of
//! libgc 8.2) entry points the allocator uses, linked
//! statically by the build script.

use std::ffi::{c_char, c_int, c_uint, c_void};

/// `struct GC_stack_base` on x86-64 and arm64: the stack's cold end.
#[repr(C)]
pub struct StackBase {
    pub mem_base: *mut c_void,
}

/// `struct GC_prof_stats_s`: every field is a `GC_word`.
#[repr(C)]
#[derive(Default, Clone, Copy)]
pub struct ProfStats {
    pub heapsize_full: usize,
    pub free_bytes_full: usize,
    pub unmapped_bytes: usize,
    pub bytes_allocd_since_gc: usize,
    pub allocd_bytes_before_gc: usize,
    pub non_gc_bytes: usize,
    pub gc_no: usize,
    pub markers_m1: usize,
    pub bytes_reclaimed_since_gc: usize,
    pub reclaimed_bytes_before_gc: usize,
    pub expl_freed_bytes_since_gc: usize,
    pub obtained_from_os_bytes: usize,
}

/// `GC_EVENT_START` and `GC_EVENT_END` of `GC_EventType`.
pub const EVENT_START: c_int = 0;
pub const EVENT_END: c_int = 5;

/// `GC_SUCCESS`.
pub const SUCCESS: c_int = 0;

unsafe extern "C" {
    /// The main thread's stack bottom, read by `GC_init` when set.
    pub static mut GC_stackbottom: *mut c_char;
    /// glibc's record of the stack pointer at the program's entry.
    #[cfg(target_os = "linux")]
    pub static __libc_stack_end: *mut c_void;
    pub fn GC_set_all_interior_pointers(on: c_int);
    pub fn GC_set_dont_precollect(on: c_int);
    pub fn GC_set_markers_count(n: c_uint);
    pub fn GC_init();
    pub fn GC_malloc(bytes: usize) -> *mut c_void;
    pub fn GC_malloc_atomic(bytes: usize) -> *mut c_void;
    pub fn GC_malloc_ignore_off_page(bytes: usize) -> *mut c_void;
    pub fn GC_malloc_atomic_ignore_off_page(bytes: usize) -> *mut c_void;
    pub fn GC_malloc_uncollectable(bytes: usize) -> *mut c_void;
    pub fn GC_malloc_atomic_uncollectable(bytes: usize) -> *mut c_void;
    pub fn GC_make_descriptor(bitmap: *const usize, words: usize) -> usize;
    pub fn GC_malloc_explicitly_typed(bytes: usize, d: usize) -> *mut c_void;
    pub fn GC_calloc_explicitly_typed(n: usize, bytes: usize, d: usize) -> *mut c_void;
    pub fn GC_free(p: *mut c_void);
    pub fn GC_base(p: *mut c_void) -> *mut c_void;
    pub fn GC_size(p: *const c_void) -> usize;
    pub fn GC_gcollect();
    pub fn GC_disable();
    pub fn GC_set_free_space_divisor(divisor: usize);
    pub fn GC_set_max_heap_size(bytes: usize);
    pub fn GC_set_min_bytes_allocd(bytes: usize);
    pub fn GC_set_warn_proc(f: unsafe extern "C" fn(*mut c_char, usize));
    pub fn GC_set_on_collection_event(f: unsafe extern "C" fn(c_int));
    pub fn GC_get_prof_stats(stats: *mut ProfStats, size: usize) -> usize;
    pub fn GC_get_prof_stats_unsafe(stats: *mut ProfStats, size: usize) -> usize;
    pub fn GC_allow_register_threads();
    pub fn GC_thread_is_registered() -> c_int;
    pub fn GC_register_my_thread(sb: *const StackBase) -> c_int;
    pub fn GC_unregister_my_thread() -> c_int;
}
