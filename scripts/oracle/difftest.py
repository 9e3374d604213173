#!/usr/bin/env python3
"""Differential testing of gm against Go 1.23 on random map programs.

Generates random but valid .gm programs that exercise map operations on
several key and element types (assign, op-assign, comma-ok reads, delete,
range with order-independent summaries, clear, the clear idiom, growth,
literals of every size class, nil maps; map elements as range, tuple,
comma-ok and op-assignment targets; map reads in comparisons of every
kind; zero-length arrays; typed range targets; maps reached through
pointers, slices and structs), runs each with Go 1.23
and with `gm run`, and reports any difference in output or exit status.

    difftest.py [--count N] [--seed S] [--keep DIR]

Needs Go 1.23 (see common.py) and a built gm (target/release or debug).
A failing program is kept (in --keep DIR, default /tmp/gm-difftest) so it
can become a regression test.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

# (type, key expressions generator, value generator, value summary)
MAP_KINDS = [
    ("map[int]int", lambda r: str(r.randrange(-50, 50)), lambda r: str(r.randrange(1000)), "v"),
    ("map[string]int", lambda r: '"k%d"' % r.randrange(40), lambda r: str(r.randrange(1000)), "v"),
    ("map[int32]string", lambda r: "int32(%d)" % r.randrange(60), lambda r: '"s%d"' % r.randrange(9), "len(v)"),
    ("map[uint8]int", lambda r: "uint8(%d)" % r.randrange(256), lambda r: str(r.randrange(1000)), "v"),
    ("map[P]int", lambda r: "P{%d, %d}" % (r.randrange(5), r.randrange(5)), lambda r: str(r.randrange(100)), "v"),
    ("map[K]int", lambda r: "K{int8(%d), %d}" % (r.randrange(5), r.randrange(9)), lambda r: str(r.randrange(100)), "v"),
    ("map[[2]string]int", lambda r: '[2]string{"a%d", "b%d"}' % (r.randrange(4), r.randrange(4)), lambda r: str(r.randrange(100)), "v"),
    ("map[float64]int", lambda r: "%d.5" % r.randrange(20), lambda r: str(r.randrange(100)), "v"),
    ("map[int]Big", lambda r: str(r.randrange(30)), lambda r: "Big{n: %d}" % r.randrange(100), "v.n"),
    ("map[int]Fat", lambda r: str(r.randrange(30)), lambda r: "Fat{n: %d}" % r.randrange(100), "v.n"),
    ("map[string][]int", lambda r: '"s%d"' % r.randrange(10), lambda r: "[]int{%d}" % r.randrange(9), "len(v)"),
    ("map[*T]int", None, lambda r: str(r.randrange(100)), "v"),
]

PRELUDE = """package main

type P struct{ x, y int32 }

type K struct {
	a int8
	b int32
}

type Big struct {
	n   int
	pad [200]byte
}

type Fat struct {
	n   int
	pad [1100]byte
}

type T struct{ id int }

var ptrs = []*T{{1}, {2}, {3}, {4}, {5}}

type Count uint16

func two(a, b int) (int, int) { return a, b }

func runes() (int, rune) { return 3, 'x' }

type Holder struct{ m map[int]int }

func viaHolder(h *Holder) int { return len(h.m) + h.m[1] }

func keepPtr(m map[int]int) *map[int]int { return &m }

"""


def gen_func(r, idx):
    ty, key, val, summary = r.choice(MAP_KINDS)
    if key is None:
        key = lambda r: "ptrs[%d]" % r.randrange(5)  # noqa: E731
    lines = [f"func f{idx}() {{"]
    hint = r.choice(["", ", 0", ", 8", ", 9", ", 100", ", n"])
    lines.append(f"\tn := {r.randrange(0, 40)}")
    lines.append("\t_ = n")
    if r.random() < 0.3:
        # A literal with distinct constant keys (duplicates don't compile).
        keys = list(dict.fromkeys(key(r) for _ in range(r.choice([0, 1, 5, 25, 26, 40]))))
        body = ", ".join(f"{k}: {val(r)}" for k in keys)
        lines.append(f"\tm := {ty}{{{body}}}")
    elif r.random() < 0.1:
        lines.append(f"\tvar m {ty}")
        lines.append("\tprintln(len(m))")
        lines.append(f"\tfor range m {{\n\t\tprintln(\"never\")\n\t}}")
        lines.append(f"\tm = make({ty}{hint})")
    else:
        lines.append(f"\tm := make({ty}{hint})")
    lines.append("\tacc := 0")
    lines.extend(AUX_DECLS)
    for _ in range(r.randrange(3, 25)):
        op = r.random()
        if op < 0.3:
            lines.append(gen_target_stmt(r, key, val, summary))
        elif op < 0.35:
            lines.append(f"\tm[{key(r)}] = {val(r)}")
        elif op < 0.45 and summary == "v":
            lines.append(f"\tm[{key(r)}] += {r.randrange(1, 9)}")
        elif op < 0.5 and summary == "v":
            lines.append(f"\tm[{key(r)}]++")
        elif op < 0.6:
            lines.append(f"\tdelete(m, {key(r)})")
        elif op < 0.7:
            lines.append(f"\tif v, ok := m[{key(r)}]; ok {{\n\t\tacc += {summary} + 1\n\t}}")
        elif op < 0.78:
            lines.append(f"\tfor _, v := range m {{\n\t\tacc += {summary}\n\t}}")
        elif op < 0.82:
            lines.append(f"\tfor i := 0; i < {r.randrange(10, 300)}; i++ {{\n\t\tm[{key(r)}] = {val(r)}\n\t}}")
        elif op < 0.85:
            lines.append("\tclear(m)")
        elif op < 0.88:
            lines.append("\tfor k := range m {\n\t\tdelete(m, k)\n\t}")
        elif op < 0.91:
            lines.append("\t{\n\t\tcount := 0\n\t\tfor k := range m {\n\t\t\tdelete(m, k)\n\t\t\tcount++\n\t\t}\n\t\tacc += count\n\t}")
        elif op < 0.95:
            lines.append(f"\tacc += len(m)")
        else:
            lines.append(f"\t{{\n\t\tv := m[{key(r)}]\n\t\tacc += {summary}\n\t}}")
    lines.append("\tprintln(len(m), acc)")
    lines.append("}")
    return "\n".join(lines) + "\n"


# Maps of other element types, declared in every function for the forms
# below; `_ = x` keeps unused ones valid.
AUX_DECLS = [
    "\tms := map[int]string{1: \"s1\", 2: \"deleted\", 3: \"a-string-of-17-by\"}",
    "\tmr := map[int]rune{}",
    "\tmf := map[string]float64{\"a\": 1.5}",
    "\tmu := map[int]uint64{}",
    "\tmi := map[int]int{}",
    "\tm16 := map[int]int16{}",
    "\tma := map[int][2]int{1: {1, 2}}",
    "\tmp := map[int]P{1: {1, 2}}",
    "\tmz := map[[0]int]int{}",
    "\tvar z [0]int",
    "\tvar ok bool",
    "\tvar x8 uint8",
    "\tvar cnt Count",
    "\t_, _, _, _, _, _, _, _, _, _, _, _, _ = ms, mr, mf, mu, mi, m16, ma, mp, mz, z, ok, x8, cnt",
]


def gen_target_stmt(r, key, val, summary):
    """A statement with map elements as targets or map reads compared."""
    k1, k2 = key(r), key(r)
    ints = summary == "v"
    i = r.randrange(1, 4)
    small = lambda: str(r.randrange(-3, 9))  # noqa: E731
    forms = [
        # range targets over strings, integers (typed by the target), maps
        f"for mu[{i}] = range {r.randrange(0, 6)} {{\n\t\tacc += int(mu[{i}])\n\t}}",
        f"for m16[{i}] = range {r.choice([0, 3, 300])} {{\n\t}}\n\tacc += int(m16[{i}])",
        f"for x8 = range {r.randrange(0, 256)} {{\n\t\tacc += int(x8)\n\t}}",
        f"for cnt = range Count({r.randrange(0, 9)}) {{\n\t}}\n\tacc += int(cnt)",
        f"for mi[{i}], mr[{i}] = range \"h\u00e9llo\" {{\n\t\tacc += mi[{i}] + int(mr[{i}])\n\t}}",
        f"for _, mr[{i}] = range \"ab\" {{\n\t}}\n\tacc += int(mr[{i}])",
        # (the last key of a map range depends on the order: reset it)
        f"for mu[{i}] = range map[uint64]int{{5: 1, 6: 2}} {{\n\t\tacc += int(mu[{i}])\n\t}}\n\tmu[{i}] = 1",
        f"{{\n\t\ti := {i}\n\t\tfor i, mr[i] = range [3]rune{{'a', 'b', 'c'}} {{\n\t\t\tacc += int(mr[i])\n\t\t}}\n\t}}",
        f"for i := 0; i < len(z); i++ {{\n\t\tacc += z[i]\n\t}}",
        f"for i := range z {{\n\t\tacc += z[i] + i\n\t}}",
        f"mz[[0]int{{}}] += {i}\n\tacc += mz[z] + len(mz)",
        # tuple and comma-ok targets
        f"mu[{i}], ok = mu[{r.randrange(1, 4)}]\n\tif ok {{\n\t\tacc++\n\t}}",
        f"_, mr[{i}] = runes()\n\tacc += int(mr[{i}])",
        f"ms[{i}], ms[{r.randrange(1, 4)}] = ms[{r.randrange(1, 4)}], ms[{i}]\n\tacc += len(ms[{i}])",
        # comparisons with map reads: short and long constant strings,
        # ordered strings, arrays, structs, floats
        f"if ms[{i}] == \"s1\" {{\n\t\tacc++\n\t}}",
        f"if ms[{i}] != \"deleted\" {{\n\t\tacc += 2\n\t}}",
        f"if ms[{i}] == \"a-string-of-17-by\" || ms[{i}] < \"deleted\" {{\n\t\tacc += 3\n\t}}",
        f"if ms[{i}] <= \"s\" && ms[{i}] > \"\" {{\n\t\tacc += 4\n\t}}",
        f"if ma[{i}] == [2]int{{1, 2}} {{\n\t\tacc += 5\n\t}}",
        f"if mp[{i}] != (P{{1, 2}}) {{\n\t\tacc += 6\n\t}}",
        f"if mf[\"a\"] >= 1.5 {{\n\t\tacc += 7\n\t}}",
        f"ma[{i}] = [2]int{{{i}, {i}}}\n\tmp[{i}] = P{{int32(ma[{i}][0]), 2}}",
        # maps reached through pointers, slices and structs (escape analysis)
        f"{{\n\t\tp := &mi\n\t\t(*p)[{i}] += {i}\n\t\tacc += len(*p)\n\t}}",
        f"{{\n\t\ths := []map[int]int{{mi, make(map[int]int)}}\n\t\ths[1][{i}] = {i}\n\t\tacc += len(hs[1]) + hs[0][{i}]\n\t}}",
        f"{{\n\t\th := &Holder{{m: make(map[int]int)}}\n\t\th.m[1] = {i}\n\t\tacc += viaHolder(h)\n\t}}",
        f"{{\n\t\tvar keep *map[int]int\n\t\tfor j := 0; j < 3; j++ {{\n\t\t\tmm := map[int]int{{j: j}}\n\t\t\tkeep = &mm\n\t\t}}\n\t\tacc += len(*keep) + (*keep)[2]\n\t}}",
        f"{{\n\t\tq := keepPtr(map[int]int{{{i}: 1}})\n\t\t(*q)[{i + 1}] = 2\n\t\tacc += len(*q)\n\t}}",
        f"{{\n\t\tm2 := make(map[int]int)\n\t\tp := &m2\n\t\tfor j := 0; j < {r.randrange(1, 60)}; j++ {{\n\t\t\t(*p)[j] = j\n\t\t}}\n\t\tacc += len(m2)\n\t}}",
    ]
    if ints:
        forms += [
            f"for m[{k1}] = range [3]int{{{small()}, {small()}, {small()}}} {{\n\t\tacc += m[{k1}]\n\t}}",
            f"for m[{k1}], m[{k2}] = range []int{{{small()}, {small()}}} {{\n\t}}\n\tacc += m[{k1}] + m[{k2}]",
            f"for _, m[{k1}] = range []int{{{small()}}} {{\n\t}}\n\tacc += m[{k1}]",
            f"for m[{k1}] = range {r.randrange(0, 5)} {{\n\t\tacc += m[{k1}]\n\t}}",
            f"for m[{k1}] = range \"abc\" {{\n\t\tacc += m[{k1}]\n\t}}",
            f"for m[{k1}] = range map[int]bool{{1: true, 2: false}} {{\n\t\tacc += m[{k1}]\n\t}}\n\tm[{k1}] = 1",
            f"for m[{k1}], m[{k2}] = range map[int]int{{{small()}: {small()}}} {{\n\t}}\n\tacc += m[{k1}] + m[{k2}]",
            f"acc, m[{k1}] = two(m[{k1}], acc)",
            f"m[{k1}], ok = m[{k2}]\n\tif !ok {{\n\t\tacc--\n\t}}",
            f"m[{k1}], m[{k2}] = m[{k2}], m[{k1}]",
            f"m[{k1}], acc = acc, m[{k2}]",
            f"m[{k1}] {r.choice(['-=', '*=', '|=', '&=', '^=', '&^=', '<<=', '>>='])} {r.randrange(1, 4)}",
            f"m[{k1}] {r.choice(['/=', '%='])} {r.choice([1, 2, 3, 7, -2])}",
            f"if m[{k1}] {r.choice(['==', '!=', '<', '<=', '>', '>='])} {small()} {{\n\t\tacc += 11\n\t}}",
            f"if m[{k1}] == m[{k2}] {{\n\t\tacc += 12\n\t}}",
        ]
    return "\t" + r.choice(forms)


def gen_program(r):
    funcs = [gen_func(r, i) for i in range(r.randrange(1, 6))]
    main = "func main() {\n" + "".join(f"\tf{i}()\n" for i in range(len(funcs))) + "}\n"
    return "// run\n\n" + PRELUDE + "\n".join(funcs) + "\n" + main


def run_go(go, src, work):
    gofile = common.as_go_file(src, work)
    exe = Path(work) / "prog"
    b = common.go_build(go, gofile, exe)
    if b.returncode != 0:
        return None, b.stderr
    p = subprocess.run([str(exe)], capture_output=True, text=True, errors="replace", timeout=60)
    return (p.returncode, p.stderr), None


def run_gm(gm, src):
    p = subprocess.run([gm, "run", "--seed", "3", str(src)], capture_output=True, text=True, errors="replace", timeout=60)
    return p.returncode, p.stdout, p.stderr


def setup(default_keep):
    """Parses --count/--seed/--keep; returns (count, go, gm, rng, keep dir)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", default=default_keep)
    args = ap.parse_args()
    go = common.require_go()
    gm = common.find_gm()
    if gm is None:
        sys.exit("gm is not built (cargo build --release -p gm)")
    keep = Path(args.keep)
    keep.mkdir(parents=True, exist_ok=True)
    return args.count, go, gm, random.Random(args.seed), keep


def compare_many(gen_program, default_keep):
    """Runs --count programs of `gen_program(rng)` under Go and gm, keeps
    those that differ in --keep DIR, and exits 1 if any does."""
    count, go, gm, r, keep = setup(default_keep)
    failures = 0
    for i in range(count):
        text = gen_program(r)
        with tempfile.TemporaryDirectory() as work:
            src = Path(work) / "prog.gm"
            src.write_text(text)
            go_result, err = run_go(go, src, work)
            if go_result is None:
                print(f"program {i}: Go rejects it (generator bug):\n{err}")
                (keep / f"bad{i}.gm").write_text(text)
                failures += 1
                continue
            gs, gout = go_result
            ms, mout, merr = run_gm(gm, src)
            if gs != ms or gout != mout:
                failures += 1
                path = keep / f"diff{i}.gm"
                path.write_text(text)
                print(f"program {i}: differs (go {gs}, gm {ms}); kept as {path}")
                print("  go:", gout[:300].replace("\n", " | "))
                print("  gm:", mout[:300].replace("\n", " | "), merr[:300])
    print(f"{count} programs, {failures} differences")
    sys.exit(1 if failures else 0)


def main():
    compare_many(gen_program, "/tmp/gm-difftest")


if __name__ == "__main__":
    main()
