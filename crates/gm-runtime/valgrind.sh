#!/usr/bin/env bash
# Runs gm-runtime's test binaries under valgrind memcheck: no invalid
# reads/writes, no invalid frees (e.g. of a JIT-style stack bucket), no
# definite or indirect leaks. Map and language memory is the collector's
# (bdwgc's heap is not malloc'd, so memcheck tracks no leaks there); the
# descriptors the tests leak like the JIT does stay reachable and are not
# errors. "Possibly lost" blocks are shown but not counted: std's hash
# tables and libtest's thread-locals are held by interior pointers, which
# memcheck cannot tell from leaks.
#
# valgrind.supp suppresses the reports of the collector's conservative
# marking, which reads uninitialised stack words by design; nothing else.
#
# Subset, to stay within about five minutes on a 2-core machine:
#   * every test binary (layout, model, whitebox, panic, seed, unit tests,
#     and moved_stack, whose forked child memcheck follows: its errors
#     fail the test through the child's exit status),
#   * the property tests with PROPTEST_CASES=8 per shape (the default run
#     uses 48): each case still runs up to 300 random operations with
#     growth, iteration and clear, checking invariants after every step;
#   * the panic tests' children exit with status 2 by design; they run
#     natively (no --trace-children), only the parent runs under memcheck.
#
# Takes about 30 s on an idle 2-core machine, a few minutes while other
# builds compete for the cores.
#
# Usage: crates/gm-runtime/valgrind.sh  (override PROPTEST_CASES to taste)
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v valgrind >/dev/null; then
    echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
    exit 1
fi

export PROPTEST_CASES="${PROPTEST_CASES:-8}"

# Build the test binaries once and collect their paths.
mapfile -t bins < <(
    cargo test -p gm-runtime --tests --no-run --message-format=json 2>/dev/null |
        grep -o '"executable":"[^"]*"' | sed 's/"executable":"\(.*\)"/\1/'
)
if [ "${#bins[@]}" -eq 0 ]; then
    echo "valgrind.sh: no test binaries were built" >&2
    exit 1
fi

status=0
for bin in "${bins[@]}"; do
    echo "== valgrind $(basename "$bin")"
    if ! valgrind --quiet --error-exitcode=1 --leak-check=full \
        --suppressions=crates/gm-runtime/valgrind.supp \
        --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect \
        "$bin" --test-threads=1 -q; then
        echo "valgrind.sh: $(basename "$bin") FAILED under memcheck" >&2
        status=1
    fi
done
exit "$status"
