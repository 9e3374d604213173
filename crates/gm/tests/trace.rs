//! `gm trace`: the `--json` traces of seeded programs (golden files in
//! `tests/trace/`, blessed with `UPDATE_EXPECT=1`), checked against the
//! rules of Go 1.23's map runtime rather than only compared, and the
//! program's output and exit status kept as `gm run` gives them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn gm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gm"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("gm runs")
}

/// Traces `tests/trace/NAME.gm` with seed 1; compares the JSON with its
/// golden file and returns it.
fn trace(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("gm-trace-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let (html, json) = (dir.join("t.html"), dir.join("t.json"));
    let src = format!("crates/gm/tests/trace/{name}.gm");
    let o = gm(&[
        "trace",
        "--seed",
        "1",
        "-o",
        html.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        &src,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let run = gm(&["run", "--seed", "1", &src]);
    assert_eq!(o.stdout, run.stdout, "gm trace prints what gm run prints");
    let text = std::fs::read_to_string(&json).expect("the JSON is written");
    let page = std::fs::read_to_string(&html).expect("the page is written");
    assert!(page.contains(&text), "the page embeds the trace");
    let _ = std::fs::remove_dir_all(&dir);
    let golden = root().join(format!("crates/gm/tests/trace/{name}.json"));
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&golden, &text).expect("golden written");
    } else {
        let want = std::fs::read_to_string(&golden).expect("golden file exists");
        assert!(
            want == text,
            "{name}: trace differs from {}",
            golden.display()
        );
    }
    text
}

/// An event line, with its fields read as text.
struct Ev<'a>(&'a str);

impl Ev<'_> {
    fn get(&self, field: &str) -> &str {
        let key = format!("\"{field}\": ");
        let at = self
            .0
            .find(&key)
            .unwrap_or_else(|| panic!("{field} in {}", self.0))
            + key.len();
        let rest = &self.0[at..];
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        rest[..end].trim_matches('"')
    }

    fn num(&self, field: &str) -> u64 {
        self.get(field).parse().expect("a number")
    }

    fn kind(&self) -> &str {
        self.get("kind")
    }

    /// Writes (assigns and deletes) counted by this event.
    fn writes(&self) -> u64 {
        let at = self.0.find("\"since\": [").expect("since") + 10;
        let v: Vec<u64> = self.0[at..self.0[at..].find(']').unwrap() + at]
            .split(", ")
            .map(|n| n.parse().unwrap())
            .collect();
        v[1] + v[2]
    }
}

/// The events of map `id`, in order.
fn events(json: &str, id: usize) -> Vec<Ev<'_>> {
    let start = json
        .find(&format!("{{\"id\": {id}, "))
        .expect("the map is traced");
    let body = &json[start..];
    let body = &body[..body.find(" \"samples\": [").expect("samples")];
    body.lines()
        .filter(|l| l.starts_with("{\"op\": "))
        .map(Ev)
        .collect()
}

/// growWork evacuates the bucket being written and the next unevacuated
/// one, so a grow from n old buckets ends within n writes, the one that
/// started it included.
fn check_grows_finish_in_time(evs: &[Ev<'_>]) {
    for (i, e) in evs.iter().enumerate() {
        if e.kind() != "grow_start" {
            continue;
        }
        let n = 1u64 << e.num("from_b");
        let mut writes = 1;
        for f in &evs[i + 1..] {
            writes += f.writes();
            if f.kind() == "grow_end" {
                break;
            }
            if f.kind() == "evacuate" {
                assert!(matches!(f.get("by"), "assign" | "delete"), "{}", f.0);
            }
        }
        assert!(
            writes <= n,
            "grow at op {} took {writes} writes",
            e.num("op")
        );
    }
}

#[test]
fn a_map_filled_from_make_doubles_on_go_s_load_factor() {
    let json = trace("fill");
    let evs = events(&json, 0);
    let grows: Vec<&Ev<'_>> = evs.iter().filter(|e| e.kind() == "grow_start").collect();
    let at: Vec<u64> = grows.iter().map(|e| e.num("op")).collect();
    assert_eq!(at, [9, 14, 27, 53, 105]);
    for (i, g) in grows.iter().enumerate() {
        assert_eq!(g.num("from_b"), i as u64);
        assert_eq!(g.num("to_b"), i as u64 + 1);
        assert_eq!(g.get("trigger"), "load");
        assert_eq!(g.get("same_size"), "false");
        // The insert that grows counts the entries already there.
        assert_eq!(g.num("count"), g.num("op") - 1);
    }
    assert_eq!(evs.iter().filter(|e| e.kind() == "grow_end").count(), 5);
    check_grows_finish_in_time(&evs);
    assert!(json.contains("\"type\": \"map[int]int\""));
    assert!(json.contains("\"site\": \"crates/gm/tests/trace/fill.gm:6:7\""));
}

#[test]
fn a_hint_of_100_starts_at_b_4() {
    let json = trace("hint");
    for id in [0, 1] {
        let evs = events(&json, id);
        assert_eq!(evs[0].kind(), "make");
        assert_eq!(evs[0].num("b"), 4);
    }
    assert!(json.contains("\"hint\": 100, \"stack\": true"));
    assert!(json.contains("\"hint\": 100, \"stack\": false"));
}

#[test]
fn churn_at_a_constant_size_grows_the_same_size_on_overflow_buckets() {
    let json = trace("churn");
    let evs = events(&json, 0);
    let same: Vec<&Ev<'_>> = evs
        .iter()
        .filter(|e| e.kind() == "grow_start" && e.get("same_size") == "true")
        .collect();
    assert!(!same.is_empty(), "a same-size grow");
    for g in same {
        let b = g.num("from_b");
        assert_eq!(g.num("to_b"), b);
        assert_eq!(g.get("trigger"), "overflow");
        // tooManyOverflowBuckets: as many overflow buckets as buckets.
        assert_eq!(g.num("noverflow"), 1 << b.min(15));
    }
    check_grows_finish_in_time(&evs);
}

#[test]
fn reads_during_a_grow_never_evacuate() {
    let json = trace("readonly");
    let evs = events(&json, 0);
    let last = evs
        .iter()
        .rposition(|e| e.kind() == "grow_start")
        .expect("a grow");
    assert_eq!(evs[last].num("op"), 53);
    assert_eq!(evs[last].num("from_b"), 3);
    for e in &evs[last + 1..] {
        assert_eq!(
            e.kind(),
            "evacuate",
            "nothing but the starting write's work"
        );
        assert_eq!(e.num("op"), 53);
    }
    assert!(evs[last + 1..].len() <= 2);
    // Still growing at exit: the exit snapshot has both arrays.
    let exit = &json[json.rfind("{\"why\": \"exit\"").expect("an exit snapshot")..];
    assert!(exit.contains("\"name\": \"oldbuckets\", \"nbuckets\": 8"));
    assert!(exit.contains("\"name\": \"buckets\", \"nbuckets\": 16"));
    assert!(json.contains(
        "\"ops\": {\"access\": 1000, \"assign\": 53, \"delete\": 0, \"iterate\": 1, \"clear\": 0}"
    ));
}

#[test]
fn a_panic_still_writes_the_trace_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("gm-trace-panic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("p.gm");
    std::fs::write(
        &src,
        "package main\n\nfunc main() {\n\tm := map[int]int{1: 2}\n\tprintln(m[1])\n\tvar n map[int]int\n\tn[1] = 1\n}\n",
    )
    .unwrap();
    let json = dir.join("p.json");
    let o = gm(&[
        "trace",
        "-o",
        dir.join("p.html").to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "2\n");
    assert!(String::from_utf8_lossy(&o.stderr).contains("assignment to entry in nil map"));
    let text = std::fs::read_to_string(&json).expect("the trace is written");
    assert!(text.contains("\"why\": \"exit\""));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn maps_past_the_limit_are_counted_not_recorded() {
    let dir = std::env::temp_dir().join(format!("gm-trace-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("l.gm");
    std::fs::write(
        &src,
        "package main\n\nfunc main() {\n\tt := 0\n\tfor i := 0; i < 10; i++ {\n\t\tm := make(map[int]int)\n\t\tm[i] = i\n\t\tt += len(m)\n\t}\n\tprintln(t)\n}\n",
    )
    .unwrap();
    let json = dir.join("l.json");
    let o = gm(&[
        "trace",
        "--maps",
        "3",
        "-o",
        dir.join("l.html").to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(&json).unwrap();
    assert!(text.contains("\"dropped_maps\": 7"));
    assert_eq!(text.matches("{\"id\": ").count(), 3);
    // Each iteration's map reuses the frame's header; each is its own map.
    assert_eq!(
        text.matches("\"ops\": {\"access\": 0, \"assign\": 1,")
            .count(),
        3
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn clear_during_a_grow_drops_the_old_array() {
    let json = trace("clear");
    let evs = events(&json, 0);
    let grow = evs
        .iter()
        .rposition(|e| e.kind() == "grow_start")
        .expect("a grow");
    assert_eq!(evs[grow].num("op"), 27);
    assert_eq!(evs[grow].num("to_b"), 3);
    assert!(
        evs[grow + 1..].iter().all(|e| e.kind() != "grow_end"),
        "the grow is not finished"
    );
    let clear = evs.iter().find(|e| e.kind() == "clear").expect("a clear");
    assert_eq!(clear.num("count"), 27);
    assert_eq!(clear.num("op"), 28);
    assert!(clear.0.contains(
        "\"state\": {\"count\": 0, \"b\": 3, \"noverflow\": 0, \"nevacuate\": 0, \"noldbuckets\": 0}"
    ));
    // String keys are shown as Go prints them.
    assert!(json.contains("\"keys\": [\"z\","));
}
