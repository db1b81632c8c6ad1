#!/usr/bin/env bash
# tests/bench/speed.sh [ROWS [CATEGORIES]] — fenpei check against an idiomatic pandas check of
# the same identities on the same national-scale table (default 1,000,000 rows, 10 categories:
# 13 amount columns). Prints the machine and its load, then the best CPU time (user + system,
# from /usr/bin/time) of RUNS runs of each (default 5), their peak memory and the ratio; run
# from the top of the source tree after `cmake --build build`. Needs python3-pandas and bc.
# The runs alternate (fenpei, pandas, fenpei, …) so that both meet the same load.
set -euo pipefail
rows=${1:-1000000} cats=${2:-10} runs=${RUNS:-5}
build=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build"/tests/bench/bench_check --write "$tmp/big.csv" "$rows" "$cats"
size=$(stat -c %s "$tmp/big.csv")
printf 'machine: %s, %s cores, %s\n' "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" \
    "$(nproc)" "$(uname -sr)"
printf 'load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
f_best="" f_mem="" p_best="" p_mem=""
run() { # CPU seconds and peak KB of one run of a command
    /usr/bin/time -f "%U %S %M" -o "$tmp/t" "$@" >/dev/null
    read -r u s m <"$tmp/t"
    printf '%.2f %s\n' "$(echo "$u + $s" | bc)" "$m"
}
for i in $(seq "$runs"); do
    read -r cpu mem < <(run "$build"/fenpei check "$tmp/big.csv")
    if [ -z "$f_best" ] || [ "$(echo "$cpu < $f_best" | bc)" = 1 ]; then f_best=$cpu; fi
    if [ -z "$f_mem" ] || [ "$mem" -gt "$f_mem" ]; then f_mem=$mem; fi
    f_all="${f_all:-}$cpu "
    read -r cpu mem < <(run /usr/bin/python3 tests/bench/pandas_check.py "$tmp/big.csv")
    if [ -z "$p_best" ] || [ "$(echo "$cpu < $p_best" | bc)" = 1 ]; then p_best=$cpu; fi
    if [ -z "$p_mem" ] || [ "$mem" -gt "$p_mem" ]; then p_mem=$mem; fi
    p_all="${p_all:-}$cpu "
done
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
mb=$(echo "scale=1; $size / 1000000" | bc)
printf 'table: %d rows, %d categories, %s MB\n' "$rows" "$cats" "$mb"
printf 'fenpei check : %6.2f s CPU (runs: %s), peak %4d MB (%.2f× the file)\n' "$f_best" \
    "${f_all% }" $((f_mem * 1024 / 1000000)) "$(echo "scale=4; $f_mem * 1024 / $size" | bc)"
printf 'pandas check : %6.2f s CPU (runs: %s), peak %4d MB\n' "$p_best" "${p_all% }" \
    $((p_mem * 1024 / 1000000))
printf 'ratio        : fenpei takes %.3f of pandas'"'"' CPU time\n' \
    "$(echo "scale=4; $f_best / $p_best" | bc)"
