#!/usr/bin/env python3
"""Differential testing of gm's struct and array values against Go 1.23.

Generates programs whose loop bodies declare struct and array variables
and then store to them whole or in part: composite literals with fields
and elements left out, copies, map reads (plain and comma-ok), calls,
struct keys with padding, variables read under a branch before their
first store, pointed-to and slice literals, and calls that leave other
values in the stack memory the next call uses. Every variable is printed
leaf by leaf at the end of each iteration, so a zeroing skipped where it
was needed, or a byte left unstored, shows in the output. Compares
`gm run` with Go.

    valuetest.py [--count N] [--seed S] [--keep DIR]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from difftest import compare_many  # noqa: E402

STRUCTS = {
    "In": [("A", "int64"), ("B", "int32"), ("C", "[3]int16")],
    "Rec": [("X", "int64"), ("In", "In"), ("Arr", "[4]int64"), ("S", "string"), ("F", "float64")],
    # Padding after P and R: a key whose padding must not matter.
    "K": [("P", "int8"), ("Q", "int64"), ("R", "int16")],
}
SCALARS = ("int64", "int32", "int16", "int8", "float64", "string")
VAR_TYPES = ["Rec", "In", "[4]int64", "[2]Rec", "K", "[2]K"]

PRELUDE = """package main

type In struct {
	A int64
	B int32
	C [3]int16
}

type Rec struct {
	X   int64
	In  In
	Arr [4]int64
	S   string
	F   float64
}

type K struct {
	P int8
	Q int64
	R int16
}

// dirty leaves non-zero values in the stack memory the next call uses.
func dirty(k int) int {
	var a [40]int64
	for j := range a {
		a[j] = int64(k*1000 + j + 77)
	}
	s := 0
	for _, v := range a {
		s += int(v) % 3
	}
	return s
}

func mk(k int) Rec {
	return Rec{X: int64(k), S: "mk"}
}
"""


def array_parts(t):
    return int(t[1 : t.index("]")]), t[t.index("]") + 1 :]


def literal(t, r):
    """A value of type `t`: composite literals leave parts out at random."""
    if t in SCALARS:
        if t == "float64":
            return r.choice(["1.5", "float64(it)", "0"])
        if t == "string":
            return r.choice(['"a"', '"bc"', '""', "str"])
        return f"{t}({r.choice(['i', 'it', '7', 'n'])} + {r.randint(0, 9)})"
    if t.startswith("["):
        n, elem = array_parts(t)
        if r.random() < 0.5:
            return f"{t}{{{', '.join(literal(elem, r) for _ in range(n))}}}"
        given = sorted(r.sample(range(n), r.randint(0, n)))
        return f"{t}{{{', '.join(f'{j}: {literal(elem, r)}' for j in given)}}}"
    given = [(f, ft) for f, ft in STRUCTS[t] if r.random() < 0.6]
    return f"{t}{{{', '.join(f'{f}: {literal(ft, r)}' for f, ft in given)}}}"


def leaves(t, path):
    """Every scalar inside a value of type `t` at `path`."""
    if t in SCALARS:
        return [path]
    if t.startswith("["):
        n, elem = array_parts(t)
        return [x for j in range(n) for x in leaves(elem, f"{path}[{j}]")]
    return [x for f, ft in STRUCTS[t] for x in leaves(ft, f"{path}.{f}")]


def places(t, path):
    """Every field and element inside `path`, with its type."""
    if t.startswith("["):
        n, elem = array_parts(t)
        subs = [(f"{path}[{j}]", elem) for j in range(n)]
    elif t in STRUCTS:
        subs = [(f"{path}.{f}", ft) for f, ft in STRUCTS[t]]
    else:
        return []
    return [x for p, pt in subs for x in [(p, pt)] + places(pt, p)]


def statements(r):
    body, variables, counter = [], [], [0]

    def fresh(prefix):
        counter[0] += 1
        return f"{prefix}{counter[0]}"

    for _ in range(r.randint(12, 30)):
        if not variables or r.random() < 0.35:
            t, name = r.choice(VAR_TYPES), fresh("v")
            form = r.random()
            if form < 0.5:
                body.append(f"var {name} {t}")
            elif form < 0.8:
                body.append(f"{name} := {literal(t, r)}")
            else:
                body.append(f"var {name} {t} = {literal(t, r)}")
            variables.append((name, t))
            continue
        if r.random() < 0.1:
            # Pointed-to and slice literals, held in the frame.
            t = r.choice(VAR_TYPES)
            p, sl = fresh("p"), fresh("sl")
            body.append(f"{p} := &{literal(t, r)}")
            body.append(f"println({', '.join(leaves(t, f'(*{p})'))})")
            elems = [literal(t, r) for _ in range(r.randint(1, 3))]
            body.append(f"{sl} := []{t}{{{', '.join(elems)}}}")
            body.append(f"println(len({sl}), {', '.join(leaves(t, f'{sl}[{len(elems) - 1}]'))})")
            continue
        keys = [(v, vt) for v, vt in variables if vt in ("K", "[2]K")]
        if keys and r.random() < 0.2:
            name, t = r.choice(keys)
            m = "mk1" if t == "K" else "mk2"
            body.append(f"{m}[{name}] += 1")
            body.append(f"if c, found := {m}[{literal(t, r)}]; found {{ n += c }}")
            same = [v for v, vt in variables if vt == t and v != name]
            if same:
                body.append(f"if {name} == {r.choice(same)} {{ n++ }}")
            continue
        name, t = r.choice(variables)
        same = [v for v, vt in variables if vt == t and v != name]
        if r.random() < 0.12:
            # Declared, read under a branch, then stored whole from a
            # value that is not a literal: the zeroing must stay.
            w = fresh("z")
            source = r.choice(same + [name])
            if t == "Rec":
                source = r.choice([source, "mk(it)", "m[it%5]"])
            shown = leaves(t, w)
            body.append(f"var {w} {t}")
            body.append(f"if it > 0 {{ println({', '.join(r.sample(shown, min(4, len(shown))))}) }}")
            body.append(f"{w} = {source}")
            variables.append((w, t))
            continue
        k = r.random()
        if k < 0.1:
            tmp = fresh("tmp")
            body.append(f"{tmp} := i * {r.randint(1, 5)}")
            body.append(f"n += {tmp}")
        elif k < 0.2:
            body.append(f"{name} = {r.choice(same) if same else literal(t, r)}")
        elif k < 0.35:
            body.append(f"{name} = {literal(t, r)}")
        elif k < 0.5:
            place, pt = r.choice(places(t, name))
            body.append(f"{place} = {literal(pt, r)}")
        elif k < 0.6 and t == "Rec":
            body.append(f"m[n%5] = {name}")
            body.append(f"{name} = m[it%5]")
        elif k < 0.7 and t == "Rec":
            body.append(f"{name}, ok = m[i%7]")
        elif k < 0.78:
            body.append("n += dirty(it)")
        elif k < 0.85 and t == "Rec":
            body.append(f"{name} = mk(it)")
        elif k < 0.93:
            w, q = fresh("w"), fresh("q")
            body.append(
                f"if it%2 == 1 {{ var {w} {t}; {q} := it + 1; n += {q}; "
                f"{w} = {literal(t, r)}; println({', '.join(leaves(t, w)[:4])}) }}"
            )
        else:
            shown = leaves(t, name)
            body.append(f"if it > 0 {{ println({', '.join(r.sample(shown, min(3, len(shown))))}) }}")
    for name, t in variables:
        body.append(f'println("{name}", {", ".join(leaves(t, name))})')
    return body


def gen_program(r):
    body = "\n\t\t".join(statements(r))
    return f"""// run

{PRELUDE}
func main() {{
	m := map[int]Rec{{}}
	mk1 := map[K]int{{}}
	mk2 := map[[2]K]int{{}}
	str := "zz"
	n := 0
	ok := false
	for it := 0; it < 3; it++ {{
		i := it * 3
		_ = i
		{body}
	}}
	for k, v := range mk1 {{
		n += int(k.P) * v
	}}
	for k, v := range mk2 {{
		n += int(k[1].Q) * v
	}}
	println(n, ok, len(m), str, len(mk1), len(mk2))
}}
"""


def main():
    compare_many(gen_program, "/tmp/gm-valuetest")


if __name__ == "__main__":
    main()
