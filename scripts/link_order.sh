#!/usr/bin/env bash
# Regenerates crates/gm/link-order.txt: the functions `gm run` executes
# while compiling and running the empty program, the run corpus and the
# examples. The release build places them side by side (crates/gm/build.rs),
# so a run touches few pages of gm's code: first those the programs run
# (from the entry of gm_codegen's run_entries on), then those only the
# compiler runs, whose pages leave memory before the program runs. Then
# crates/gm/link-data.ld, which does the same for the read-only data the
# empty program reads (scripts/link_data.py). Needs valgrind and python3;
# takes a few minutes.
#
# With --check, only says how many of the listed functions the release
# build lacks (changes to the code or the dependencies rename some), and
# fails when more than a tenth are missing: time to regenerate. A build in
# another folder already lacks about 3%: the suffixes of some local
# functions' names hash their module, paths included.
set -euo pipefail
cd "$(dirname "$0")/.."
# The same build as `cargo build --release`: selecting the package alone
# would unify features differently and change the symbols' hashes.
cargo build --release
gm=target/release/gm
list=crates/gm/link-order.txt

if [ "${1:-}" = "--check" ]; then
    listed=$(wc -l <"$list")
    missing=$(nm --defined-only "$gm" | awk '{ print $3 }' | LC_ALL=C sort -u |
        LC_ALL=C comm -13 - <(LC_ALL=C sort -u "$list") | wc -l)
    echo "$missing of $listed functions in $list are not in $gm"
    [ $((missing * 10)) -le "$listed" ]
    exit
fi
# link_data.py reads the link map the link writes: relink, so that the map
# is this binary's and not that of a build cargo has since set aside.
touch crates/gm/src/main.rs
cargo build --release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One program per processor. Exit status 2 (a Go panic) still leaves a
# profile, and so does the time limit: the allocation-heavy programs have
# run every function that matters long before it.
profile() {
    timeout -s INT 20 valgrind --tool=callgrind --demangle=no \
        --dump-before='*run_entries*' \
        --callgrind-out-file="$2/$(basename "$1").cg" \
        "$gm" run "$1" >/dev/null 2>&1 </dev/null || true
}
export -f profile
export gm
printf '%s\n' bench/empty.gm tests/run/*.gm examples/*.gm |
    xargs -P "$(nproc)" -I{} bash -c 'profile "$1" "$2"' _ {} "$work"

# Callgrind names each function once per profile, on its first fn= or cfn=
# line; X.cg.1 profiles the compile, X.cg the run. The functions of the
# program that runs the fewest (the empty one) lie where the two groups
# meet: last in the run group, first in the compile group. Then come the
# others, those most programs run nearest: a small program touches one
# stretch of code around the boundary.
# Code symbols, the C library's indirect functions (i) included: their
# resolvers all run at start-up.
nm --defined-only "$gm" | awk '$2 ~ /^[tTwWi]$/ { print $3 }' |
    LC_ALL=C sort -u >"$work/defined"
pairs() {
    grep -oHE '^c?fn=\([0-9]+\) .*' "$@" |
        sed -E 's/\.cg(\.1)?:c?fn=\([0-9]+\) / /' | LC_ALL=C sort -u |
        awk 'NR == FNR { defined[$1] = 1; next } defined[$2]' "$work/defined" -
}
pairs "$work"/*.cg "$work"/*.cg.1 >"$work/pairs"
smallest=$(awk '{ n[$1]++ } END { for (p in n) print n[p], p }' "$work/pairs" |
    LC_ALL=C sort -k1,1n -k2,2 | awk 'NR == 1 { print $2 }')
awk -v p="$smallest" '$1 == p { print $2 }' "$work/pairs" >"$work/first"
# Ranks the (program, function) pairs on standard input.
ranked() {
    awk 'NR == FNR { first[$1] = 1; next }
             { runs[$2]++ }
         END { for (f in runs) print (f in first) ? 0 : 1, runs[f], f }' "$work/first" - |
        LC_ALL=C sort -k1,1n -k2,2nr -k3,3 | awk '{ print $3 }'
}
# What the C library's start-up runs natively but not under valgrind,
# which gives a program no vDSO to look symbols up in and string functions
# of its own: every program runs it, before anything else.
natively_at_start() {
    printf '%s\n' _start frame_dummy _dl_new_object _dl_setup_hash \
        _dl_add_to_namespace_list _dl_lookup_symbol_x do_lookup_x check_match \
        __strcmp_avx2 __strrchr_avx2 |
        awk 'NR == FNR { defined[$1] = 1; next } defined[$1]' "$work/defined" -
}
# The C library's string functions come in one variant per instruction
# set, chosen at start-up for the processor (valgrind's is not the
# machine's): each variant a profile names brings its siblings along.
with_variants() {
    awk 'function base(f) {
             if (!match(f, /^__[a-z]+_(sse2|ssse3|sse4_[12]|avx|avx2|evex|avx512|erms)/)) return ""
             return substr(f, 1, index(substr(f, 3), "_") + 2)
         }
         NR == FNR { if (base($1) != "") family[base($1)] = family[base($1)] " " $1; next }
         !seen[$1]++ { print $1 }
         base($1) != "" {
             n = split(family[base($1)], sib, " ")
             for (i = 1; i <= n; i++) if (!seen[sib[i]]++) print sib[i]
         }' "$work/defined" -
}
pairs "$work"/*.cg | ranked | with_variants | tac >"$work/run"
{ natively_at_start; ranked <"$work/pairs"; } | with_variants |
    awk 'NR == FNR { run[$1] = 1; next } !run[$1]' "$work/run" - >"$work/compile"
cat "$work/run" "$work/compile" >"$list"
echo "$(wc -l <"$list") functions in $list"

# The read-only data the empty program reads, from every load and store
# valgrind's lackey sees, placed through the link map of the build traced.
map=$(ls -t target/release/build/gm-*/out/gm.map | head -n 1)
valgrind --tool=lackey --trace-mem=yes --log-file="$work/empty.trace" \
    "$gm" run bench/empty.gm >/dev/null 2>&1 </dev/null
python3 scripts/link_data.py "$map" "$work/empty.trace" >crates/gm/link-data.ld
echo "$(grep -c '^    ' crates/gm/link-data.ld) input section patterns in crates/gm/link-data.ld"
