#!/usr/bin/env python3
"""Differential testing of gm's constant arithmetic against Go 1.23.

Generates programs full of random untyped constant expressions (integers,
decimal and hex floats, every arithmetic, bitwise and shift operator,
comparisons), prints them as int, float64 and float32, and compares
`gm run` with Go. Python's exact Fractions choose expressions that Go
accepts; Go stays the oracle for every printed digit. Each program also
ends with one conversion that may not be representable, so that the first
error message is compared too whenever Go rejects the program.

    consttest.py [--count N] [--seed S] [--keep DIR]
"""

import sys
import tempfile
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from difftest import run_go, run_gm, setup  # noqa: E402

INT_LEAVES = [
    ("0", 0), ("1", 1), ("2", 2), ("3", 3), ("7", 7), ("10", 10),
    ("255", 255), ("0x7f", 127), ("0b101", 5), ("0o17", 15), ("1_000", 1000),
    ("12345678901234567890", 12345678901234567890), ("1 << 62", 1 << 62),
    ("1 << 100", 1 << 100),
]
FLOAT_LEAVES = [
    ("0.1", Fraction(1, 10)), ("0.2", Fraction(2, 10)), ("0.3", Fraction(3, 10)),
    ("1.5", Fraction(3, 2)), ("1e10", Fraction(10**10)), ("1e-10", Fraction(1, 10**10)),
    ("2.5e-3", Fraction(25, 10000)), ("0x1p-2", Fraction(1, 4)), ("1e100", Fraction(10**100)),
    ("3.0", Fraction(3)), ("1_000.5", Fraction(2001, 2)), ("0x1.8p3", Fraction(12)),
    ("1e-300", Fraction(1, 10**300)), ("0.7", Fraction(7, 10)),
]
LIMIT = 1 << 300
MAX_F64 = Fraction(2**1024 - 2**970)
MAX_F32 = Fraction(2**128 - 2**103)


def ok(v):
    return abs(v.numerator) < LIMIT and v.denominator < LIMIT


def gen(r, depth):
    """An expression (text, exact value, 'int' or 'float')."""
    if depth == 0 or r.random() < 0.25:
        if r.random() < 0.5:
            t, v = r.choice(INT_LEAVES)
            return t, Fraction(v), "int"
        t, v = r.choice(FLOAT_LEAVES)
        return t, v, "float"
    for _ in range(20):
        a = gen(r, depth - 1)
        b = gen(r, depth - 1)
        op = r.choice("+-*/%&|^<>nu")
        res = apply(op, a, b, r)
        if res is not None and ok(res[1]):
            return res
    return gen(r, 0)


def apply(op, a, b, r):
    (at, av, ak), (bt, bv, bk) = a, b
    kind = "float" if "float" in (ak, bk) else "int"
    if op == "n":
        return f"-({at})", -av, ak
    if op == "u":
        return (f"^({at})", -av - 1, "int") if ak == "int" else None
    if op in "+-*":
        v = {"+": av + bv, "-": av - bv, "*": av * bv}[op]
        return f"({at}) {op} ({bt})", v, kind
    if op == "/":
        if bv == 0:
            return None
        if kind == "int":
            q = abs(av.numerator) // abs(bv.numerator)
            q = q if (av < 0) == (bv < 0) else -q
            return f"({at}) / ({bt})", Fraction(q), "int"
        return f"({at}) / ({bt})", av / bv, "float"
    if kind != "int":
        return None
    x, y = av.numerator, bv.numerator
    if op == "%":
        if y == 0:
            return None
        q = abs(x) // abs(y)
        q = q if (x < 0) == (y < 0) else -q
        return f"({at}) % ({bt})", Fraction(x - q * y), "int"
    if op in "&|^":
        v = {"&": x & y, "|": x | y, "^": x ^ y}[op]
        return f"({at}) {op} ({bt})", Fraction(v), "int"
    s = r.randrange(0, 70)
    if op == "<":
        return f"({at}) << {s}", Fraction(x << s), "int"
    return f"({at}) >> {s}", Fraction(x >> s), "int"


def printers(text, v, kind):
    out = []
    if kind == "int" and -(2**63) <= v < 2**63:
        out.append(f"println({text})")
    if abs(v) <= MAX_F64:
        out.append(f"println(float64({text}))")
    if abs(v) <= MAX_F32:
        out.append(f"println(float32({text}))")
    return out


def gen_program(r):
    lines = []
    for i in range(r.randrange(8, 16)):
        text, v, kind = gen(r, r.randrange(1, 5))
        lines.append(f"\tconst c{i} = {text}")
        lines.extend("\t" + p for p in printers(f"c{i}", v, kind))
        if i > 0 and r.random() < 0.3:
            lines.append(f"\tprintln(c{i} == c{i - 1}, c{i} < c{i - 1})")
    # Typed float constants round after every operation.
    for ty, bound in (("float64", 10**100), ("float32", 10**15)):
        vals = []
        while len(vals) < 2:
            text, v, _ = gen(r, 3)
            if Fraction(1, bound) < abs(v) < bound:
                vals.append(text)
        lines.append(f"\tconst {ty}A, {ty}B {ty} = {vals[0]}, {vals[1]}")
        for op in "+-*/":
            lines.append(f"\tprintln({ty}A {op} {ty}B, {ty}A {op} {ty}B == {ty}(({vals[0]}) {op} ({vals[1]})))")
    # One conversion that may fail, to compare the error too.
    text, _, _ = gen(r, 3)
    target = r.choice(["int8", "uint", "int64", "float32", "float64"])
    lines.append(f"\tprintln({target}({text}))")
    return "package main\n\nfunc main() {\n" + "\n".join(lines) + "\n}\n"


def first_error(text):
    for line in text.splitlines():
        if ": " in line and not line.startswith(("#", " ")):
            return line.split(": ", 1)[1].strip()
    return ""


def main():
    count, go, gm, r, keep = setup("/tmp/gm-consttest")
    failures = rejected = 0
    for i in range(count):
        text = gen_program(r)
        with tempfile.TemporaryDirectory() as work:
            src = Path(work) / "prog.gm"
            src.write_text(text)
            go_result, err = run_go(go, src, work)
            ms, mout, merr = run_gm(gm, src)
            if go_result is None:
                rejected += 1
                same = ms == 1 and first_error(err) == first_error(merr)
                detail = f"go: {first_error(err)!r}\n  gm: {first_error(merr)!r} (status {ms})"
            else:
                gs, gout = go_result
                same = gs == ms and gout == mout
                detail = f"go {gs}: {gout[:300]!r}\n  gm {ms}: {mout[:300]!r} {merr[:200]!r}"
            if not same:
                failures += 1
                path = keep / f"const{i}.gm"
                path.write_text(text)
                print(f"program {i}: differs; kept as {path}\n  {detail}")
    print(f"{count} programs ({rejected} rejected by Go), {failures} differences")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
