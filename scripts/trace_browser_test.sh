#!/usr/bin/env bash
# Renders the `gm trace` page of every example in headless Chromium and
# checks the DOM it builds: the script finished, the table lists the maps,
# the selected map has a timeline and a bucket grid, and no JavaScript
# error was raised (the page writes one into #js-error, and Chromium logs
# uncaught ones). Also checks that gm trace prints what gm run prints.
#
#   scripts/trace_browser_test.sh      # uses target/debug/gm, /usr/bin/chromium
#   GM=target/release/gm CHROMIUM=… scripts/trace_browser_test.sh
set -euo pipefail
TEST=trace_browser_test
# shellcheck source=scripts/browser_lib.sh
source "$(dirname "$0")/browser_lib.sh"

pages=0
for src in examples/*.gm; do
    name=$(basename "$src" .gm)
    page="$work/$name.html"
    "$GM" trace --seed 1 "$src" -o "$page" >"$work/$name.out" 2>/dev/null
    "$GM" run --seed 1 "$src" >"$work/$name.want"
    cmp -s "$work/$name.out" "$work/$name.want" || fail "$name" "gm trace printed other output than gm run"
    dom=$(render "$page")
    pages=$((pages + 1))
    grep -q 'data-rendered="ok"' <<<"$dom" || fail "$name" "the page script did not finish"
    if grep -q 'id="js-error"' <<<"$dom"; then
        fail "$name" "$(grep -o 'JavaScript error:[^<]*' <<<"$dom" | head -1)"
    fi
    if grep -qi 'uncaught' "$page.log"; then
        fail "$name" "$(grep -i 'uncaught' "$page.log" | head -1)"
    fi
    rows=$(grep -o '<tr id="map-[0-9]*"' <<<"$dom" | wc -l)
    [ "$rows" -gt 0 ] || fail "$name" "the table lists no map"
    grep -q '<svg class="timeline"' <<<"$dom" || fail "$name" "no timeline"
    grep -q '<path d="M' <<<"$dom" || fail "$name" "the timeline draws no line"
    grep -Eq 'class="grid"|class="density"' <<<"$dom" ||
        fail "$name" "no bucket grid"
    grep -q 'id="snap-slider"' <<<"$dom" || fail "$name" "no snapshot slider"
done
[ "$pages" -gt 0 ] || fail examples "no example found"
if [ "$failed" -ne 0 ]; then
    exit 1
fi
echo "trace_browser_test: $pages pages rendered in Chromium, with their map table, timeline and bucket grid, no JavaScript error"
