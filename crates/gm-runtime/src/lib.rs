//! The run-time support that gm's JIT-compiled code calls: Go 1.23's classic
//! bucket hash map (`runtime/map.go` and its `_fast32`/`_fast64`/`_faststr`
//! variants), Go's `print` builtins, Go-style panics, and the heap allocator
//! behind both.
//!
//! # The ABI contract
//!
//! Generated code reaches this crate only through the `extern "C"` entry
//! points in [`abi`], registered in the JIT as `runtime.<goname>` from
//! [`abi::SYMBOLS`], one per entry of gm-abi's table. They use Go's names and Go's argument order:
//!
//! * `t: *const MapType` is a descriptor the compiler built with
//!   [`MapType::new`] and leaked, so it outlives every map of that type.
//! * `h: *mut Hmap` is the map value; null is the nil map. `Hmap` and `Hiter`
//!   have Go's exact field order and size ([`HMAP_SIZE`], [`HITER_SIZE`]),
//!   because generated code reads `count` (`len(m)`), writes `buckets` and
//!   `hash0` of stack-allocated maps, and reads `key`/`elem` of an iterator.
//! * Slow-path keys are passed by pointer; fast keys by value (`u32`, `u64`,
//!   a pointer, or a Go string as two words `ptr, len`). Every access/assign
//!   returns a pointer to the elem that is never null: a miss points at a
//!   shared zero block ([`map::ZERO_VAL_SIZE`] bytes) or, for `_fat` reads, at
//!   the caller's zero block. Multi-results are written through an
//!   out-pointer that comes last.
//!
//! # Unsafe invariants, in one place
//!
//! Every entry point is `unsafe` because it trusts generated code for these:
//!
//! 1. `t` is a valid descriptor and is the type the map was made with.
//! 2. `h` is null or points to an `Hmap` that is either zeroed, filled by
//!    this runtime, or a stack header the JIT zeroed and optionally gave a
//!    zeroed stack bucket of `t.bucket_size()` bytes plus a `hash0`. It is
//!    never used from two threads at once (Go's single goroutine).
//! 3. Key pointers point to `t.key().size` readable bytes; a Go string's
//!    `ptr` points to `len` readable bytes (or `len == 0`).
//! 4. A pointer returned by an access or assign is used before the next
//!    mutating map call on any map (LOWERING §2.2), so growth may move
//!    entries freely.
//! 5. An iterator (`Hiter`) is zeroed before `mapiterinit` and used only
//!    while its map is alive.
//!
//! Memory is the bdwgc collector's ([`alloc`]): nothing is freed
//! explicitly. The map drops its references where Go's does (old bucket
//! arrays when a grow finishes, overflow buckets on `clear`, deleted slots'
//! indirect storage), and whatever an iterator still walks stays alive
//! because the iterator points at it. Buckets whose keys and elems hold no
//! pointers are noscan memory; their overflow buckets are kept alive
//! through the lists in `mapextra`, as in Go.
//!
//! The recorder of `gm trace` ([`trace`]) is off unless the driver starts
//! it; the map runtime consults it only on its rare paths (growth,
//! evacuation, overflow buckets), and generated code calls it only when
//! compiled for tracing.
//!
//! Go-level errors never unwind: [`panic`](mod@panic) prints Go's text, flushes the
//! buffered stdout of [`print`](mod@print) first, and exits with status 2.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod abi;
pub mod alloc;
pub mod lang;
pub mod map;
pub mod panic;
pub mod print;
pub mod rand;
pub mod size_class;
pub mod testing;
pub mod trace;

pub use abi::{AbiType, RtFn, SYMBOLS, Symbol, address};
pub use map::{
    HITER_SIZE, HMAP_BUCKETS_OFFSET, HMAP_COUNT_OFFSET, HMAP_HASH0_OFFSET, HMAP_SIZE, Hiter, Hmap,
    KeyAlg, KeyPart, KeyType, MapType,
};
pub use panic::{GoPanic, PanicKind, fatal, go_panic, runtime_error, set_panic_hook};
pub use print::flush_stdout;
pub use rand::set_seed;
