#!/usr/bin/env bash
# tests/bench/speed.sh [ROWS [CATEGORIES]] — fenpei check against an idiomatic pandas check of
# the same identities on the same national-scale table (default 1,000,000 rows, 10 categories:
# 13 amount columns). Prints CPU seconds (user + system), peak memory and the ratio; run from
# the top of the source tree after `cmake --build build`. Needs python3-pandas.
set -euo pipefail
rows=${1:-1000000} cats=${2:-10} runs=${RUNS:-3}
build=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build"/tests/bench/bench_check --write "$tmp/big.csv" "$rows" "$cats"
size=$(stat -c %s "$tmp/big.csv")
measure() { # best CPU time and its peak memory of RUNS runs of a command
    local best="" mem=""
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%U %S %M" -o "$tmp/t" "$@" >/dev/null
        read -r u s m <"$tmp/t"
        cpu=$(echo "$u + $s" | bc)
        if [ -z "$best" ] || [ "$(echo "$cpu < $best" | bc)" = 1 ]; then best=$cpu mem=$m; fi
    done
    echo "$best $mem"
}
read -r f_cpu f_mem < <(measure "$build"/fenpei check "$tmp/big.csv")
read -r p_cpu p_mem < <(measure /usr/bin/python3 tests/bench/pandas_check.py "$tmp/big.csv")
mb=$(echo "scale=1; $size / 1000000" | bc)
printf 'table: %d rows, %d categories, %s MB\n' "$rows" "$cats" "$mb"
printf 'fenpei check : %6.2f s CPU, peak %4d MB (%.2f× the file)\n' "$f_cpu" $((f_mem / 1024)) \
    "$(echo "scale=4; $f_mem * 1024 / $size" | bc)"
printf 'pandas check : %6.2f s CPU, peak %4d MB\n' "$p_cpu" $((p_mem / 1024))
printf 'ratio        : fenpei takes %.3f of pandas'"'"' CPU time\n' "$(echo "scale=4; $f_cpu / $p_cpu" | bc)"
