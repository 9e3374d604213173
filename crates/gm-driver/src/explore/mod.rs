//! `gm explore`: every stage of a program side by side in one HTML page.
//!
//! [`data`] compiles a file once per stage and keeps, for each line of each
//! dump, the source line it comes from (spans carried by the typed, order
//! and walk dumps, Cranelift srclocs in the CLIF and, by code offset, in
//! the machine code, and a debug tag on each runtime call) and, for map
//! runtime calls, why walk
//! chose them (recorded by walk itself). [`json`] writes that data;
//! [`html`] wraps it into a self-contained page.

mod data;
pub mod html;
pub mod json;

pub use data::{Column, Function, Line, Page, RunOutput, data, is_map_call};

/// The map runtime call families, as the page's legend lists them.
pub const LEGEND: &[(&str, &str)] = &[
    (
        "makemap, makemap_small",
        "make(map…) or a map literal whose map escapes: a heap hmap (makemap_small when the hint is at most 8)",
    ),
    (
        "rand32",
        "a map that does not escape: its hmap (and first bucket) on the stack; only the hash seed is a call",
    ),
    (
        "mapaccess1…",
        "v := m[k]: returns a pointer to the elem, or to the zero value",
    ),
    (
        "mapaccess2…",
        "v, ok := m[k]: the pointer and whether the key is present",
    ),
    (
        "mapassign…",
        "m[k] = v, m[k] op= v: returns a pointer to the elem slot to store into",
    ),
    ("mapdelete…", "delete(m, k)"),
    ("mapiterinit, mapiternext", "for k, v := range m"),
    (
        "mapclear",
        "clear(m), or a range loop that deletes every key",
    ),
    (
        "_fast32, _fast64, _faststr",
        "variants for keys of 4 or 8 bytes of plain memory, or strings (elems up to 128 bytes)",
    ),
    (
        "_fat",
        "reads of elems over 1024 bytes: the zero value is passed in",
    ),
];
