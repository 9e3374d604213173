#!/usr/bin/env python3
"""Walk-lowering oracle: the map runtime calls of each function, as Go 1.23 emits them.

For every tests/walk/NAME.gm this script compiles the program (a .gm program
is valid Go) with

    go tool compile -W -l -p main -o /dev/null main.go

and reads the "after walk NAME" dumps (`-l` disables inlining, so every
function keeps its own calls and its own escape decisions). The result is
stored beside the program as NAME.calls:

    func main
        makemap_small
        mapassign_fast64
    func read
        mapaccess1_fast64

Which calls are extracted (MAP_CALLS): makemap_small, makemap, makemap64,
mapaccess1/2 (plain, _fast32, _fast64, _faststr, _fat), mapassign (plain,
_fast32, _fast64, _faststr, _fast32ptr, _fast64ptr), mapdelete (plain,
_fast32, _fast64, _faststr), mapiterinit, mapiternext, mapclear, rand32.
Nothing else (printlock, concatstring2, growslice, user calls, ...) is listed.

Function order = the order Go dumps them:
  1. `init`, when the package has package-level variables with dynamic
     initialisers (every package-level map literal or make is dynamic);
  2. `map.init.0`, `map.init.1`, ...: Go outlines a package-level
     `var x = <map expression>` whose right side has >= 20 IR nodes and no
     side effects (e.g. a literal of 7+ constant entries) into its own
     function, called from `init` where the initialiser would have run
     (that call is not listed: it is not a map runtime call);
  3. then every user function in source order (main is not moved).
Every function is listed even when it makes no map call. Compiler-generated
equality/hash functions for key types (`type..eq.*`, `type..hash.*`, dumped
last) are left out: they are runtime support, not lowered user code.

Call order inside a function = the order of the calls in the after-walk
dump, which is a pre-order walk of the IR tree:
  - a node's init list (`X-init`, where order and walk put temps) is printed
    before the node itself, then its operands left to right;
  - statements in order; `if`: init (hoisted before the IF), cond, then
    branch, else branch; `switch` is already an if-chain;
  - three-clause `for`: init (hoisted before the FOR), then FOR-Cond, then
    FOR-Post, then FOR-Body: **the post statement comes before the body**;
  - `range` over a map: the map expression's temp, then mapiterinit (in
    FOR-init), then mapiternext (FOR-Post), then the body (key/elem loads,
    then the user's statements);
  - call arguments that contain calls were already moved into temps that
    precede the call.
gm must print its walk dump in the same order for `--gm` to agree.

Modes (Go 1.23 is needed for the default mode and --write):
  walk.py [FILE.gm|NAME ...]         compare the committed .calls with Go
  walk.py --write [FILE.gm|NAME ...] regenerate the .calls from Go
  walk.py --gm [FILE.gm|NAME ...]    also extract the calls from
                                     `gm dump walk FILE` and compare them with
                                     the committed .calls (Go's answer); works
                                     without Go, then only gm is checked
Without file arguments every tests/walk/*.gm is processed. A summary line is
printed; the exit status is 1 when anything differs or fails.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WALK_DIR = common.REPO / "tests" / "walk"

MAP_CALLS = frozenset(
    ["makemap_small", "makemap", "makemap64"]
    + [f"mapaccess{n}{s}" for n in "12" for s in ("", "_fast32", "_fast64", "_faststr", "_fat")]
    + [f"mapassign{s}" for s in ("", "_fast32", "_fast64", "_faststr", "_fast32ptr", "_fast64ptr")]
    + [f"mapdelete{s}" for s in ("", "_fast32", "_fast64", "_faststr")]
    + ["mapiterinit", "mapiternext", "mapclear", "rand32"]
)

# Functions the Go compiler generates for key types; not part of the lowering.
GENERATED_PREFIXES = ("type..", "type:.")

GO_RUNTIME_NAME = re.compile(r"NAME-runtime\.(\w+)")
GM_FUNC = re.compile(r"^func\s+([^\s(]+)\s*\(")
GM_CALL = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)\(")

# A result is a list of (function name, [call, ...]) in dump order.


def calls_from_go_dump(text):
    """Map runtime calls per function from `go tool compile -W` output."""
    funcs = []
    cur = None
    for line in text.splitlines():
        if line.startswith("before walk "):
            cur = None
        elif line.startswith("after walk "):
            # "after walk NAME", or "after walk NAME <nil>" for an empty body
            name = line[len("after walk "):].split()[0]
            if name.startswith(GENERATED_PREFIXES):
                cur = None
            else:
                cur = []
                funcs.append((name, cur))
        elif cur is not None:
            for callee in GO_RUNTIME_NAME.findall(line):
                if callee in MAP_CALLS:
                    cur.append(callee)
    return funcs


def calls_from_gm_dump(text):
    """Map runtime calls per function from `gm dump walk` output.

    A line `func NAME(...)` starts a function; every other line belongs to
    the current one. A call is an identifier from MAP_CALLS immediately
    followed by `(` and not preceded by an identifier character (so
    `runtime.mapclear(` counts, `mymapclear(` does not). Calls are taken
    line by line, left to right. The Rust test suite implements the same
    extraction.
    """
    funcs = []
    cur = None
    for line in text.splitlines():
        m = GM_FUNC.match(line)
        if m:
            cur = []
            funcs.append((m.group(1), cur))
            continue
        if cur is None:
            continue
        for callee in GM_CALL.findall(line):
            if callee in MAP_CALLS:
                cur.append(callee)
    return funcs


def format_calls(funcs):
    return "".join(f"func {name}\n" + "".join(f"    {c}\n" for c in calls) for name, calls in funcs)


def parse_calls(text):
    funcs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("func "):
            funcs.append((line[5:].strip(), []))
        elif funcs:
            funcs[-1][1].append(line.strip())
        else:
            raise ValueError(f"call outside a function: {line!r}")
    return funcs


def diff_funcs(want, got, want_label="go", got_label="gm"):
    """Human-readable differences between two call lists (empty when equal)."""
    out = []
    wd, gd = dict(want), dict(got)
    for name, calls in want:
        if name not in gd:
            out.append(f"  func {name}: missing from {got_label}")
        elif gd[name] != calls:
            out.append(f"  func {name}:\n    {want_label}: {' '.join(calls) or '(none)'}\n"
                       f"    {got_label}: {' '.join(gd[name]) or '(none)'}")
    for name, _ in got:
        if name not in wd:
            out.append(f"  func {name}: only in {got_label}")
    if not out and [n for n, _ in want] != [n for n, _ in got]:
        out.append(f"  function order differs:\n    {want_label}: {' '.join(n for n, _ in want)}\n"
                   f"    {got_label}: {' '.join(n for n, _ in got)}")
    return out


def go_calls(go, gm_file):
    with tempfile.TemporaryDirectory(prefix="gm-walk-") as tmp:
        src = common.as_go_file(gm_file, tmp)
        # The later -o overrides common.go_compile's `-o /dev/null`: a failing
        # `go tool compile` removes its -o file, and as root that deletes /dev/null.
        res = common.go_compile(go, src, "-o", str(Path(tmp) / "main.o"), "-W", "-l")
    if res.returncode != 0:
        msg = (res.stderr + res.stdout).strip().splitlines()[-10:]
        raise RuntimeError("go tool compile failed:\n" + "\n".join(msg))
    return calls_from_go_dump(res.stdout)


def gm_calls(gm, gm_file):
    res = subprocess.run([gm, "dump", "walk", str(gm_file)], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"gm dump walk failed (exit {res.returncode}):\n{res.stderr.strip()}")
    return calls_from_gm_dump(res.stdout)


def select_files(args):
    if not args:
        return sorted(WALK_DIR.glob("*.gm"))
    files = []
    for a in args:
        p = Path(a)
        if not p.exists() and not a.endswith(".gm"):
            p = WALK_DIR / f"{a}.gm"
        if not p.exists():
            sys.exit(f"no such file: {a}")
        files.append(p.resolve())
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="regenerate the .calls files from Go")
    ap.add_argument("--gm", action="store_true", help="also compare `gm dump walk` with the .calls files")
    ap.add_argument("files", nargs="*", help="tests/walk programs (paths or names); default: all")
    opts = ap.parse_args()

    go = common.find_go()
    if go is None and (opts.write or not opts.gm):
        common.require_go()
    gm = None
    if opts.gm:
        gm = common.find_gm()
        if gm is None:
            sys.exit("gm not found: build it (cargo build --release) or set GM=path/to/gm")
    if opts.write and opts.gm:
        sys.exit("--write and --gm are exclusive")

    files = select_files(opts.files)
    ok = written = 0
    bad = []
    for f in files:
        calls_path = f.with_suffix(".calls")
        problems = []
        try:
            first = f.read_text().split("\n", 1)[0].strip()
            if first != "// walk":
                problems.append(f"  first line is {first!r}, expected '// walk'")
            want = go_calls(go, f) if go else None
            if opts.write:
                text = format_calls(want)
                if not calls_path.exists() or calls_path.read_text() != text:
                    calls_path.write_text(text)
                    written += 1
            else:
                if not calls_path.exists():
                    problems.append(f"  {calls_path.name} missing (run --write)")
                    committed = None
                else:
                    committed = parse_calls(calls_path.read_text())
                    if want is not None:
                        problems += diff_funcs(want, committed, "go", "committed .calls")
                if gm and committed is not None:
                    problems += diff_funcs(committed, gm_calls(gm, f), ".calls", "gm")
        except (RuntimeError, ValueError, OSError) as e:
            problems.append("  " + str(e).replace("\n", "\n  "))
        if problems:
            bad.append(f.name)
            print(f"FAIL {f.relative_to(common.REPO) if f.is_relative_to(common.REPO) else f}")
            print("\n".join(problems))
        else:
            ok += 1

    what = "written" if opts.write else "compared"
    extra = f", {written} .calls rewritten" if opts.write else ""
    against = " (gm vs .calls" + (" and .calls vs go)" if go else "; go not found)") if gm else ""
    print(f"walk: {len(files)} files {what}{against}: {ok} ok, {len(bad)} failed{extra}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
