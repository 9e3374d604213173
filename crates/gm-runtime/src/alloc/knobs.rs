//! Go's collector settings, read from the environment as Go reads them:
//! `GOGC` (a percentage or `off`), `GOMEMLIMIT` (bytes with an optional
//! `KiB`…`TiB` suffix, or `off`) and `GODEBUG=gctrace=1` (a line per
//! collection on stderr), applied through bdwgc's controls. gm adds
//! `GM_GC_STRESS=N`: a full collection every N allocations, which finds a
//! missing root quickly.

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use super::bdwgc::{self, ProfStats};
use crate::panic::fatal;

/// Collect every this many allocations (0: never forced).
pub static STRESS_EVERY: AtomicUsize = AtomicUsize::new(0);

/// What the environment asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Knobs {
    /// `GOGC`: `None` is `off`.
    pub gogc: Option<u32>,
    /// `GOMEMLIMIT` in bytes, if set and not `off`.
    pub memlimit: Option<u64>,
    pub gctrace: bool,
    pub stress: usize,
}

impl Knobs {
    /// Parses the four variables; `get` looks one up.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Knobs, &'static str> {
        let gogc = match get("GOGC").as_deref() {
            Some("off") => None,
            // Go ignores a malformed value and keeps 100.
            Some(v) => Some(v.parse().unwrap_or(100)),
            None => Some(100),
        };
        let memlimit = match get("GOMEMLIMIT").as_deref() {
            None | Some("off") => None,
            Some(v) => Some(parse_memlimit(v).ok_or(MALFORMED_MEMLIMIT)?),
        };
        let gctrace = get("GODEBUG").is_some_and(|d| {
            d.split(',')
                .filter_map(|kv| kv.split_once('='))
                .any(|(k, v)| k == "gctrace" && v.parse::<u32>().is_ok_and(|n| n > 0))
        });
        let stress = get("GM_GC_STRESS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(Knobs {
            gogc,
            memlimit,
            gctrace,
            stress,
        })
    }
}

const MALFORMED_MEMLIMIT: &str = "malformed GOMEMLIMIT; see `go doc runtime/debug.SetMemoryLimit`";

/// Go's `GOMEMLIMIT` syntax: digits, then `B`, `KiB`, `MiB`, `GiB`, `TiB`
/// or nothing.
fn parse_memlimit(v: &str) -> Option<u64> {
    const UNITS: [(&str, u32); 5] = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10), ("B", 0)];
    let (digits, shift) = UNITS
        .iter()
        .find_map(|&(u, s)| v.strip_suffix(u).map(|d| (d, s)))
        .unwrap_or((v, 0));
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(1 << shift)
}

/// When the settings were first read: the program's start.
static STARTED: OnceLock<Instant> = OnceLock::new();

/// The environment's settings, read once. A malformed one ends the
/// process, as in Go's start-up: the first reader is the program's start
/// ([`super::read_settings`]) or the collector's.
pub fn settings() -> &'static Knobs {
    static KNOBS: OnceLock<Knobs> = OnceLock::new();
    KNOBS.get_or_init(|| match Knobs::parse(|k| std::env::var(k).ok()) {
        Ok(k) => {
            STARTED.get_or_init(Instant::now);
            k
        }
        Err(m) => {
            // Go names the malformed setting first.
            let v = std::env::var("GOMEMLIMIT").unwrap_or_default();
            let _ = writeln!(std::io::stderr(), "GOMEMLIMIT={v}");
            fatal(m)
        }
    })
}

/// Applies the environment's settings; runs once, right after `GC_init`.
pub fn apply() {
    let knobs = settings();
    // SAFETY: plain setters of an initialised collector.
    unsafe {
        match knobs.gogc {
            None => bdwgc::GC_disable(),
            Some(pct) => {
                bdwgc::GC_set_free_space_divisor(free_space_divisor(pct));
                // Go's smallest heap goal: a tiny live set does not mean a
                // collection every few kilobytes.
                bdwgc::GC_set_min_bytes_allocd(min_bytes_allocd(pct, 0));
                start_allowance(min_heap(pct));
            }
        }
        if let Some(limit) = knobs.memlimit {
            bdwgc::GC_set_max_heap_size(limit.min(usize::MAX as u64) as usize);
        }
        if knobs.gctrace || knobs.gogc.is_some() {
            bdwgc::GC_set_on_collection_event(on_collection);
        }
    }
    STRESS_EVERY.store(knobs.stress, Ordering::Relaxed);
    *lock() = Some(Trace {
        // gctrace's clock starts with the program, as Go's does.
        start: Some(*STARTED.get_or_init(Instant::now)),
        gogc: knobs.gogc,
        print: knobs.gctrace,
        ..Trace::default()
    });
}

/// bdwgc collects once the bytes allocated since the last collection reach
/// about twice the scanned live heap divided by this; Go's `GOGC` lets the
/// heap grow by that percentage of the live heap.
pub fn free_space_divisor(gogc: u32) -> usize {
    (200 / gogc.max(1) as usize).max(1)
}

/// Go's minimum heap goal: 4 MB at GOGC=100, scaled by GOGC.
pub fn min_heap(gogc: u32) -> usize {
    (4usize << 20) / 100 * gogc.max(1) as usize
}

/// The least allocation before the next collection bdwgc itself makes
/// when its heap would grow, given the heap in use after the last: what
/// Go's minimum heap goal leaves room for. Above it, bdwgc's own
/// proportional rule decides; it counts pointer-free memory at a quarter,
/// which keeps heaps of map buckets smaller than a rule of GOGC% of all
/// live memory would. ([`paced`] applies Go's goal on every allocation.)
pub fn min_bytes_allocd(gogc: u32, live: usize) -> usize {
    min_heap(gogc).saturating_sub(live).max(64 << 10)
}

/// Bytes gm allocated since the last collection.
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
/// How many may be allocated before the next collection: what Go's heap
/// goal leaves after the last one (`usize::MAX`: collection off).
static ALLOWANCE: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Counts an allocation of `bytes`; true once the allocations since the
/// last collection reach Go's heap goal, so the caller collects. bdwgc
/// decides on its own only when no free block is left and the heap would
/// grow, so a heap that was once large fills up again before it collects;
/// Go collects at its goal whatever the heap's size.
#[inline(always)]
pub fn paced(bytes: usize) -> bool {
    // A plain load and store, not an atomic add: an increment another
    // thread loses in a race only delays a collection a little, where a
    // locked add would cost every allocation.
    let total = ALLOCATED.load(Ordering::Relaxed).wrapping_add(bytes);
    ALLOCATED.store(total, Ordering::Relaxed);
    total > ALLOWANCE.load(Ordering::Relaxed)
}

/// A task waiting for the program to allocate ([`after_allocating`]), and
/// the allowance it holds back meanwhile.
static PENDING: Mutex<Option<fn()>> = Mutex::new(None);
static HELD_BACK: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Runs `task` on the allocating thread once `bytes` more have been
/// allocated, or at the first allocation after a collection; never, if
/// the program allocates less. For work worth doing only in a program
/// that uses memory. The allowance is lowered to the threshold meanwhile,
/// so the allocation path checks nothing more.
pub fn after_allocating(bytes: usize, task: fn()) {
    let mut pending = lock_pending();
    if pending.is_none() {
        HELD_BACK.store(ALLOWANCE.load(Ordering::Relaxed), Ordering::Relaxed);
    }
    *pending = Some(task);
    let threshold = ALLOCATED.load(Ordering::Relaxed).saturating_add(bytes);
    ALLOWANCE.store(
        threshold.min(HELD_BACK.load(Ordering::Relaxed)),
        Ordering::Relaxed,
    );
}

/// What an allocation past the allowance does: the pending task, if the
/// allowance was its threshold, and then whether to collect.
pub fn over_allowance() -> bool {
    let task = lock_pending().take();
    let Some(task) = task else { return true };
    ALLOWANCE.store(HELD_BACK.load(Ordering::Relaxed), Ordering::Relaxed);
    task();
    ALLOCATED.load(Ordering::Relaxed) > ALLOWANCE.load(Ordering::Relaxed)
}

fn lock_pending() -> std::sync::MutexGuard<'static, Option<fn()>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Sets the allowance after a collection, unless a task is pending: then
/// it runs at the next allocation.
fn allow(bytes: usize) {
    if lock_pending().is_some() {
        HELD_BACK.store(bytes, Ordering::Relaxed);
        ALLOWANCE.store(0, Ordering::Relaxed);
    } else {
        ALLOWANCE.store(bytes, Ordering::Relaxed);
    }
}

/// Sets the first allowance, when the collector starts. A task may be
/// pending already: it keeps its threshold, and this allowance is held back
/// until it runs.
fn start_allowance(bytes: usize) {
    let pending = lock_pending();
    if pending.is_some() {
        HELD_BACK.store(bytes, Ordering::Relaxed);
        ALLOWANCE.fetch_min(bytes, Ordering::Relaxed);
    } else {
        ALLOWANCE.store(bytes, Ordering::Relaxed);
    }
}

/// Go's heap goal for a heap of `live` bytes in use after a collection.
pub fn heap_goal(gogc: u32, live: usize) -> usize {
    (live + live / 100 * gogc as usize).max(min_heap(gogc))
}

#[derive(Default)]
struct Trace {
    start: Option<Instant>,
    /// `None`: collection is off.
    gogc: Option<u32>,
    /// `gctrace`: print a line per collection.
    print: bool,
    began: Option<Instant>,
    before: usize,
    paused: f64,
}

static TRACE: Mutex<Option<Trace>> = Mutex::new(None);

fn lock() -> std::sync::MutexGuard<'static, Option<Trace>> {
    TRACE.lock().unwrap_or_else(|e| e.into_inner())
}

fn in_use(s: &ProfStats) -> usize {
    s.heapsize_full.saturating_sub(s.free_bytes_full)
}

/// The collection callback: after each collection, the allowance until the
/// next follows Go's minimum heap goal; for `gctrace`, one line per
/// collection in Go's layout. bdwgc stops the world for the whole
/// collection, so the pause is reported as the mark phase and the other
/// phases as 0.
unsafe extern "C" fn on_collection(event: std::ffi::c_int) {
    let mut s = ProfStats::default();
    // SAFETY: the callback runs with the allocation lock held, which is what
    // the unsynchronised variant requires.
    unsafe { bdwgc::GC_get_prof_stats_unsafe(&mut s, size_of::<ProfStats>()) };
    let mut g = lock();
    let Some(t) = g.as_mut() else { return };
    let now = Instant::now();
    match event {
        bdwgc::EVENT_START => {
            t.began = Some(now);
            t.before = in_use(&s);
        }
        bdwgc::EVENT_END => {
            let Some(began) = t.began.take() else { return };
            let pause = now.duration_since(began).as_secs_f64() * 1e3;
            t.paused += pause;
            let since = t.start.map_or(0.0, |s| now.duration_since(s).as_secs_f64());
            let pct = if since > 0.0 {
                (t.paused / 1e3 / since * 100.0) as u64
            } else {
                0
            };
            let after = in_use(&s);
            ALLOCATED.store(0, Ordering::Relaxed);
            if let Some(gogc) = t.gogc {
                // SAFETY: a plain setter; the allocation lock is held.
                unsafe { bdwgc::GC_set_min_bytes_allocd(min_bytes_allocd(gogc, after)) };
                allow(heap_goal(gogc, after) - after);
            }
            if !t.print {
                return;
            }
            let mb = |b: usize| b >> 20;
            let goal = t.gogc.map_or(after, |g| heap_goal(g, after));
            let line = format!(
                "gc {} @{since:.3}s {pct}%: 0+{pause:.3}+0 ms clock, 0+{pause:.3}/0/0+0 ms cpu, {}->{}->{} MB, {} MB goal, 0 MB stacks, {} MB globals, 1 P\n",
                s.gc_no,
                mb(t.before),
                mb(t.before),
                mb(after),
                mb(goal),
                mb(s.non_gc_bytes),
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(vars: &[(&str, &str)]) -> Result<Knobs, &'static str> {
        Knobs::parse(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults_are_gos() {
        let k = parse(&[]).unwrap();
        assert_eq!(k.gogc, Some(100));
        assert_eq!(k.memlimit, None);
        assert!(!k.gctrace);
        assert_eq!(k.stress, 0);
    }

    #[test]
    fn gogc_and_gctrace() {
        assert_eq!(parse(&[("GOGC", "off")]).unwrap().gogc, None);
        assert_eq!(parse(&[("GOGC", "50")]).unwrap().gogc, Some(50));
        assert_eq!(parse(&[("GOGC", "x")]).unwrap().gogc, Some(100));
        assert!(
            parse(&[("GODEBUG", "madvdontneed=1,gctrace=1")])
                .unwrap()
                .gctrace
        );
        assert!(!parse(&[("GODEBUG", "gctrace=0")]).unwrap().gctrace);
        assert_eq!(free_space_divisor(100), 2);
        assert_eq!(free_space_divisor(400), 1);
        assert_eq!(free_space_divisor(25), 8);
        assert_eq!(min_heap(100), (4 << 20) / 100 * 100);
        assert_eq!(min_bytes_allocd(100, 0), min_heap(100));
        assert_eq!(min_bytes_allocd(100, 1 << 20), min_heap(100) - (1 << 20));
        assert_eq!(min_bytes_allocd(200, 1 << 20), min_heap(200) - (1 << 20));
        assert_eq!(heap_goal(100, 0), min_heap(100));
        assert_eq!(heap_goal(100, 10_000_000), 20_000_000);
        assert_eq!(heap_goal(50, 10_000_000), 15_000_000);
        assert_eq!(min_bytes_allocd(100, 64 << 20), 64 << 10);
    }

    #[test]
    fn memlimit_syntax() {
        assert_eq!(parse_memlimit("1024"), Some(1024));
        assert_eq!(parse_memlimit("64MiB"), Some(64 << 20));
        assert_eq!(parse_memlimit("2GiB"), Some(2 << 30));
        assert_eq!(parse_memlimit("10B"), Some(10));
        assert_eq!(parse_memlimit("1.5GiB"), None);
        assert_eq!(parse_memlimit("MiB"), None);
        assert_eq!(parse_memlimit("12MB"), None);
        assert_eq!(parse(&[("GOMEMLIMIT", "off")]).unwrap().memlimit, None);
        assert_eq!(
            parse(&[("GOMEMLIMIT", "lots")]).unwrap_err(),
            MALFORMED_MEMLIMIT
        );
    }
}
