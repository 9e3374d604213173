//! The map recorder of `gm trace`: growth events as Go's rules place them,
//! and an exit snapshot read from memory the recorder itself kept alive
//! after the program dropped its map and the collector ran.

mod common;

use common::*;
use gm_runtime::trace::{self, EventKind, Op, ValueKind};
use gm_runtime::{Hmap, abi, alloc};

/// An assign as code compiled for tracing makes it.
unsafe fn put(h: *mut Hmap, k: u64) {
    unsafe {
        trace::trace_op(h, Op::Assign as u32);
        *(abi::mapassign_fast64(U64Fast::map_type(), h, k) as *mut u64) = k * 2;
        trace::trace_done(h);
    }
}

#[inline(never)]
fn fill_and_drop(n: u64) {
    let t = U64Fast::map_type();
    let h = abi::makemap_small();
    let kinds = ValueKind::Uint as u32 | (ValueKind::Uint as u32) << 8;
    // SAFETY: a fresh map of type `t`.
    unsafe {
        trace::trace_make(t, h, -1, 7, kinds, false);
        for k in 0..n {
            put(h, k);
        }
    }
}

#[test]
fn the_trace_outlives_its_map() {
    trace::start(4);
    fill_and_drop(100);
    // The map is garbage now; reuse its memory if the collector freed it.
    for _ in 0..64 {
        alloc::collect();
        let p = alloc::alloc(4096, false);
        // SAFETY: 4096 fresh bytes.
        unsafe { std::ptr::write_bytes(p, 0xA5, 4096) };
    }
    let tr = trace::finish().expect("the recorder was on");
    assert!(trace::finish().is_none(), "finish turns it off");
    let [m] = tr.maps.as_slice() else {
        panic!("one map: {:?}", tr.maps.len())
    };
    assert_eq!(
        (m.site, m.clock, m.totals[Op::Assign as usize]),
        (7, 100, 100)
    );
    let grows: Vec<(u64, u8, u8)> = m
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::GrowStart { from_b, to_b, .. } => Some((e.op, from_b, to_b)),
            _ => None,
        })
        .collect();
    assert_eq!(grows, [(9, 0, 1), (14, 1, 2), (27, 2, 3), (53, 3, 4)]);

    let exit = m.snapshots.last().expect("an exit snapshot");
    assert_eq!(exit.why, "exit");
    assert_eq!(exit.state.count, 100);
    let mut keys: Vec<u64> = Vec::new();
    for a in &exit.arrays {
        assert!(!a.gone);
        for b in a.chains.iter().flatten() {
            for (i, k) in b.keys.iter().enumerate() {
                if let Some(k) = k {
                    let k: u64 = k.parse().expect("a key as print shows it");
                    assert_eq!(b.elems[i].as_deref(), Some((k * 2).to_string().as_str()));
                    keys.push(k);
                }
            }
        }
    }
    keys.sort();
    assert_eq!(keys, (0..100).collect::<Vec<_>>());
}
