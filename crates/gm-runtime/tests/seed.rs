//! `set_seed` makes hashing, `hash0`, iteration order and NaN hashes
//! reproducible. It changes the process-wide hash key, so this binary holds
//! a single test and no other map is alive meanwhile.

use gm_runtime::{KeyType, MapType, abi, set_seed};

fn run(seed: u64) -> (Vec<u32>, Vec<u64>, Vec<u64>) {
    set_seed(seed);
    let ints = MapType::new(KeyType::mem(8, 8), 8, 8);
    let floats = MapType::new(KeyType::float64(), 8, 8);
    let (ints, floats) = (&ints, &floats);
    let mut seeds = Vec::new();
    let mut order = Vec::new();
    let mut nan_order = Vec::new();
    // SAFETY: live maps; zeroed iterators.
    unsafe {
        let h = abi::makemap_small();
        seeds.push((*h).hash0);
        seeds.push(abi::rand32());
        for k in 0..300u64 {
            *(abi::mapassign_fast64(ints, h, k) as *mut u64) = k;
        }
        let mut it = gm_runtime::Hiter::zeroed();
        abi::mapiterinit(ints, h, &mut it);
        while !it.key.is_null() {
            order.push(*(it.key as *const u64));
            abi::mapiternext(&mut it);
        }

        let h = abi::makemap_small();
        for v in 0..100u64 {
            let k = if v % 2 == 0 { f64::NAN } else { v as f64 };
            *(abi::mapassign(floats, h, (&k as *const f64).cast()) as *mut u64) = v;
        }
        let mut it = gm_runtime::Hiter::zeroed();
        abi::mapiterinit(floats, h, &mut it);
        while !it.key.is_null() {
            nan_order.push(*(it.elem as *const u64));
            abi::mapiternext(&mut it);
        }
    }
    (seeds, order, nan_order)
}

#[test]
fn set_seed_makes_runs_reproducible() {
    let a = run(7);
    let b = run(7);
    assert_eq!(a, b);
    let c = run(8);
    assert_ne!(a.0, c.0);
    assert_ne!(a.1, c.1);
    assert_ne!(a.2, c.2);
}
