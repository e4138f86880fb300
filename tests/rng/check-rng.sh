#!/bin/sh
# check-rng.sh — run the dieharder battery on libshipest's generator.
#
# Usage: sh tests/rng/check-rng.sh PATH-TO-rng_stream [seed]
#
# Runs every test of `dieharder -a` (same test sizes), each on its own
# stream of raw 64-bit words from rng_stream, with the lagged-sum test at
# lags 0-8. The full `dieharder -a` (lagged sums up to lag 32, about 30 min
# more) runs with SHIPEST_RNG_FULL=1.
#
# Fails on any FAILED verdict. WEAK verdicts are allowed and listed: with
# ~110 p-values tested at the 0.005 WEAK threshold a perfect generator shows
# about one per run, while FAILED (p < 1e-6) essentially never happens by
# chance. Installs dieharder with apt-get when missing and running as root;
# otherwise prints the command and fails.
set -u
bin=${1:?usage: check-rng.sh PATH-TO-rng_stream [seed]}
seed=${2:-1}

if ! command -v dieharder >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "check-rng: installing dieharder"
        apt-get update -qq && apt-get install -y -qq dieharder >/dev/null || exit 1
    else
        echo "check-rng: dieharder is missing; install it with:" >&2
        echo "    sudo apt-get install dieharder" >&2
        exit 1
    fi
fi
if [ ! -x "$bin" ]; then
    echo "check-rng: $bin is not an executable (build it first)" >&2
    exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/check-rng.XXXXXX")
trap 'rm -f "$log"' EXIT INT TERM
start=$(date +%s)

# One dieharder test on a fresh stream: seed + n, so tests see disjoint
# key streams. -g 200 reads raw binary from stdin.
n=0
one() {
    n=$((n + 1))
    "$bin" "$((seed + n))" | dieharder -g 200 "$@" >>"$log" 2>&1
}

if [ "${SHIPEST_RNG_FULL:-0}" = 1 ]; then
    echo "check-rng: dieharder -a -g 200 on $bin (seed $seed); about 45 minutes"
    "$bin" "$seed" | dieharder -a -g 200 >"$log" 2>&1
else
    echo "check-rng: dieharder tests of -a on $bin (seed $seed, lagged sums to lag 8); ~10 minutes"
    for t in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 100 101 102 204 205 206 207 208 209; do
        one -d "$t"
    done
    for k in 1 2 3 4 5 6 7 8 9 10 11 12; do one -d 200 -n "$k"; done # bit distribution
    for k in 2 3 4 5; do one -d 201 -n "$k"; done                     # minimum distance
    for k in 2 3 4 5; do one -d 202 -n "$k"; done                     # permutations
    for k in 0 1 2 3 4 5 6 7 8; do one -d 203 -n "$k"; done           # lagged sums
fi
end=$(date +%s)

grep -E 'PASSED|WEAK|FAILED' "$log"
passed=$(grep -c 'PASSED' "$log")
weak=$(grep -c 'WEAK' "$log")
failed=$(grep -c 'FAILED' "$log")
echo "check-rng: $passed passed, $weak weak, $failed failed in $((end - start)) s"
if [ "$weak" -gt 0 ]; then
    echo "check-rng: WEAK results (allowed, listed for the record):"
    grep 'WEAK' "$log"
fi
if [ "$passed" -eq 0 ]; then
    echo "check-rng: no test ran; dieharder said:" >&2
    cat "$log" >&2
    exit 1
fi
if [ "$failed" -gt 0 ]; then
    echo "check-rng: FAILED" >&2
    exit 1
fi
echo "check-rng: OK"
