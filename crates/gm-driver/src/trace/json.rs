//! The trace as JSON, in the schema `docs/trace.md` describes: one map
//! per line group, one event, sample or bucket chain per line.

use std::fmt::Write as _;

use gm_runtime::trace::{
    ArraySnap, BucketSnap, Event, EventKind, MapTrace, Op, Snapshot, State, Trace, Trigger,
};

use super::Site;
use crate::explore::json::{list, string};

/// The schema's version; bumped on any incompatible change.
pub const VERSION: u32 = 1;

pub fn to_json(file: &str, seed: Option<u64>, sites: &[Site], trace: &Trace) -> String {
    let mut o = String::new();
    let _ = write!(o, "{{\"version\": {VERSION},\n\"file\": ");
    string(&mut o, file);
    let _ = write!(
        o,
        ",\n\"seed\": {},\n\"dropped_maps\": {},\n\"maps\": [\n",
        seed.map_or("null".to_string(), |s| s.to_string()),
        trace.dropped
    );
    let ids: Vec<usize> = (0..trace.maps.len()).collect();
    list(&mut o, &ids, |o, &i| map(o, i, &trace.maps[i], sites));
    o.push_str("]\n}\n");
    o
}

/// Growths, same-size growths and the longest chain seen in a snapshot.
pub fn summary(m: &MapTrace) -> (usize, usize, usize) {
    let grows = m
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::GrowStart { .. }));
    let same = grows
        .clone()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::GrowStart {
                    same_size: true,
                    ..
                }
            )
        })
        .count();
    let chain = m
        .snapshots
        .iter()
        .flat_map(|s| &s.arrays)
        .flat_map(|a| &a.chains)
        .map(|c| c.len())
        .max()
        .unwrap_or(0);
    (grows.count(), same, chain)
}

fn map(o: &mut String, id: usize, m: &MapTrace, sites: &[Site]) {
    let site = sites.get(m.site as usize);
    let _ = write!(o, "{{\"id\": {id}, \"site\": ");
    string(o, site.map_or("?", |s| &s.pos));
    o.push_str(", \"type\": ");
    string(o, site.map_or("?", |s| &s.ty));
    let _ = writeln!(
        o,
        ", \"key_size\": {}, \"elem_size\": {}, \"indirect_key\": {}, \"indirect_elem\": {}, \"hint\": {}, \"stack\": {},",
        m.key_size,
        m.elem_size,
        m.indirect_key,
        m.indirect_elem,
        m.hint.map_or("null".to_string(), |h| h.to_string()),
        m.stack
    );
    o.push_str(" \"ops\": {");
    for (i, op) in Op::ALL.iter().enumerate() {
        let _ = write!(
            o,
            "{}\"{}\": {}",
            if i > 0 { ", " } else { "" },
            op.name(),
            m.totals[i]
        );
    }
    let (grows, same, chain) = summary(m);
    let last = m.snapshots.last().map(|s| s.state).unwrap_or_default();
    let _ = write!(
        o,
        "}}, \"clock\": {}, \"final\": {}, \"growths\": {grows}, \"same_size_growths\": {same}, \"max_chain\": {chain}, \"elided_events\": {}, \"elided_snapshots\": {},\n \"events\": [\n",
        m.clock,
        state(&last),
        m.elided,
        m.elided_snapshots
    );
    list(o, &m.events, event);
    o.push_str(" ],\n \"samples\": [\n");
    list(o, &m.samples, |o, s| {
        let _ = write!(
            o,
            "[{}, {}, {}, {}, {}, {}]",
            s.op, s.count, s.b, s.noverflow, s.nevacuate, s.noldbuckets
        );
    });
    o.push_str(" ],\n \"snapshots\": [\n");
    list(o, &m.snapshots, snapshot);
    o.push_str(" ]}");
}

fn state(s: &State) -> String {
    format!(
        "{{\"count\": {}, \"b\": {}, \"noverflow\": {}, \"nevacuate\": {}, \"noldbuckets\": {}}}",
        s.count, s.b, s.noverflow, s.nevacuate, s.noldbuckets
    )
}

fn event(o: &mut String, e: &Event) {
    let _ = write!(o, "{{\"op\": {}, \"kind\": ", e.op);
    match &e.kind {
        EventKind::Make { b } => {
            let _ = write!(o, "\"make\", \"b\": {b}");
        }
        EventKind::GrowStart {
            from_b,
            to_b,
            same_size,
            trigger,
            count,
            noverflow,
        } => {
            let trigger = match trigger {
                Trigger::Load => "load",
                Trigger::Overflow => "overflow",
            };
            let _ = write!(
                o,
                "\"grow_start\", \"from_b\": {from_b}, \"to_b\": {to_b}, \"same_size\": {same_size}, \"trigger\": \"{trigger}\", \"count\": {count}, \"noverflow\": {noverflow}"
            );
        }
        EventKind::Evacuate { bucket, by, x, y } => {
            let _ = write!(
                o,
                "\"evacuate\", \"bucket\": {bucket}, \"by\": \"{}\", \"x\": {x}, \"y\": {y}",
                by.name()
            );
        }
        EventKind::GrowEnd { b } => {
            let _ = write!(o, "\"grow_end\", \"b\": {b}");
        }
        EventKind::Overflow { chain, len } => {
            let _ = write!(
                o,
                "\"overflow\", \"chain\": {}, \"len\": {len}",
                chain.map_or("null".to_string(), |c| c.to_string())
            );
        }
        EventKind::Clear { count } => {
            let _ = write!(o, "\"clear\", \"count\": {count}");
        }
    }
    let _ = write!(
        o,
        ", \"since\": [{}], \"state\": {}}}",
        e.since.map(|n| n.to_string()).join(", "),
        state(&e.state)
    );
}

fn snapshot(o: &mut String, s: &Snapshot) {
    let _ = writeln!(
        o,
        "{{\"why\": \"{}\", \"op\": {}, \"state\": {}, \"arrays\": [",
        s.why,
        s.state.op,
        state(&s.state)
    );
    list(o, &s.arrays, array);
    o.push_str("]}");
}

fn array(o: &mut String, a: &ArraySnap) {
    let _ = writeln!(
        o,
        "{{\"name\": \"{}\", \"nbuckets\": {}, \"gone\": {}, \"group\": {}, \"density\": [{}], \"chains\": [",
        a.name,
        a.nbuckets,
        a.gone,
        a.group,
        a.density
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    list(o, &a.chains, |o, chain| {
        o.push('[');
        for (i, b) in chain.iter().enumerate() {
            if i > 0 {
                o.push_str(", ");
            }
            bucket(o, b);
        }
        o.push(']');
    });
    o.push_str("]}");
}

fn bucket(o: &mut String, b: &BucketSnap) {
    o.push_str("{\"top\": \"");
    for t in b.tophash {
        let _ = write!(o, "{t:02x}");
    }
    o.push('"');
    if !b.keys.is_empty() {
        for (name, vals) in [("keys", &b.keys), ("elems", &b.elems)] {
            let _ = write!(o, ", \"{name}\": [");
            for (i, v) in vals.iter().enumerate() {
                if i > 0 {
                    o.push(',');
                }
                match v {
                    Some(s) => string(o, s),
                    None => o.push_str("null"),
                }
            }
            o.push(']');
        }
    }
    o.push('}');
}
