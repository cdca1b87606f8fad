#!/usr/bin/env bash
# The cost of running each checked call in its own case (and of recording
# every check as a row): matrices/evidence.yaml run by two checkouts of
# abimatrix, each with its own fixtures, in turn, in one sitting, on a cold
# work folder each time. Prints each run's wall time and the ratio after /
# before of their medians; the goal is at most 1.3.
#
# Usage: bench/isolation_cost.sh BEFORE_CHECKOUT AFTER_CHECKOUT [ROUNDS] [JOBS]
#   Each checkout must be built (build/abimatrix). For example:
#     git worktree add /tmp/before 545fa73 && (cd /tmp/before && scripts/build)
#     bench/isolation_cost.sh /tmp/before . 3
set -euo pipefail
before=$(cd "$1" && pwd)
after=$(cd "$2" && pwd)
rounds=${3:-3}
jobs=${4:-2}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# One run's wall seconds.
run() {
  local checkout=$1 name=$2 i=$3
  local start end
  start=$(date +%s.%N)
  "$checkout/build/abimatrix" run "$checkout/matrices/evidence.yaml" -j "$jobs" \
    --db "$scratch/$name-$i.db" >"$scratch/$name-$i.log" 2>&1 || true
  end=$(date +%s.%N)
  tail -n 1 "$scratch/$name-$i.log" >&2
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f\n", b - a}' 
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

b=() a=()
for ((i = 1; i <= rounds; i++)); do
  b+=("$(run "$before" before "$i")")
  a+=("$(run "$after" after "$i")")
  echo "round $i: before ${b[-1]} s, after ${a[-1]} s"
done
mb=$(printf '%s\n' "${b[@]}" | median)
ma=$(printf '%s\n' "${a[@]}" | median)
echo "median: before $mb s, after $ma s, ratio $(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", a / b}')"
