#!/usr/bin/env python3
"""Time the bench/*.gm programs under `gm run`, Go 1.23 and (optionally) Go 1.26.

Each program is built once with each Go and the binaries are timed; gm is
timed as `gm run FILE`, so its time includes parsing, lowering and JIT
compilation. The runs are interleaved: each of --rounds rounds runs every
program once under every system, the systems in an order rotated from round
to round and program to program, so a slow spell of the machine falls on all
of them alike. For each program the table gives each system's minimum
wall-clock time, the median over the rounds of the per-round ratios gm/Go
(same round, back to back), and each system's peak resident set (the largest
over the rounds, as /usr/bin/time -v reports it). All systems must print the
same output (Go prints on stderr, gm on stdout).

    python3 bench/compare.py [--rounds N] [FILES...]

Go 1.23 is found as for the oracle scripts (`GM_GO`, `go` on `PATH`, or
/opt/go123/go/bin/go); Go 1.26 only when `GM_GO126` names its `go` binary.
The geometric means of the median ratios follow the table, then the programs
whose peak RSS is larger for gm than for Go 1.23, and those whose peak above
the empty program's is (what a program itself adds).
Without a gm binary only Go is timed. Exits non-zero when a program fails or
the outputs differ.
"""

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scripts" / "oracle"))
import common  # noqa: E402

TIMEOUT = 300
PEAK = re.compile(rb"Maximum resident set size \(kbytes\): (\d+)")


def run_once(cmd):
    """Run CMD; (seconds, exit status, stdout, stderr, peak RSS in KiB).

    The peak comes from /usr/bin/time: a child forked from this Python
    process would report Python's own resident set as its starting peak.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("rb") as rss:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", rss.name] + cmd, stdout=out, stderr=err)
        # A blocking wait returns the moment the child exits; Popen.wait
        # with a timeout polls, in steps of up to 50 ms, which would round
        # every time up to that grid.
        killer = threading.Timer(TIMEOUT, proc.kill)
        killer.start()
        code = proc.wait()
        elapsed = time.perf_counter() - start
        if not killer.is_alive():
            code = -9
        killer.cancel()
        out.seek(0)
        err.seek(0)
        found = PEAK.search(rss.read())
        peak = int(found.group(1)) if found else None
        return elapsed, code, out.read(), err.read(), peak


class System:
    """One way of running the programs: its name, command and output stream."""

    def __init__(self, name, stream):
        self.name = name
        self.stream = stream
        self.cmds = {}  # program -> argv


class Result:
    """One program under one system, over the rounds."""

    def __init__(self):
        self.times = []
        self.peak = 0
        self.out = None
        self.error = None

    def add(self, elapsed, code, text, stderr, peak):
        if self.error:
            return
        if code != 0:
            lines = stderr.decode("utf-8", "replace").strip().splitlines()
            self.error = f"exit status {code}: " + (lines[0] if lines else "")
        elif self.out is not None and text != self.out:
            self.error = "output differs between rounds"
        else:
            self.out = text
            self.times.append(elapsed)
            self.peak = max(self.peak, peak or 0)


def build_go(label, go, path, tmp, notes):
    work = Path(tmp) / label / path.stem
    work.mkdir(parents=True)
    exe = work / "prog"
    built = common.go_build(go, common.as_go_file(path, work), exe)
    if built.returncode != 0:
        notes.append(f"{label} build failed: " + built.stderr.strip().splitlines()[-1])
        return None
    return [str(exe)]


def go_version_ok(go, prefix):
    out = subprocess.run([go, "version"], capture_output=True, text=True, env=common.go_env())
    return out.returncode == 0 and f" go{prefix}" in out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help="programs (default: bench/*.gm)")
    ap.add_argument("--rounds", "--reps", type=int, default=5, help="interleaved rounds (default 5)")
    args = ap.parse_args()
    files = [p.resolve() for p in args.files] or sorted(HERE.glob("*.gm"))

    go = common.find_go()
    go126 = os.environ.get("GM_GO126")
    if go126 and not (os.path.exists(go126) and go_version_ok(go126, "1.26")):
        print(f"GM_GO126={go126} is not a Go 1.26: not timing Go 1.26")
        go126 = None
    gm = common.find_gm()
    if gm is not None and not os.path.exists(gm):
        gm = None
    if go is None:
        print("Go 1.23 not found: not timing Go 1.23")
    if gm is None:
        print("gm not found (build it with `cargo build --release` or set GM=PATH): timing Go only")

    systems = []
    if gm is not None:
        systems.append(System("gm", "stdout"))
    if go is not None:
        systems.append(System("go1.23", "stderr"))
    if go126 is not None:
        systems.append(System("go1.26", "stderr"))
    if not systems:
        sys.exit(1)

    notes = {path.stem: [] for path in files}
    results = {(path.stem, s.name): Result() for path in files for s in systems}
    with tempfile.TemporaryDirectory(prefix="gm-bench-") as tmp:
        for path in files:
            for s in systems:
                if s.name == "gm":
                    s.cmds[path.stem] = [gm, "run", str(path)]
                else:
                    cmd = build_go(s.name, go if s.name == "go1.23" else go126, path, tmp, notes[path.stem])
                    if cmd:
                        s.cmds[path.stem] = cmd
        for rnd in range(args.rounds):
            for i, path in enumerate(files):
                shift = (rnd + i) % len(systems)
                for s in systems[shift:] + systems[:shift]:
                    if path.stem in s.cmds:
                        elapsed, code, out, err, peak = run_once(s.cmds[path.stem])
                        text = (err if s.stream == "stderr" else out).decode("utf-8", "replace")
                        results[(path.stem, s.name)].add(elapsed, code, text, err, peak)

    def fmt(v, spec):
        return format(v, spec) if v is not None else "-"

    names = [s.name for s in systems]
    ratio_cols = [g for g in ("go1.23", "go1.26") if "gm" in names and g in names]
    rows, geo, failures = [], {g: [] for g in ratio_cols}, 0
    for path in files:
        name = path.stem
        res = {s: results[(name, s)] for s in names}
        for s, r in res.items():
            if r.error:
                notes[name].append(f"{s}: {r.error}")
        outs = {s: r.out for s, r in res.items() if r.out is not None and not r.error}
        if len(set(outs.values())) > 1:
            notes[name].append("OUTPUT DIFFERS: " + ", ".join(f"{s} {o.strip()[:40]!r}" for s, o in outs.items()))
        ratios = {}
        if not notes[name]:
            for g in ratio_cols:
                pairs = [a / b for a, b in zip(res["gm"].times, res[g].times)]
                if pairs:
                    ratios[g] = statistics.median(pairs)
                    geo[g].append(ratios[g])
        else:
            failures += 1
        rows.append((name, res, ratios))

    width = max([len("program")] + [len(r[0]) for r in rows])
    head = f"{'program':<{width}}"
    head += "".join(f"  {s + ' s':>9}" for s in names)
    head += "".join(f"  {'gm/' + g[2:]:>8}" for g in ratio_cols)
    head += "".join(f"  {s + ' MB':>10}" for s in names)
    print(f"{args.rounds} interleaved rounds; times are minima, ratios medians of per-round ratios, MB peak RSS")
    print(head)
    base = {r[0]: r for r in rows}.get("empty")
    over = []
    over_absolute = []
    for name, res, ratios in rows:
        line = f"{name:<{width}}"
        line += "".join(f"  {fmt(min(res[s].times) if res[s].times else None, '9.3f'):>9}" for s in names)
        line += "".join(f"  {fmt(ratios.get(g), '8.2f'):>8}" for g in ratio_cols)
        line += "".join(f"  {fmt(res[s].peak / 1024 if res[s].peak else None, '10.1f'):>10}" for s in names)
        print(line)
        for note in notes[name]:
            print(f"{'':<{width}}  ! {note}")
        if "gm" in names and "go1.23" in names and res["gm"].peak and res["go1.23"].peak:
            if res["gm"].peak > res["go1.23"].peak:
                over_absolute.append(name)
        if base and name != "empty" and "gm" in names and "go1.23" in names:
            b = base[1]
            if res["gm"].peak and res["go1.23"].peak and b["gm"].peak and b["go1.23"].peak:
                if res["gm"].peak - b["gm"].peak > res["go1.23"].peak - b["go1.23"].peak:
                    over.append(name)
    for g in ratio_cols:
        if geo[g]:
            mean = math.exp(sum(math.log(r) for r in geo[g]) / len(geo[g]))
            print(f"geometric mean of gm/{g[2:]} over {len(geo[g])} programs: {mean:.2f}")
    if "gm" in names and "go1.23" in names:
        print("peak RSS, gm above Go 1.23: " + (", ".join(over_absolute) or "none"))
    if base and "gm" in names and "go1.23" in names:
        print("peak RSS above the empty program's, gm above Go 1.23: " + (", ".join(over) or "none"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
