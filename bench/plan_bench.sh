#!/usr/bin/env bash
# `abimatrix plan` on bench/plan-million.yaml (995,328 cells): wall time and
# peak memory of two builds in turn, in one sitting, and their ratios. The
# goal for the second (issue 18): under 3 s and under 300 MB.
#
# Usage: bench/plan_bench.sh BEFORE_CHECKOUT AFTER_CHECKOUT [ROUNDS]
#   Each checkout must be built (build/abimatrix); the matrix is AFTER's.
set -euo pipefail
before=$(cd "$1" && pwd)
after=$(cd "$2" && pwd)
rounds=${3:-3}
matrix="$after/bench/plan-million.yaml"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# "SECONDS KB" of one plan; both builds must print the same cells.
measure() {
  /usr/bin/time -o "$scratch/time" -f "%e %M" "$1/build/abimatrix" plan "$matrix" >"$scratch/$2.txt"
  cat "$scratch/time"
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

declare -A secs mem
for i in $(seq "$rounds"); do
  for side in before after; do
    dir=${!side}
    read -r s kb < <(measure "$dir" "$side")
    echo "round $i: $side ${s} s, $((kb / 1024)) MB"
    secs[$side]+="$s "
    mem[$side]+="$kb "
  done
done
cmp -s "$scratch/before.txt" "$scratch/after.txt" || { echo "the two builds plan different cells"; exit 1; }
echo "both plan the same $(tail -n 1 "$scratch/after.txt")"
for side in before after; do
  s=$(tr ' ' '\n' <<<"${secs[$side]}" | grep . | median)
  kb=$(tr ' ' '\n' <<<"${mem[$side]}" | grep . | median)
  printf '%-6s median %.2f s, %d MB\n' "$side" "$s" $((kb / 1024))
  eval "${side}_s=$s ${side}_kb=$kb"
done
awk -v a="$after_s" -v b="$before_s" -v am="$after_kb" -v bm="$before_kb" \
  'BEGIN {printf "after/before: time %.2fx, memory %.2fx\n", a / b, am / bm}'
awk -v s="$after_s" -v kb="$after_kb" 'BEGIN {exit !(s < 3 && kb < 300 * 1024)}' &&
  echo "goal met: under 3 s and 300 MB" || { echo "goal missed: 3 s and 300 MB"; exit 1; }
