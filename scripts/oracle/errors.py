#!/usr/bin/env python3
"""Check the frontend test corpus against Go 1.23 (or, with --gm, against gm).

    python3 scripts/oracle/errors.py [--gm] [FILE.gm ...]

Without file arguments every tests/typed/*.gm, tests/errorcheck/*.gm and
tests/unsupported/*.gm is checked.

Go mode (the default) compiles each file with `go tool compile` and checks:

  * typed/ and unsupported/ files compile with no error at all (a .gm
    program, and an unsupported construct, must be valid Go);
  * errorcheck/ files: Go reports an error on every line that carries a
    `// ERROR "re" ["re" ...]` comment, each quoted regexp matches at least
    one of the messages reported on that line, every message reported on
    that line is matched by one of its regexps, and no error is reported on
    any other line.

gm mode (--gm) runs `gm check FILE` and applies the same ERROR-line rule to
its stderr (`file:line:col: message`, exit status 1) for errorcheck/ and
unsupported/ files; typed/ files must be accepted (exit status 0).

The ERROR syntax follows Go's own test/ directory: the text between the
double quotes is taken verbatim as a regexp (no unescaping, so it cannot
contain `"`), and it is matched against the message without its
`file:line:col: ` prefix; continuation lines (starting with a tab) belong
to the message before them.

Prints one line per problem and a summary `N files checked, M problems`;
exits 1 when there are problems.
"""

import argparse
import re
import subprocess
import sys
import tempfile
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
# file:line:col: message  (column optional)
IMPORT_RX = re.compile(r"^import\b", re.M)
POS_RX = re.compile(r"^(.*?):(\d+)(?::(\d+))?: (.*)$")


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


def split_messages(output):
    """Compiler output -> list of (line or None, message) pairs."""
    msgs = []
    for raw in output.split("\n"):
        line = raw.rstrip("\r")
        if line.startswith("\t") and msgs:
            ln, text = msgs[-1]
            msgs[-1] = (ln, text + "\n" + line)
            continue
        if not line.strip() or line.startswith("#") or line.startswith("go tool"):
            continue
        m = POS_RX.match(line)
        if m:
            msgs.append((int(m.group(2)), m.group(4)))
        else:
            msgs.append((None, line))
    return msgs


def check_errors(path, msgs, who):
    """Compare reported messages with the file's ERROR comments."""
    want, problems = wanted_errors(path)
    got = {}
    for ln, text in msgs:
        if ln is None:
            problems.append(f"{path}: {who} printed an unpositioned message: {text!r}")
            continue
        got.setdefault(ln, []).append(text)
    for ln, rxs in sorted(want.items()):
        texts = got.get(ln, [])
        if not texts:
            problems.append(f"{path}:{ln}: {who} reports no error here (want {' '.join(rxs)})")
            continue
        matched = [False] * len(texts)
        for rx in rxs:
            hit = False
            for i, t in enumerate(texts):
                if re.search(rx, t):
                    matched[i] = True
                    hit = True
            if not hit:
                problems.append(f"{path}:{ln}: no match for \"{rx}\" in {who}'s {texts!r}")
        for i, t in enumerate(texts):
            if not matched[i]:
                problems.append(f"{path}:{ln}: unmatched {who} error: {t!r}")
    for ln, texts in sorted(got.items()):
        if ln not in want:
            for t in texts:
                problems.append(f"{path}:{ln}: unexpected {who} error: {t!r}")
    if not want:
        problems.append(f"{path}: no // ERROR comment")
    return problems


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


def check_with_go(go, path, folder):
    with tempfile.TemporaryDirectory(prefix="gm-errors-") as work:
        go_file = common.as_go_file(path, work)
        if IMPORT_RX.search(go_file.read_text(encoding="utf-8")):
            # `go tool compile` alone cannot find imported packages.
            res = common.go_build(go, go_file, Path(work) / "main.exe")
        else:
            res = common.go_compile(go, go_file)
    # Show positions in continuation lines as the .gm file, not the copy.
    out = (res.stdout + res.stderr).replace(str(go_file), display_name(path))
    msgs = split_messages(out)
    if folder in ("typed", "unsupported"):
        problems = [f"{path}:{ln or '?'}: Go rejects it: {text!r}" for ln, text in msgs]
        if res.returncode != 0 and not problems:
            problems.append(f"{path}: Go exited {res.returncode} without a message")
        return problems
    problems = check_errors(path, msgs, "Go")
    if res.returncode == 0:
        problems.append(f"{path}: Go accepts it")
    return problems


def check_with_gm(gm, path, folder):
    res = subprocess.run([gm, "check", "--diag", "short", str(path)],
                         capture_output=True, text=True)
    if folder == "typed":
        if res.returncode != 0:
            return [f"{path}: gm check exited {res.returncode}: {res.stderr.strip()!r}"]
        return []
    problems = check_errors(path, split_messages(res.stderr), "gm")
    if res.returncode != 1:
        problems.append(f"{path}: gm check exited {res.returncode}, want 1")
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
    ap.add_argument("--gm", action="store_true", help="check gm (`gm check`) instead of Go")
    ap.add_argument("files", nargs="*", help=".gm files (default: the whole corpus)")
    opts = ap.parse_args()

    if opts.gm:
        tool = common.find_gm()
        if tool is None:
            sys.exit("gm binary not found: build it with `cargo build` or set GM")
        run = check_with_gm
    else:
        tool = common.require_go()
        run = check_with_go

    files = collect(opts.files)
    problems = 0
    for path, folder in files:
        found = check_header(path, folder) + run(tool, path, folder)
        for p in found:
            print(p.replace(str(path), display_name(path)))
        problems += len(found)
    print(f"{len(files)} files checked, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
