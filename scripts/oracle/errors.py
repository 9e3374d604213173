#!/usr/bin/env python3
"""Check the frontend test corpus against Go 1.23 (or, with --gm, against gm).

    python3 scripts/oracle/errors.py [--gm] [FILE.gm ...]

Without file arguments every tests/typed/*.gm, tests/errorcheck/*.gm and
tests/unsupported/*.gm is checked. Each file runs through
`gm test --go GO` (crates/gm/src/oracle.rs holds the rules), which checks:

  * typed/ files compile with Go with no error at all, and unsupported/
    files (whose ERROR lines announce only `unsupported: …`) too: a .gm
    program, and an unsupported construct, must be valid Go;
  * errorcheck/ files: on every line that carries a `// ERROR "re" ["re"
    ...]` comment, each quoted regexp matches one of the messages Go (and
    gm) report on that line, every reported message is matched, and no
    error is reported on any other line.

With --gm, only `gm test` runs (no Go needed). This script adds the
corpus conventions: the first line is the recipe and the second
`package main`; an unsupported/ file's ERROR is `unsupported: <construct>`
with a construct name gm knows.

The ERROR syntax follows Go's own test/ directory: the text between the
double quotes is taken verbatim as a regexp (no unescaping, so it cannot
contain `"`), and it is matched against the message without its
`file:line:col: ` prefix; continuation lines (starting with a tab) belong
to the message before them.
"""

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

FOLDERS = ("typed", "errorcheck", "unsupported")
HEADERS = {"typed": "// typed", "errorcheck": "// errorcheck", "unsupported": "// errorcheck"}

# Construct names an unsupported/ file may announce (LANGUAGE.md, "Out of scope").
def unsupported_names():
    """The construct names gm's `unsupported: <construct>` errors use."""
    ast = (common.REPO / "crates/gm-syntax/src/ast.rs").read_text(encoding="utf-8")
    return set(re.findall(r'Unsupported::\w+ => "([^"]+)"', ast))


UNSUPPORTED = unsupported_names()

ERROR_RX = re.compile(r"// ERROR (.*)")
QUOTES_RX = re.compile(r'"([^"]*)"')


def wanted_errors(path):
    """{line: [regexp source, ...]} from the file's `// ERROR` comments."""
    want = {}
    problems = []
    for num, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if "////" in line:
            continue
        m = ERROR_RX.search(line)
        if not m:
            continue
        rxs = QUOTES_RX.findall(m.group(1))
        if not rxs:
            problems.append(f"{path}:{num}: ERROR comment without a quoted regexp")
            continue
        for rx in rxs:
            try:
                re.compile(rx)
            except re.error as e:
                problems.append(f"{path}:{num}: invalid regexp {rx!r}: {e}")
                continue
            want.setdefault(num, []).append(rx)
    return want, problems


def check_header(path, folder):
    lines = path.read_text(encoding="utf-8").split("\n")
    problems = []
    if not lines or lines[0].strip() != HEADERS[folder]:
        problems.append(f"{path}:1: first line must be `{HEADERS[folder]}`")
    if len(lines) < 2 or lines[1].strip() != "package main":
        problems.append(f"{path}:2: second line must be `package main`")
    if folder == "unsupported":
        want, _ = wanted_errors(path)
        for ln, rxs in want.items():
            for rx in rxs:
                name = rx[len("unsupported: "):] if rx.startswith("unsupported: ") else None
                if name not in UNSUPPORTED:
                    problems.append(f"{path}:{ln}: ERROR must be \"unsupported: <construct>\" "
                                    f"with a known construct name, got \"{rx}\"")
    return problems


def display_name(path):
    """PATH relative to the repository when it is inside it."""
    try:
        return str(path.relative_to(common.REPO))
    except ValueError:
        return str(path)


def collect(args):
    tests = common.REPO / "tests"
    if not args:
        return [(p, folder) for folder in FOLDERS for p in sorted((tests / folder).glob("*.gm"))]
    files = []
    for a in args:
        p = Path(a).resolve()
        folder = p.parent.name
        if folder not in FOLDERS:
            sys.exit(f"{a}: not in tests/{{{','.join(FOLDERS)}}}/")
        files.append((p, folder))
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gm", action="store_true", help="check gm only (no Go needed)")
    ap.add_argument("files", nargs="*", help=".gm files (default: the whole corpus)")
    opts = ap.parse_args()
    go = None if opts.gm else common.require_go()

    files = collect(opts.files)
    problems = 0
    for path, folder in files:
        for p in check_header(path, folder):
            print(p.replace(str(path), display_name(path)))
            problems += 1
    status = common.gm_test([p for p, _ in files], go=go)
    print(f"{len(files)} files checked, {problems} convention problems")
    return 1 if problems or status else 0


if __name__ == "__main__":
    sys.exit(main())
