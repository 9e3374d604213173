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
cd "$(dirname "$0")/.."
GM=${GM:-target/debug/gm}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
    echo "trace_browser_test: $CHROMIUM not found (Debian: apt-get install -y chromium)" >&2
    exit 1
fi
if [ ! -x "$GM" ]; then
    cargo build -p gm
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

render() {
    local profile
    profile=$(mktemp -d -p "$work")
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --enable-logging=stderr --v=0 \
        --dump-dom "file://$1" 2>"$1.log" | perl -0pe 's{<script.*?</script>}{}gs'
}

failed=0
fail() {
    echo "FAIL $1: $2" >&2
    failed=1
}

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
