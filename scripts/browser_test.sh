#!/usr/bin/env bash
# Renders the `gm explore` page of every example in headless Chromium and
# checks the DOM it builds: the script finished, every column holds lines,
# machine code instructions other than calls link to source lines, map
# calls carry their explanations, and no JavaScript error was raised
# (the page writes one into #js-error, and Chromium logs uncaught ones).
#
#   scripts/browser_test.sh            # uses target/debug/gm, /usr/bin/chromium
#   GM=target/release/gm CHROMIUM=… scripts/browser_test.sh
set -euo pipefail
TEST=browser_test
# shellcheck source=scripts/browser_lib.sh
source "$(dirname "$0")/browser_lib.sh"

# The lines of one column of the DOM: from its section to the next one.
column() {
    local dom
    dom=$(cat)
    awk -v id="id=\"col-$1\"" '
        index($0, id) { on = 1 }
        on && /<section/ && !index($0, id) { on = 0 }
        on' <<<"${dom//<section/$'\n'<section}"
}

pages=0
for src in examples/*.gm; do
    name=$(basename "$src" .gm)
    page="$work/$name.html"
    "$GM" explore "$src" -o "$page" >/dev/null
    dom=$(render "$page")
    pages=$((pages + 1))
    grep -q 'data-rendered="ok"' <<<"$dom" || fail "$name" "the page script did not finish"
    if grep -q 'id="js-error"' <<<"$dom"; then
        fail "$name" "$(grep -o 'JavaScript error:[^<]*' <<<"$dom" | head -1)"
    fi
    if grep -qi 'uncaught' "$page.log"; then
        fail "$name" "$(grep -i 'uncaught' "$page.log" | head -1)"
    fi
    for stage in source typed order walk clif asm; do
        lines=$(column "$stage" <<<"$dom" | grep -o '<div class="l' | wc -l)
        [ "$lines" -gt 0 ] || fail "$name" "column $stage is empty"
    done
    # Machine code is linked by offset, not only at calls: some other
    # instruction links to a source line that the source column has.
    linked=$(column asm <<<"$dom" | grep -o '<div class="l[^"]*" data-s="[0-9]*">  0x[0-9a-f]*  [^<]*' |
        grep -v '  call ' | head -1 || true)
    if [ -z "$linked" ]; then
        fail "$name" "no machine code instruction but calls is linked to a source line"
    else
        s=$(sed 's/.*data-s="\([0-9]*\)".*/\1/' <<<"$linked")
        column source <<<"$dom" | grep -q "data-s=\"$s\"" ||
            fail "$name" "machine code links to source line $s, which the source column lacks"
    fi
    # Every explained map call names its reason ("call — why").
    rows=$(grep -o '<div class="why-row"[^>]*>[^<]*' <<<"$dom" || true)
    [ -n "$rows" ] || fail "$name" "no map call explanation"
    if grep -v ' — ' <<<"$rows" | grep -q .; then
        fail "$name" "a map call without its reason: $(grep -v ' — ' <<<"$rows" | head -1)"
    fi
done
[ "$pages" -gt 0 ] || fail examples "no example found"
if [ "$failed" -ne 0 ]; then
    exit 1
fi
echo "browser_test: $pages pages rendered in Chromium, every column present, machine code linked to source, map calls explained, no JavaScript error"
