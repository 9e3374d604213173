#!/usr/bin/env python3
"""Time the bench/*.gm programs under Go 1.23 and under `gm run`.

Each program is built once with Go (when Go 1.23 is installed) and the
binary is timed; gm is timed as `gm run FILE`, so its time includes parsing,
lowering and JIT compilation. Every program runs --reps times per
implementation and the minimum wall-clock time is kept. Both must print the
same output (Go prints on stderr, gm on stdout).

    python3 bench/compare.py [--reps N] [FILES...]

Prints a table (program, go s, gm s, gm/go, and each side's peak resident
set in MB, the largest over the repetitions, as wait4 reports it) and the
geometric mean of the time ratios. `empty.gm` is the baseline: the last line
names the programs whose peak RSS above gm's empty program exceeds Go's
above Go's own. Without a gm binary only Go is timed; without Go only gm is
timed.
Exits non-zero when a program fails or the outputs differ.
"""

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scripts" / "oracle"))
import common  # noqa: E402

TIMEOUT = 300


def run_once(cmd):
    """Run CMD; (seconds, exit status, stdout, stderr, peak RSS in KiB).

    The peak comes from /usr/bin/time: a child forked from this Python
    process would report Python's own resident set as its starting peak.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss.name] + cmd, stdout=out, stderr=err)
        try:
            code = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = -9
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text = rss.read().strip().splitlines()
        peak = int(text[-1]) if text and text[-1].isdigit() else None
        return elapsed, code, out.read(), err.read(), peak


def timed(cmd, reps, stream):
    """Run CMD REPS times; (min seconds, max peak RSS KiB, output of STREAM, error or None)."""
    best, peak, out = None, 0, None
    for _ in range(reps):
        elapsed, code, stdout, stderr, rss = run_once(cmd)
        if code != 0:
            err = stderr.decode("utf-8", "replace").strip().splitlines()
            return None, None, None, f"exit status {code}: " + (err[0] if err else "")
        text = (stderr if stream == "stderr" else stdout).decode("utf-8", "replace")
        if out is not None and text != out:
            return None, None, None, "output differs between repetitions"
        out = text
        best = elapsed if best is None else min(best, elapsed)
        peak = max(peak, rss or 0)
    return best, peak, out, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help="programs (default: bench/*.gm)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions per program (default 3)")
    args = ap.parse_args()
    files = [p.resolve() for p in args.files] or sorted(HERE.glob("*.gm"))

    go = common.find_go()
    gm = common.find_gm()
    if gm is not None and not os.path.exists(gm):
        gm = None
    if go is None:
        print("Go 1.23 not found: timing gm only")
    if gm is None:
        print("gm not found (build it with `cargo build --release` or set GM=PATH): timing Go only")
    if go is None and gm is None:
        sys.exit(1)

    rows, ratios, failures = [], [], 0
    with tempfile.TemporaryDirectory(prefix="gm-bench-") as tmp:
        for path in files:
            name = path.stem
            go_t = gm_t = go_rss = gm_rss = None
            go_out = gm_out = None
            notes = []
            if go is not None:
                work = Path(tmp) / name
                work.mkdir()
                exe = work / "prog"
                built = common.go_build(go, common.as_go_file(path, work), exe)
                if built.returncode != 0:
                    notes.append("go build failed: " + built.stderr.strip().splitlines()[-1])
                else:
                    go_t, go_rss, go_out, err = timed([str(exe)], args.reps, "stderr")
                    if err:
                        notes.append("go: " + err)
            if gm is not None:
                gm_t, gm_rss, gm_out, err = timed([gm, "run", str(path)], args.reps, "stdout")
                if err:
                    notes.append("gm: " + err)
            if go_out is not None and gm_out is not None and go_out != gm_out:
                notes.append("OUTPUT DIFFERS: go %r, gm %r" % (go_out.strip()[:60], gm_out.strip()[:60]))
            ratio = None
            if go_t and gm_t and not notes:
                ratio = gm_t / go_t
                ratios.append(ratio)
            if notes:
                failures += 1
            rows.append((name, go_t, gm_t, ratio, go_rss, gm_rss, notes))

    def fmt(v, spec):
        return format(v, spec) if v is not None else "-"

    def mb(kib):
        return kib / 1024 if kib is not None else None

    base = {r[0]: r for r in rows}.get("empty")
    width = max([len("program")] + [len(r[0]) for r in rows])
    print(f"{'program':<{width}}  {'go s':>8}  {'gm s':>8}  {'gm/go':>7}  {'go MB':>7}  {'gm MB':>7}")
    over = []
    for name, go_t, gm_t, ratio, go_rss, gm_rss, notes in rows:
        print(
            f"{name:<{width}}  {fmt(go_t, '8.3f'):>8}  {fmt(gm_t, '8.3f'):>8}  {fmt(ratio, '7.2f'):>7}"
            f"  {fmt(mb(go_rss), '7.1f'):>7}  {fmt(mb(gm_rss), '7.1f'):>7}"
        )
        for note in notes:
            print(f"{'':<{width}}  ! {note}")
        if base and name != "empty" and None not in (go_rss, gm_rss, base[4], base[5]):
            if gm_rss - base[5] > go_rss - base[4]:
                over.append(name)
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"geometric mean of gm/go over {len(ratios)} programs: {geo:.2f}")
    if base:
        print("peak RSS above the empty program's, gm above Go: " + (", ".join(over) or "none"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
