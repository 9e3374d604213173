#!/usr/bin/env python3
"""Go 1.23 oracle for the `// run` programs: tests/run/*.gm and examples/*.gm.

Each program is built with Go 1.23 and run twice (differing runs mean the
program depends on map iteration order and are an error). Go writes
print/println (and the panic text) to stderr; the expectations split that
stream in two:

  NAME.out    everything the program printed before any panic or fatal error
  NAME.panic  the panic's first line (e.g. `panic: runtime error: index out of
              range [5] with length 3`), only when the program exits with
              status 2; a stale .panic is deleted on --write

A panic's text starts at the last `panic: ` or `fatal error: ` before the
`goroutine 1 [running]:` trace, so `print("x"); panic("y")` (Go prints
`xpanic: y`) gives NAME.out = `x` and NAME.panic = `panic: y`.

The rules live in gm (`gm test --go GO`, crates/gm/src/oracle.rs); this
script runs it:

  run.py [FILES]            check gm and the committed goldens against Go
  run.py --write [FILES]    regenerate the goldens from Go
  run.py --gm [FILES]       check gm against the committed goldens (and
                            against Go when it is installed)

Exit status: 0 when everything matches, 1 otherwise.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

REPO = common.REPO


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help=".gm files (default: tests/run and examples)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="regenerate .out/.panic from Go")
    mode.add_argument("--gm", action="store_true", help="check gm against the goldens")
    args = ap.parse_args()
    files = [p.resolve() for p in args.files] or [REPO / "tests" / "run", REPO / "examples"]
    go = common.find_go() if args.gm else common.require_go()
    sys.exit(common.gm_test(files, go=go, bless=args.write))


if __name__ == "__main__":
    main()
