#!/usr/bin/env python3
"""Walk-lowering oracle: the map runtime calls of each function, as Go 1.23 emits them.

For every tests/walk/NAME.gm, Go's calls come from

    go tool compile -W -l -p main -o main.o main.go

(`-l` disables inlining, so every function keeps its own calls and its own
escape decisions): the "after walk NAME" sections, in the order Go dumps
them, without the equality and hash functions Go generates for key types.
They are stored beside the program as NAME.calls:

    func main
        makemap_small
        mapassign_fast64
    func read
        mapaccess1_fast64

The calls listed are makemap_small, makemap, makemap64, mapaccess1/2 (plain,
_fast32, _fast64, _faststr, _fat), mapassign (plain, _fast32, _fast64,
_faststr, _fast32ptr, _fast64ptr), mapdelete (plain, _fast32, _fast64,
_faststr), mapiterinit, mapiternext, mapclear and rand32. Call order inside
a function is the order of a pre-order walk of Go's tree: an init list
before its node, statements in order, a `for`'s post statement before its
body, a map range's iterator calls before the body. `gm dump walk` prints
its calls in the same order.

The rules live in gm (`gm test --go GO`, crates/gm/src/oracle.rs); this
script runs it:

  walk.py [FILE.gm|NAME ...]         check gm and the committed .calls against Go
  walk.py --write [FILE.gm|NAME ...] regenerate the .calls from Go
  walk.py --gm [FILE.gm|NAME ...]    check gm against the committed .calls
                                     (and against Go when it is installed)
Without file arguments every tests/walk/*.gm is processed.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WALK_DIR = common.REPO / "tests" / "walk"


def select_files(args):
    if not args:
        return [WALK_DIR]
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
    ap.add_argument("--gm", action="store_true", help="check gm against the .calls files")
    ap.add_argument("files", nargs="*", help="tests/walk programs (paths or names); default: all")
    opts = ap.parse_args()
    if opts.write and opts.gm:
        sys.exit("--write and --gm are exclusive")
    go = common.find_go() if opts.gm else common.require_go()
    return common.gm_test(select_files(opts.files), go=go, bless=opts.write)


if __name__ == "__main__":
    sys.exit(main())
