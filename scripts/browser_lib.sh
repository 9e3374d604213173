# Shared by the browser tests: finds gm and Chromium, makes a scratch
# folder, and defines `render` (a page's DOM after its scripts ran, without
# the scripts; Chromium's log goes to PAGE.log) and `fail`.
# Source it after setting TEST to the test's name.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GM=${GM:-target/debug/gm}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
    echo "$TEST: $CHROMIUM not found (Debian: apt-get install -y chromium)" >&2
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
