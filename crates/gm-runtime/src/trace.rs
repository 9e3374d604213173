//! A recorder of what the map runtime does, for `gm trace`.
//!
//! Off by default. When on ([`start`]), code compiled for tracing calls
//! [`trace_make`] after creating a map and [`trace_op`]/[`trace_done`]
//! around each map operation; the runtime's rare paths (`hashGrow`,
//! `evacuate`, the end of a grow, `newoverflow`) check [`on`] and report
//! here. Nothing on an access or assign fast path looks at the recorder.
//!
//! Only copies are kept on the Rust heap. The one exception is a shadow
//! copy of each traced header, kept in uncollectable, scanned memory: it
//! keeps the map's arrays alive until exit (so the exit snapshot reads live
//! memory even when the header was a stack frame's) and is refreshed after
//! every operation.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::map::hmap::{bucket_at, overflow, top};
use crate::map::{
    BUCKET_CNT, EVACUATED_EMPTY, EVACUATED_X, EVACUATED_Y, HMAP_SIZE, Hmap, MapType, bucket_shift,
    over_load_factor,
};
use crate::{alloc, print};

static ON: AtomicBool = AtomicBool::new(false);
static STATE: Mutex<Option<Recorder>> = Mutex::new(None);

/// Arrays with more buckets are summarised as a density strip.
pub const DETAIL_BUCKETS: usize = 4096;
/// Evacuation and overflow events kept per map, and over the whole trace;
/// later ones are only counted.
pub const EVENT_BUDGET: usize = 1024;
const EVENTS_IN_ALL: usize = 8192;
/// Snapshots kept per map besides the one at exit.
pub const SNAPSHOT_BUDGET: usize = 40;
/// Buckets drawn slot by slot over the whole trace; past it, arrays are
/// summarised as density strips too.
const DETAIL_IN_ALL: usize = 32768;
/// Density strips have at most this many entries (buckets are grouped).
pub const DENSITY_LEN: usize = 2048;
/// Timeline samples kept per map (thinned by halving past this).
const SAMPLES: usize = 512;
/// Slots whose key and elem are rendered, over the whole trace.
const TEXT_IN_ALL: usize = 20_000;

/// What the trace may still spend, so that a long run keeps a page of a
/// few MB.
struct Budget {
    events: usize,
    detail: usize,
    text: usize,
}

/// Whether the recorder is on.
#[inline(always)]
pub fn on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// The kinds of operation counted on a map's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Access = 0,
    Assign = 1,
    Delete = 2,
    Iterate = 3,
    Clear = 4,
}

impl Op {
    pub const ALL: [Op; 5] = [Op::Access, Op::Assign, Op::Delete, Op::Iterate, Op::Clear];

    pub fn name(self) -> &'static str {
        ["access", "assign", "delete", "iterate", "clear"][self as usize]
    }

    fn from_code(c: u32) -> Op {
        Op::ALL.get(c as usize).copied().unwrap_or(Op::Access)
    }
}

/// How a key or elem prints (Go's `print`); `Other` is not rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Other = 0,
    Bool = 1,
    Int = 2,
    Uint = 3,
    Float = 4,
    String = 5,
}

impl ValueKind {
    fn from_code(c: u32) -> ValueKind {
        use ValueKind::*;
        [Other, Bool, Int, Uint, Float, String]
            .get(c as usize)
            .copied()
            .unwrap_or(Other)
    }
}

/// The header fields the timeline follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub op: u64,
    pub count: i64,
    pub b: u8,
    pub noverflow: u16,
    /// Old buckets evacuated so far (`nevacuate`), while growing.
    pub nevacuate: usize,
    /// Old buckets in total while growing, else 0.
    pub noldbuckets: usize,
}

impl State {
    fn of(h: &Hmap, op: u64) -> State {
        State {
            op,
            count: h.count,
            b: h.b,
            noverflow: h.noverflow,
            nevacuate: if h.growing() { h.nevacuate } else { 0 },
            noldbuckets: if h.growing() { h.noldbuckets() } else { 0 },
        }
    }
}

/// What grew a map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The load factor would pass 6.5.
    Load,
    /// As many overflow buckets as buckets.
    Overflow,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    Make {
        b: u8,
    },
    GrowStart {
        from_b: u8,
        to_b: u8,
        same_size: bool,
        trigger: Trigger,
        count: i64,
        noverflow: u16,
    },
    Evacuate {
        bucket: usize,
        by: Op,
        x: usize,
        y: usize,
    },
    GrowEnd {
        b: u8,
    },
    Overflow {
        /// The bucket heading the chain, when found.
        chain: Option<usize>,
        len: usize,
    },
    Clear {
        count: i64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The operation clock when it happened (the operation in progress).
    pub op: u64,
    /// Operations of each [`Op`] kind since the previous event.
    pub since: [u64; 5],
    pub kind: EventKind,
    /// The header right after the event.
    pub state: State,
}

/// One bucket of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketSnap {
    pub tophash: [u8; BUCKET_CNT],
    /// Key and elem text of full slots, when rendered.
    pub keys: Vec<Option<String>>,
    pub elems: Vec<Option<String>>,
}

/// A bucket array at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArraySnap {
    /// `buckets` or `oldbuckets`.
    pub name: &'static str,
    pub nbuckets: usize,
    /// Per bucket, its chain (detailed arrays only).
    pub chains: Vec<Vec<BucketSnap>>,
    /// Full slots per group of `group` buckets (with their chains), for
    /// arrays not drawn slot by slot.
    pub density: Vec<u32>,
    pub group: usize,
    /// The array was in a stack frame that no longer exists.
    pub gone: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// `make`, `grow_start`, `grow_end` or `exit`.
    pub why: &'static str,
    pub state: State,
    pub arrays: Vec<ArraySnap>,
}

/// Everything recorded about one map.
#[derive(Clone, Debug)]
pub struct MapTrace {
    /// The creation site, as the compiler numbered it.
    pub site: u32,
    pub hint: Option<i64>,
    pub stack: bool,
    pub key_size: usize,
    pub elem_size: usize,
    pub indirect_key: bool,
    pub indirect_elem: bool,
    pub key_kind: ValueKind,
    pub elem_kind: ValueKind,
    pub clock: u64,
    pub totals: [u64; 5],
    since: [u64; 5],
    pub events: Vec<Event>,
    /// Evacuation and overflow events past the budget.
    pub elided: u64,
    pub snapshots: Vec<Snapshot>,
    /// Grow snapshots past [`SNAPSHOT_BUDGET`].
    pub elided_snapshots: u64,
    pub samples: Vec<State>,
    stride: u64,
    cur: Op,
    /// The count before a `clear` in progress.
    clearing: Option<i64>,
    t: *const MapType,
    shadow: *mut Hmap,
}

// SAFETY: the descriptor is immutable and leaked, and the shadow is only
// read or written under the recorder's lock.
unsafe impl Send for MapTrace {}

struct Recorder {
    max: usize,
    maps: Vec<MapTrace>,
    by_header: HashMap<usize, usize>,
    dropped: u64,
    budget: Budget,
}

/// Everything recorded, handed out by [`finish`].
#[derive(Debug)]
pub struct Trace {
    pub maps: Vec<MapTrace>,
    /// Maps created after the first `max` (not recorded).
    pub dropped: u64,
}

/// Turns the recorder on for the first `max` maps created.
pub fn start(max: usize) {
    *STATE.lock().unwrap_or_else(|e| e.into_inner()) = Some(Recorder {
        max,
        maps: Vec::new(),
        by_header: HashMap::new(),
        dropped: 0,
        budget: Budget {
            events: EVENTS_IN_ALL,
            detail: DETAIL_IN_ALL,
            text: TEXT_IN_ALL,
        },
    });
    ON.store(true, Ordering::Relaxed);
}

/// Turns the recorder off, takes the exit snapshots and returns the trace.
pub fn finish() -> Option<Trace> {
    ON.store(false, Ordering::Relaxed);
    let mut g = STATE.lock().unwrap_or_else(|e| e.into_inner());
    let mut r = g.take()?;
    for m in &mut r.maps {
        // SAFETY: the shadow holds the last header state, and keeps its
        // arrays alive; arrays outside the heap are skipped.
        unsafe {
            let h = &*m.shadow;
            let snap = snapshot(m, h, "exit", &mut r.budget);
            m.snapshots.push(snap);
        }
    }
    Some(Trace {
        maps: r.maps,
        dropped: r.dropped,
    })
}

fn with<R>(f: impl FnOnce(&mut Recorder) -> R) -> Option<R> {
    let mut g = STATE.lock().unwrap_or_else(|e| e.into_inner());
    g.as_mut().map(f)
}

fn map_of(r: &mut Recorder, h: *const Hmap) -> Option<(&mut MapTrace, &mut Budget)> {
    let i = *r.by_header.get(&(h as usize))?;
    Some((r.maps.get_mut(i)?, &mut r.budget))
}

impl MapTrace {
    /// Whether one more evacuation or overflow event may be kept.
    fn may_keep(&mut self, b: &mut Budget) -> bool {
        if self.events.len() >= EVENT_BUDGET || b.events == 0 {
            self.elided += 1;
            return false;
        }
        b.events -= 1;
        true
    }

    fn event(&mut self, kind: EventKind, h: &Hmap) {
        self.events.push(Event {
            op: self.clock,
            since: std::mem::take(&mut self.since),
            kind,
            state: State::of(h, self.clock),
        });
    }

    fn refresh(&mut self, h: &Hmap) {
        // SAFETY: the shadow is this map's uncollectable header copy.
        unsafe { std::ptr::copy_nonoverlapping(h, self.shadow, 1) };
    }
}

/// After generated code created the map `h` of type `t` at `site`.
/// `kinds` is the key's [`ValueKind`] code plus the elem's shifted by 8;
/// `hint` is negative when the compiler passed none to the runtime.
///
/// # Safety
/// `t` is a valid descriptor and `h` a valid header of that type.
pub unsafe extern "C" fn trace_make(
    t: *const MapType,
    h: *mut Hmap,
    hint: i64,
    site: u32,
    kinds: u32,
    stack: bool,
) {
    if h.is_null() || !on() {
        return;
    }
    with(|r| {
        r.by_header.remove(&(h as usize));
        if r.maps.len() >= r.max {
            r.dropped += 1;
            return;
        }
        // SAFETY: valid descriptor and header (the caller's contract).
        let (tt, hh) = unsafe { (&*t, &*h) };
        let shadow: *mut Hmap = alloc::alloc_static(HMAP_SIZE, true).cast();
        let mut m = MapTrace {
            site,
            hint: (hint >= 0).then_some(hint),
            stack,
            key_size: tt.key().size,
            elem_size: tt.elem_size(),
            indirect_key: tt.indirect_key(),
            indirect_elem: tt.indirect_elem(),
            key_kind: ValueKind::from_code(kinds & 0xff),
            elem_kind: ValueKind::from_code(kinds >> 8),
            clock: 0,
            totals: [0; 5],
            since: [0; 5],
            events: Vec::new(),
            elided: 0,
            snapshots: Vec::new(),
            samples: vec![State::of(hh, 0)],
            stride: 1,
            cur: Op::Assign,
            clearing: None,
            t,
            shadow,
            elided_snapshots: 0,
        };
        m.refresh(hh);
        m.event(EventKind::Make { b: hh.b }, hh);
        // SAFETY: a live header and its arrays.
        let snap = unsafe { snapshot(&mut m, hh, "make", &mut r.budget) };
        m.snapshots.push(snap);
        r.by_header.insert(h as usize, r.maps.len());
        r.maps.push(m);
    });
}

/// Before a map operation (an [`Op`] code) on `h`.
///
/// # Safety
/// `h` is null or a valid header.
pub unsafe extern "C" fn trace_op(h: *mut Hmap, op: u32) {
    if h.is_null() || !on() {
        return;
    }
    with(|r| {
        let Some((m, _)) = map_of(r, h) else { return };
        let op = Op::from_code(op);
        m.clock += 1;
        m.totals[op as usize] += 1;
        m.since[op as usize] += 1;
        m.cur = op;
        // SAFETY: valid header.
        let hh = unsafe { &*h };
        if op == Op::Clear {
            // Recorded once the clear is done, with the state after it.
            m.clearing = Some(hh.count);
        }
        // The header as the previous operation left it.
        let prev = m.clock - 1;
        if prev > 0 && prev % m.stride == 0 {
            if m.samples.len() >= SAMPLES {
                let kept: Vec<State> = m.samples.iter().step_by(2).copied().collect();
                m.samples = kept;
                m.stride *= 2;
            }
            m.samples.push(State::of(hh, prev));
        }
    });
}

/// After a map operation that may have changed `h`.
///
/// # Safety
/// `h` is null or a valid header.
pub unsafe extern "C" fn trace_done(h: *mut Hmap) {
    if h.is_null() || !on() {
        return;
    }
    with(|r| {
        if let Some((m, _)) = map_of(r, h) {
            // SAFETY: valid header.
            let hh = unsafe { &*h };
            if let Some(count) = m.clearing.take() {
                m.event(EventKind::Clear { count }, hh);
            }
            m.refresh(hh);
        }
    });
}

/// `hashGrow` has just switched `h` to its new array; `b` and `noverflow`
/// are the values before.
///
/// # Safety
/// `h` is a valid growing map of type `t`.
pub unsafe fn grow_start(h: &Hmap, from_b: u8, noverflow: u16) {
    with(|r| {
        let Some((m, budget)) = map_of(r, h) else {
            return;
        };
        // hashGrow asks the same question to choose between the two.
        let trigger = if over_load_factor(h.count + 1, from_b) {
            Trigger::Load
        } else {
            Trigger::Overflow
        };
        m.event(
            EventKind::GrowStart {
                from_b,
                to_b: h.b,
                same_size: h.same_size_grow(),
                trigger,
                count: h.count,
                noverflow,
            },
            h,
        );
        m.refresh(h);
        // SAFETY: a live header and its arrays.
        unsafe { grow_snapshot(m, h, "grow_start", budget) };
    });
}

/// Old bucket `oldbucket` of `h` has just been evacuated (its chain still
/// linked, its tophashes marked).
///
/// # Safety
/// `h` is a valid growing map of type `t`; `oldbucket` indexes its old
/// array.
pub unsafe fn evacuated(t: &MapType, h: &Hmap, oldbucket: usize) {
    with(|r| {
        let Some((m, budget)) = map_of(r, h) else {
            return;
        };
        if !m.may_keep(budget) {
            return;
        }
        let (mut x, mut y) = (0, 0);
        // SAFETY: the old chain of a live map.
        unsafe {
            let mut b = bucket_at(t, h.oldbuckets, oldbucket);
            while !b.is_null() {
                for i in 0..BUCKET_CNT {
                    match top(b, i) {
                        EVACUATED_X => x += 1,
                        EVACUATED_Y => y += 1,
                        _ => {}
                    }
                }
                b = overflow(t, b);
            }
        }
        let by = m.cur;
        m.event(
            EventKind::Evacuate {
                bucket: oldbucket,
                by,
                x,
                y,
            },
            h,
        );
    });
}

/// The grow of `h` is complete; its old array is about to be released.
pub fn grow_end(h: &Hmap) {
    with(|r| {
        let Some((m, budget)) = map_of(r, h) else {
            return;
        };
        // SAFETY: a plain copy of the header's words.
        let mut done = unsafe { std::ptr::read(h) };
        done.oldbuckets = std::ptr::null_mut();
        m.event(EventKind::GrowEnd { b: h.b }, &done);
        m.refresh(&done);
        // SAFETY: a live header and its new array.
        unsafe { grow_snapshot(m, &done, "grow_end", budget) };
    });
}

/// `newoverflow` has just chained `ovf` to `h`'s current array.
///
/// # Safety
/// `h` is a valid map of type `t` and `ovf` the last bucket of a chain of
/// `h.buckets`.
pub unsafe fn new_overflow(t: &MapType, h: &Hmap, ovf: *mut u8) {
    with(|r| {
        let Some((m, budget)) = map_of(r, h) else {
            return;
        };
        if !m.may_keep(budget) {
            return;
        }
        let n = bucket_shift(h.b);
        let mut found = None;
        if n <= DETAIL_BUCKETS {
            // SAFETY: the chains of a live array.
            unsafe {
                'find: for i in 0..n {
                    let mut b = bucket_at(t, h.buckets, i);
                    let mut len = 1;
                    while !b.is_null() {
                        if b == ovf {
                            found = Some((i, len));
                            break 'find;
                        }
                        b = overflow(t, b);
                        len += 1;
                    }
                }
            }
        }
        let (chain, len) = match found {
            Some((i, len)) => (Some(i), len),
            None => (None, 0),
        };
        m.event(EventKind::Overflow { chain, len }, h);
    });
}

/// A snapshot at a grow's start or end, while the map's budget lasts.
///
/// # Safety
/// As for [`snapshot`].
unsafe fn grow_snapshot(m: &mut MapTrace, h: &Hmap, why: &'static str, budget: &mut Budget) {
    if m.snapshots.len() >= SNAPSHOT_BUDGET {
        m.elided_snapshots += 1;
        return;
    }
    // SAFETY: forwarded.
    let snap = unsafe { snapshot(m, h, why, budget) };
    m.snapshots.push(snap);
}

/// A snapshot of the arrays of `h`.
///
/// # Safety
/// `h`'s arrays are alive or outside the heap (then skipped).
unsafe fn snapshot(m: &mut MapTrace, h: &Hmap, why: &'static str, budget: &mut Budget) -> Snapshot {
    let mut arrays = Vec::new();
    let nb = bucket_shift(h.b);
    if h.growing() {
        // SAFETY: forwarded.
        arrays.push(unsafe { array(m, h.oldbuckets, h.noldbuckets(), "oldbuckets", budget) });
    }
    if !h.buckets.is_null() {
        // SAFETY: forwarded.
        arrays.push(unsafe { array(m, h.buckets, nb, "buckets", budget) });
    }
    Snapshot {
        why,
        state: State::of(h, m.clock),
        arrays,
    }
}

/// # Safety
/// `base` is a live array of `n` buckets of `m.t`, or a stack bucket.
unsafe fn array(
    m: &mut MapTrace,
    base: *mut u8,
    n: usize,
    name: &'static str,
    budget: &mut Budget,
) -> ArraySnap {
    // SAFETY: the descriptor is leaked by the compiler.
    let t = unsafe { &*m.t };
    let mut out = ArraySnap {
        name,
        nbuckets: n,
        chains: Vec::new(),
        density: Vec::new(),
        group: 1,
        gone: false,
    };
    // A stack bucket read after its frame returned would be garbage.
    if !on() && !alloc::is_heap_object(base) {
        out.gone = true;
        return out;
    }
    let detail = n <= DETAIL_BUCKETS && n <= budget.detail;
    if detail {
        budget.detail -= n;
    } else {
        out.group = n.div_ceil(DENSITY_LEN);
    }
    for i in 0..n {
        let mut chain = Vec::new();
        let mut full = 0;
        // SAFETY: chains of a live array.
        unsafe {
            let mut b = bucket_at(t, base, i);
            while !b.is_null() {
                let mut s = BucketSnap {
                    tophash: [0; BUCKET_CNT],
                    keys: Vec::new(),
                    elems: Vec::new(),
                };
                for j in 0..BUCKET_CNT {
                    let th = top(b, j);
                    s.tophash[j] = th;
                    let live = th > EVACUATED_EMPTY;
                    full += live as u32;
                    if detail && live && budget.text > 0 {
                        let (k, e) = slot_text(m, t, b, j);
                        if k.is_some() || e.is_some() {
                            budget.text -= 1;
                        }
                        if s.keys.is_empty() {
                            s.keys = vec![None; BUCKET_CNT];
                            s.elems = vec![None; BUCKET_CNT];
                        }
                        s.keys[j] = k;
                        s.elems[j] = e;
                    }
                }
                if detail {
                    chain.push(s);
                }
                b = overflow(t, b);
            }
        }
        if detail {
            out.chains.push(chain);
        } else if i % out.group == 0 {
            out.density.push(full);
        } else if let Some(last) = out.density.last_mut() {
            *last += full;
        }
    }
    out
}

/// The key and elem of slot `j`, as Go's `print` shows them.
///
/// # Safety
/// `b` is a live bucket of `t` whose slot `j` is full.
unsafe fn slot_text(
    m: &MapTrace,
    t: &MapType,
    b: *mut u8,
    j: usize,
) -> (Option<String>, Option<String>) {
    // SAFETY: slot addresses within the bucket; indirect slots hold
    // their storage.
    unsafe {
        let mut k = b.add(crate::map::DATA_OFFSET + j * t.key_slot);
        if t.indirect_key() {
            k = *(k as *mut *mut u8);
        }
        let mut e = b.add(t.elems_offset + j * t.elem_slot);
        if t.indirect_elem() {
            e = *(e as *mut *mut u8);
        }
        (
            value_text(m.key_kind, k, m.key_size),
            value_text(m.elem_kind, e, m.elem_size),
        )
    }
}

/// # Safety
/// `p` points to `size` readable bytes of a value of kind `kind`.
unsafe fn value_text(kind: ValueKind, p: *const u8, size: usize) -> Option<String> {
    let mut buf = Vec::new();
    // SAFETY: reads within the value.
    unsafe {
        match (kind, size) {
            (ValueKind::Bool, 1) => print::fmt_bool(*p != 0, &mut buf),
            (ValueKind::Int, 1) => print::fmt_int(*(p as *const i8) as i64, &mut buf),
            (ValueKind::Int, 2) => {
                print::fmt_int((p as *const i16).read_unaligned() as i64, &mut buf)
            }
            (ValueKind::Int, 4) => {
                print::fmt_int((p as *const i32).read_unaligned() as i64, &mut buf)
            }
            (ValueKind::Int, 8) => print::fmt_int((p as *const i64).read_unaligned(), &mut buf),
            (ValueKind::Uint, 1) => print::fmt_uint(*p as u64, &mut buf),
            (ValueKind::Uint, 2) => {
                print::fmt_uint((p as *const u16).read_unaligned() as u64, &mut buf)
            }
            (ValueKind::Uint, 4) => {
                print::fmt_uint((p as *const u32).read_unaligned() as u64, &mut buf)
            }
            (ValueKind::Uint, 8) => print::fmt_uint((p as *const u64).read_unaligned(), &mut buf),
            (ValueKind::Float, 4) => {
                print::fmt_float((p as *const f32).read_unaligned() as f64, &mut buf)
            }
            (ValueKind::Float, 8) => print::fmt_float((p as *const f64).read_unaligned(), &mut buf),
            (ValueKind::String, 16) => {
                let s = crate::map::alg::GoStr::load(p);
                // Long strings are cut: the page shows a hover, not a dump.
                let bytes = s.bytes();
                let cut = &bytes[..bytes.len().min(64)];
                buf.extend_from_slice(cut);
                if cut.len() < bytes.len() {
                    buf.extend_from_slice("…".as_bytes());
                }
            }
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}
