//! Model-based property tests: random sequences of assign / access (1 and
//! 2) / delete / iterate (full, or partial with mutations in between) /
//! clear / len, run through the same extern "C" entry points the JIT uses,
//! against `std::collections::HashMap`. Every step also runs the runtime's
//! full invariant check.
//!
//! Iteration is checked against Go's guarantees: every yielded entry is in
//! the model with the model's value at that moment (so entries deleted
//! before being reached never appear), no entry appears twice unless it was
//! removed in between or made after a clear in the loop (see
//! `Run::iterate`), and every entry present throughout appears.
//!
//! `PROPTEST_CASES` overrides the number of cases per shape.

mod common;

use std::collections::{HashMap, HashSet};

use common::*;
use gm_runtime::abi;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

#[derive(Clone, Debug)]
enum Op {
    Assign(u64, u64),
    /// Assign keys `base..base + n` (drives growth).
    Fill(u64, u64),
    Access(u64, bool),
    Delete(u64),
    /// Iterate, interleaving these steps; then run the iterator to its end.
    Iterate(Vec<IterStep>),
    Clear,
}

#[derive(Clone, Debug)]
enum IterStep {
    Next,
    Assign(u64, u64),
    Fill(u64, u64),
    Delete(u64),
    Clear,
}

fn key_seed() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 0..24u64, 3 => 0..400u64, 2 => 0..4000u64]
}

fn iter_step() -> impl Strategy<Value = IterStep> {
    prop_oneof![
        40 => Just(IterStep::Next),
        20 => (key_seed(), any::<u64>()).prop_map(|(k, v)| IterStep::Assign(k, v)),
        3 => (key_seed(), 0..64u64).prop_map(|(k, n)| IterStep::Fill(k, n)),
        14 => key_seed().prop_map(IterStep::Delete),
        1 => Just(IterStep::Clear),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        40 => (key_seed(), any::<u64>()).prop_map(|(k, v)| Op::Assign(k, v)),
        4 => (key_seed(), 0..200u64).prop_map(|(k, n)| Op::Fill(k, n)),
        20 => (key_seed(), any::<bool>()).prop_map(|(k, two)| Op::Access(k, two)),
        20 => key_seed().prop_map(Op::Delete),
        5 => prop::collection::vec(iter_step(), 0..120).prop_map(Op::Iterate),
        1 => Just(Op::Clear),
    ]
}

fn birth() -> impl Strategy<Value = Birth> {
    prop_oneof![
        Just(Birth::Small),
        (-3i64..300).prop_map(Birth::Hinted),
        Just(Birth::Stack),
        (0i64..20).prop_map(Birth::StackHinted),
    ]
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(48)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    }
}

/// What a range loop has yielded, against what Go promises of it.
struct Yields<S: Shape> {
    /// Yielded since the entry was last removed.
    since_removal: HashSet<S::K>,
    /// Entries made after a clear in this loop, which Go 1.23 may yield
    /// twice (21 of 300,000 random loops that clear their map, run by Go
    /// itself): an iterator that stands on the last preallocated overflow
    /// bucket follows the end marker the clear writes back there into
    /// bucket 0, whose chain the walk reaches again later.
    after_clear: HashSet<S::K>,
    cleared: bool,
    /// Those of them yielded twice since the last clear.
    twice: HashSet<S::K>,
    ever: HashSet<S::K>,
}

impl<S: Shape> Default for Yields<S> {
    fn default() -> Self {
        Yields {
            since_removal: HashSet::new(),
            after_clear: HashSet::new(),
            cleared: false,
            twice: HashSet::new(),
            ever: HashSet::new(),
        }
    }
}

impl<S: Shape> Yields<S> {
    /// Checks the iterator's entry, if any; whether there was one.
    fn take(
        &mut self,
        it: &gm_runtime::Hiter,
        model: &HashMap<S::K, u64>,
    ) -> Result<bool, TestCaseError> {
        if it.key.is_null() {
            return Ok(false);
        }
        // SAFETY: the iterator points at a live entry.
        let (k, v) = unsafe { (S::read_key(it.key), read_elem(it.elem, S::ELEM)) };
        prop_assert_eq!(
            model.get(&k),
            Some(&v),
            "yielded {:?} does not match the model",
            k
        );
        if !self.since_removal.insert(k.clone()) {
            prop_assert!(
                self.after_clear.contains(&k) && self.twice.insert(k.clone()),
                "{:?} yielded twice",
                k
            );
        }
        self.ever.insert(k);
        Ok(true)
    }

    /// The loop made these keys' entries.
    fn made(&mut self, keys: impl IntoIterator<Item = S::K>) {
        if self.cleared {
            self.after_clear.extend(keys);
        }
    }

    /// The loop cleared the map.
    fn on_clear(&mut self) {
        self.cleared = true;
        self.twice.clear();
        self.since_removal.clear();
    }
}

struct Run<S: Shape> {
    h: *mut gm_runtime::Hmap,
    model: HashMap<S::K, u64>,
}

impl<S: Shape> Run<S> {
    fn check(&self, what: &dyn std::fmt::Debug) -> Result<(), TestCaseError> {
        // SAFETY: a live map of this shape.
        unsafe {
            check(S::map_type(), self.h, what);
            prop_assert_eq!(len(self.h), self.model.len() as i64, "len after {:?}", what);
        }
        Ok(())
    }

    fn assign(&mut self, seed: u64, v: u64) -> Result<(), TestCaseError> {
        let k = S::key(seed);
        // SAFETY: a live map; the elem pointer is used before the next call.
        unsafe {
            let e = S::assign(self.h, &k);
            if !self.model.contains_key(&k) {
                prop_assert!(is_zero(e, S::ELEM), "new entry's elem is not zero");
            }
            write_elem(e, S::ELEM, v);
        }
        self.model.insert(k, v);
        Ok(())
    }

    fn fill(&mut self, base: u64, n: u64) -> Result<(), TestCaseError> {
        for j in 0..n {
            self.assign(base + j, base ^ (j << 20))?;
            if j % 16 == 15 {
                self.check(&("fill", base, j))?;
            }
        }
        Ok(())
    }

    fn delete(&mut self, seed: u64) -> Option<S::K> {
        let k = S::key(seed);
        // SAFETY: a live map.
        unsafe { S::delete(self.h, &k) };
        self.model.remove(&k).map(|_| k)
    }

    fn access(&self, seed: u64, two: bool) -> Result<(), TestCaseError> {
        let k = S::key(seed);
        // SAFETY: a live map.
        unsafe {
            let (e, ok) = S::access(self.h, &k, two);
            match self.model.get(&k) {
                Some(&v) => {
                    prop_assert_ne!(ok, Some(false), "present key {:?} reported missing", k);
                    prop_assert_eq!(read_elem(e, S::ELEM), v);
                }
                None => {
                    prop_assert_ne!(ok, Some(true), "missing key {:?} reported present", k);
                    prop_assert!(is_zero(e, S::ELEM), "miss must read as zero");
                }
            }
        }
        Ok(())
    }

    fn clear(&mut self) {
        // SAFETY: a live map.
        unsafe { abi::mapclear(S::map_type(), self.h) };
        self.model.clear();
    }

    fn iterate(&mut self, script: &[IterStep]) -> Result<(), TestCaseError> {
        let t = S::map_type();
        let start: HashSet<S::K> = self.model.keys().cloned().collect();
        let mut removed: HashSet<S::K> = HashSet::new();
        let mut seen = Yields::<S>::default();
        let mut it = new_iter();
        // SAFETY: a zeroed iterator on a live map.
        unsafe { abi::mapiterinit(t, self.h, &mut *it) };
        // Read the entry right away, as the loop header of generated code
        // does, before any mutation can touch it.
        let mut live = seen.take(&it, &self.model)?;
        for step in script {
            match *step {
                IterStep::Next => {
                    if live {
                        // SAFETY: a started iterator on a live map.
                        unsafe { abi::mapiternext(&mut *it) };
                        live = seen.take(&it, &self.model)?;
                    }
                }
                IterStep::Assign(k, v) => {
                    self.assign(k, v)?;
                    seen.made([S::key(k)]);
                }
                IterStep::Fill(k, n) => {
                    self.fill(k, n)?;
                    seen.made((k..k + n).map(S::key));
                }
                IterStep::Delete(k) => {
                    if let Some(k) = self.delete(k) {
                        seen.since_removal.remove(&k);
                        removed.insert(k);
                    }
                }
                IterStep::Clear => {
                    removed.extend(self.model.keys().cloned());
                    seen.on_clear();
                    self.clear();
                }
            }
            self.check(step)?;
        }
        while live {
            // SAFETY: a started iterator on a live map.
            unsafe { abi::mapiternext(&mut *it) };
            live = seen.take(&it, &self.model)?;
        }
        for k in start.difference(&removed) {
            prop_assert!(
                seen.ever.contains(k),
                "{:?} present throughout but never yielded",
                k
            );
        }
        Ok(())
    }
}

fn run<S: Shape>(birth: Birth, ops: &[Op]) -> Result<(), TestCaseError> {
    let t = S::map_type();
    let mut stack = StackMap::new();
    // SAFETY: a valid descriptor; `stack` outlives the map.
    let (h, _) = unsafe { make(t, birth, &mut stack) };
    let mut r = Run::<S> {
        h,
        model: HashMap::new(),
    };
    r.check(&birth)?;
    for op in ops {
        match op {
            Op::Assign(k, v) => r.assign(*k, *v)?,
            Op::Fill(k, n) => r.fill(*k, *n)?,
            Op::Access(k, two) => r.access(*k, *two)?,
            Op::Delete(k) => {
                r.delete(*k);
            }
            Op::Iterate(script) => r.iterate(script)?,
            Op::Clear => r.clear(),
        }
        r.check(op)?;
    }
    // Every remaining key is still readable.
    let keys: Vec<S::K> = r.model.keys().cloned().collect();
    for k in keys {
        // SAFETY: a live map.
        let (e, ok) = unsafe { S::access(r.h, &k, true) };
        prop_assert_eq!(ok, Some(true));
        // SAFETY: a present entry.
        prop_assert_eq!(unsafe { read_elem(e, S::ELEM) }, r.model[&k]);
    }
    Ok(())
}

macro_rules! shape_tests {
    ($($name:ident => $shape:ty),* $(,)?) => {$(
        proptest! {
            #![proptest_config(config())]
            #[test]
            fn $name(birth in birth(), ops in prop::collection::vec(op(), 1..300)) {
                run::<$shape>(birth, &ops)?;
            }
        }
    )*};
}

shape_tests! {
    model_u32_fast32 => U32Fast,
    model_u64_fast64 => U64Fast,
    model_string_faststr => StrFast,
    model_struct12_padded => Padded,
    model_key200_indirect => BigKey,
    model_elem200_indirect => BigElem,
    model_elem2048_fat => FatElem,
    model_u32_slow_entry_points => U32Slow,
    model_string_slow_entry_points => StrSlow,
}

// ---- float keys: NaN and ±0 -------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum FOp {
    Assign(usize, u64),
    Access(usize),
    Delete(usize),
    Iterate,
    Clear,
}

const FKEYS: [f64; 8] = [f64::NAN, 0.0, -0.0, 1.0, -1.0, 2.5, 1e300, f64::INFINITY];

fn fop() -> impl Strategy<Value = FOp> {
    prop_oneof![
        8 => (0..FKEYS.len(), any::<u64>()).prop_map(|(k, v)| FOp::Assign(k, v)),
        4 => (0..FKEYS.len()).prop_map(FOp::Access),
        4 => (0..FKEYS.len()).prop_map(FOp::Delete),
        2 => Just(FOp::Iterate),
        1 => Just(FOp::Clear),
    ]
}

/// Model: non-NaN keys by canonical bits (±0 as +0) with the sign of the
/// stored zero; NaN entries as a list of values (each insert adds one).
#[derive(Default)]
struct FloatModel {
    map: HashMap<u64, (f64, u64)>,
    nans: Vec<u64>,
}

fn canon(k: f64) -> u64 {
    if k == 0.0 { 0 } else { k.to_bits() }
}

fn run_float(ops: &[FOp]) -> Result<(), TestCaseError> {
    static T: std::sync::OnceLock<&'static gm_runtime::MapType> = std::sync::OnceLock::new();
    let t = *T.get_or_init(|| {
        leak(gm_runtime::MapType::new(
            gm_runtime::KeyType::float64(),
            8,
            8,
        ))
    });
    let h = abi::makemap_small();
    let mut m = FloatModel::default();
    for &op in ops {
        // SAFETY (whole match): a live map; keys are valid f64s.
        unsafe {
            match op {
                FOp::Assign(i, v) => {
                    let k = FKEYS[i];
                    let e = abi::mapassign(t, h, (&k as *const f64).cast());
                    *(e as *mut u64) = v;
                    if k.is_nan() {
                        m.nans.push(v);
                    } else {
                        // Key update: the stored key becomes this one (±0).
                        m.map.insert(canon(k), (k, v));
                    }
                }
                FOp::Access(i) => {
                    let k = FKEYS[i];
                    let mut ok = false;
                    let e = abi::mapaccess2(t, h, (&k as *const f64).cast(), &mut ok);
                    match m.map.get(&canon(k)).filter(|_| !k.is_nan()) {
                        Some(&(_, v)) => {
                            prop_assert!(ok);
                            prop_assert_eq!(*(e as *const u64), v);
                        }
                        None => {
                            prop_assert!(!ok, "NaN or missing key found");
                            prop_assert_eq!(*(e as *const u64), 0);
                        }
                    }
                }
                FOp::Delete(i) => {
                    let k = FKEYS[i];
                    abi::mapdelete(t, h, (&k as *const f64).cast());
                    if !k.is_nan() {
                        m.map.remove(&canon(k));
                    }
                }
                FOp::Iterate => {
                    let mut it = new_iter();
                    abi::mapiterinit(t, h, &mut *it);
                    let mut nans = Vec::new();
                    let mut seen = HashMap::new();
                    while !it.key.is_null() {
                        let k = *(it.key as *const f64);
                        let v = *(it.elem as *const u64);
                        if k.is_nan() {
                            nans.push(v);
                        } else {
                            prop_assert!(seen.insert(k.to_bits(), v).is_none(), "dup {}", k);
                        }
                        abi::mapiternext(&mut *it);
                    }
                    nans.sort_unstable();
                    let mut want = m.nans.clone();
                    want.sort_unstable();
                    prop_assert_eq!(nans, want);
                    // Exact bits: a zero key carries the sign last assigned.
                    let want: HashMap<u64, u64> =
                        m.map.values().map(|&(k, v)| (k.to_bits(), v)).collect();
                    prop_assert_eq!(seen, want);
                }
                FOp::Clear => {
                    abi::mapclear(t, h);
                    m = FloatModel::default();
                }
            }
            check(t, h, &op);
            prop_assert_eq!(len(h), (m.map.len() + m.nans.len()) as i64);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn model_float64_nan_and_signed_zero(ops in prop::collection::vec(fop(), 1..200)) {
        run_float(&ops)?;
    }
}
