#!/usr/bin/env python3
"""Go 1.23 oracle for the `// run` programs: tests/run/*.gm and examples/*.gm.

Each program is built with Go 1.23 and run. Go writes print/println (and the
panic text) to stderr; the expectations split that stream in two:

  NAME.out    everything the program printed before any panic or fatal error
  NAME.panic  the panic's first line (e.g. `panic: runtime error: index out of
              range [5] with length 3`), only when the program exits with
              status 2; a stale .panic is deleted on --write

A panic's text starts at the last `panic: ` or `fatal error: ` before the
`goroutine 1 [running]:` trace, so `print("x"); panic("y")` (Go prints
`xpanic: y`) gives NAME.out = `x` and NAME.panic = `panic: y`.

Modes:
  run.py [FILES]            compare the committed goldens with Go (default)
  run.py --write [FILES]    regenerate the goldens from Go
  run.py --gm [FILES]       also run each program with `gm run FILE` and compare
                            gm with the goldens (works without Go: then only gm
                            is checked)

Every program is run --runs times (default 2) with Go; differing outputs mean
the program depends on map iteration order (or something else random) and are
reported as an error. Exit status: 0 when everything matches, 1 otherwise.
"""

import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

REPO = common.REPO
TRACE = "goroutine 1 [running]:"
RUN_TIMEOUT = 60


def default_files():
    files = sorted((REPO / "tests" / "run").glob("*.gm"))
    files += sorted((REPO / "examples").glob("*.gm"))
    return files


def split_panic(stderr, status):
    """Split Go's stderr into (program output, panic first line or None)."""
    if status != 2:
        return stderr, None
    cut = stderr.find(TRACE)
    head = stderr if cut < 0 else stderr[:cut]
    start = max(head.rfind("panic: "), head.rfind("fatal error: "))
    if start < 0:
        return stderr, None
    first = head[start:].split("\n", 1)[0]
    return stderr[:start], first


class GoResult:
    def __init__(self, out=None, panic=None, error=None):
        self.out, self.panic, self.error = out, panic, error


def go_expect(go, path, runs):
    """Build PATH with Go and run it RUNS times: a GoResult."""
    with tempfile.TemporaryDirectory(prefix="gm-run-") as tmp:
        src = common.as_go_file(path, tmp)
        exe = Path(tmp) / "prog"
        built = common.go_build(go, src, exe)
        if built.returncode != 0:
            return GoResult(error="go build failed:\n" + built.stderr.strip())
        seen = None
        for _ in range(runs):
            try:
                proc = subprocess.run([str(exe)], capture_output=True, timeout=RUN_TIMEOUT,
                                      cwd=tmp, env=common.go_env())
            except subprocess.TimeoutExpired:
                return GoResult(error=f"timed out after {RUN_TIMEOUT}s")
            stderr = proc.stderr.decode("utf-8", "surrogateescape")
            if proc.stdout:
                return GoResult(error="the program wrote to stdout (only print/println are expected)")
            if proc.returncode not in (0, 2):
                return GoResult(error=f"exit status {proc.returncode}:\n{stderr[-2000:]}")
            if proc.returncode == 2 and TRACE not in stderr:
                return GoResult(error=f"exit status 2 without a panic trace:\n{stderr[-2000:]}")
            out, panic = split_panic(stderr, proc.returncode)
            if seen is None:
                seen = (out, panic)
            elif seen != (out, panic):
                return GoResult(error="output differs between runs (depends on map order?):\n"
                                + short_diff(seen[0], out))
        return GoResult(out=seen[0], panic=seen[1])


def golden_paths(path):
    return path.with_suffix(".out"), path.with_suffix(".panic")


def read_goldens(path):
    out_p, panic_p = golden_paths(path)
    out = out_p.read_bytes().decode("utf-8", "surrogateescape") if out_p.exists() else ""
    panic = panic_p.read_text().rstrip("\n") if panic_p.exists() else None
    return out, panic


def write_goldens(path, res):
    """Write NAME.out / NAME.panic; returns a list of changed file names."""
    out_p, panic_p = golden_paths(path)
    changed = []
    data = res.out.encode("utf-8", "surrogateescape")
    if not out_p.exists() or out_p.read_bytes() != data:
        out_p.write_bytes(data)
        changed.append(out_p.name)
    if res.panic is not None:
        text = res.panic + "\n"
        if not panic_p.exists() or panic_p.read_text() != text:
            panic_p.write_text(text)
            changed.append(panic_p.name)
    elif panic_p.exists():
        panic_p.unlink()
        changed.append(panic_p.name + " (deleted)")
    return changed


def short_diff(want, got, limit=12):
    """A few lines of unified diff between two outputs."""
    import difflib
    lines = list(difflib.unified_diff(want.splitlines(), got.splitlines(),
                                      "expected", "actual", lineterm="", n=1))
    if not lines:
        return f"    (outputs differ only in trailing newline/whitespace: {want[-20:]!r} vs {got[-20:]!r})"
    more = len(lines) - limit
    lines = lines[:limit] + ([f"... {more} more diff lines"] if more > 0 else [])
    return "\n".join("    " + ln for ln in lines)


def compare(kind, path, want_out, want_panic, got_out, got_panic):
    """List of problems between the goldens and one implementation's result."""
    problems = []
    if got_out != want_out:
        problems.append(f"{kind}: output differs from {path.stem}.out\n" + short_diff(want_out, got_out))
    if got_panic != want_panic:
        if want_panic is None:
            problems.append(f"{kind}: exit status 2 with {got_panic!r}; expected a clean exit (no {path.stem}.panic)")
        elif got_panic is None:
            problems.append(f"{kind}: exit status 0; expected exit status 2 with {want_panic!r}")
        else:
            problems.append(f"{kind}: panic line {got_panic!r}; expected {want_panic!r}")
    return problems


def gm_result(gm, path):
    """Run `gm run FILE`: (out, panic line or None, error or None)."""
    try:
        proc = subprocess.run([gm, "run", str(path)], capture_output=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, None, f"gm: timed out after {RUN_TIMEOUT}s"
    out = proc.stdout.decode("utf-8", "surrogateescape")
    err = proc.stderr.decode("utf-8", "surrogateescape")
    if proc.returncode == 0:
        return out, None, None
    if proc.returncode == 2:
        return out, (err.split("\n", 1)[0] if err else ""), None
    return None, None, f"gm: exit status {proc.returncode}:\n    " + err.strip()[-1500:].replace("\n", "\n    ")


def check_one(path, go, gm, write, runs):
    """Returns (status line pieces, problems)."""
    problems, notes = [], []
    want_out, want_panic = read_goldens(path)
    if go is not None:
        res = go_expect(go, path, runs)
        if res.error:
            return [], [f"go: {res.error}"]
        if write:
            changed = write_goldens(path, res)
            if changed:
                notes.append("wrote " + ", ".join(changed))
            want_out, want_panic = res.out, res.panic
        else:
            if not golden_paths(path)[0].exists() and res.out:
                problems.append(f"missing {path.stem}.out")
            problems += compare("go", path, want_out, want_panic, res.out, res.panic)
    if gm is not None:
        out, panic, err = gm_result(gm, path)
        if err:
            problems.append(err)
        else:
            problems += compare("gm", path, want_out, want_panic, out, panic)
    return notes, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help=".gm files (default: tests/run and examples)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="regenerate .out/.panic from Go")
    mode.add_argument("--gm", action="store_true", help="also run the programs with gm")
    ap.add_argument("--runs", type=int, default=2, help="Go runs per program (default 2)")
    ap.add_argument("-j", "--jobs", type=int, default=max(2, os.cpu_count() or 2))
    args = ap.parse_args()

    files = [p.resolve() for p in args.files] or default_files()
    go = common.find_go()
    gm = None
    if args.gm:
        gm = common.find_gm()
        if gm is None:
            sys.exit("gm binary not found: build it with `cargo build --release` (or set GM=PATH)")
        if go is None:
            print("note: Go 1.23 not found; checking gm against the committed goldens only")
    elif go is None:
        common.require_go()

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(check_one, p, go, gm, args.write, args.runs) for p in files]
        for path, fut in zip(files, futures):
            notes, problems = fut.result()
            name = os.path.relpath(path, REPO)
            if problems:
                failed += 1
                print(f"FAIL {name}")
                for prob in problems:
                    print("  " + prob.replace("\n", "\n  "))
            elif notes:
                print(f"ok   {name}: " + "; ".join(notes))
    what = "written" if args.write else "checked"
    print(f"{len(files)} programs {what}, {failed} with differences")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
