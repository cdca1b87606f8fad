#!/usr/bin/env bash
# The harness against a Makefile of its own commands, and a warm rerun, in
# one sitting on one machine:
#   cold  MATRIX run by this checkout with an empty step cache;
#   make  `make -j JOBS` of the distinct commands a run recorded (by default
#         this checkout's; give another build to compare with its commands,
#         e.g. the harness before the step cache);
#   warm  the same run again, nothing changed, into a new database.
# Prints the times, cold/make and cold/warm, and whether cold and warm gave
# every cell the same verdict. Goals (issue 18): cold <= 0.60 x make of the
# earlier harness's commands, warm >= 20 x faster than cold.
#
# Usage: bench/cache_bench.sh [MATRIX] [JOBS] [COMMANDS_FROM_BINARY]
#   bench/cache_bench.sh matrices/evidence.yaml 2 /tmp/before/build/abimatrix
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
matrix=$(realpath "${1:-$here/matrices/evidence.yaml}")
jobs=${2:-2}
binary="$here/build/abimatrix"
commands_from=$(realpath "${3:-$binary}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }

# A run into DB with the step cache in CACHE; its wall seconds.
run() {
  local bin=$1 db=$2 cache=$3
  shift 3
  local start
  start=$(now)
  ABIMATRIX_CACHE=$cache "$bin" run "$matrix" -j "$jobs" --db "$db" "$@" >"$db.log" 2>&1 || true
  since "$start"
}

# The distinct commands of a run, as make targets: each after the steps
# that write the files it names (its objects, its program), in the folder
# it ran in, its failure ignored (the harness records a failure; make must
# go on). Steps that read only sources wait for nothing.
makefile() {
  python3 - "$1" <<'PY'
import shlex, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
run = db.execute("SELECT max(id) FROM runs").fetchone()[0]
steps, seen, producer = [], set(), {}
for cwd, cmd in db.execute("SELECT cwd, command FROM steps WHERE run_id = ? ORDER BY cell_key, seq", (run,)):
    if (cwd, cmd) in seen:
        continue
    seen.add((cwd, cmd))
    argv = shlex.split(cmd)
    name = f"s{len(steps)}"
    steps.append((name, cwd, cmd, argv))
    if "-o" in argv[:-1]:
        producer[argv[argv.index("-o") + 1]] = name
print("export RUSTC_BOOTSTRAP=1\nexport LC_ALL=C\n.PHONY: all " + " ".join(s[0] for s in steps))
print("all: " + " ".join(s[0] for s in steps))
for name, cwd, cmd, argv in steps:
    deps = set()
    for a in argv[1:]:
        for path in (a, a.rsplit("=", 1)[-1]):
            if producer.get(path, name) != name:
                deps.add(producer[path])
    cd = f"cd '{cwd}' && " if cwd else ""
    print(f"{name}: {' '.join(sorted(deps))}\n\t@{cd}{cmd.replace('$', '$$')} >/dev/null 2>&1 || true")
PY
}

verdicts() { sqlite3 "$1" "SELECT cell_key, verdict FROM results ORDER BY cell_key"; }
# Seconds of tool time a run spent, each step counted once (not shared).
tool_seconds() { sqlite3 "$1" "SELECT printf('%.1f', sum(duration_ms) / 1000) FROM steps WHERE shared = 0 ${2:-}"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); matrix $matrix, -j $jobs"

# The commands for make: a run by COMMANDS_FROM_BINARY, its work kept.
run "$commands_from" "$scratch/source.db" "$scratch/source-cache" --keep-work --work-dir "$scratch/work" >/dev/null
makefile "$scratch/source.db" >"$scratch/Makefile"
distinct=$(grep -c '^s[0-9]*:' "$scratch/Makefile")

cold=$(run "$binary" "$scratch/cold.db" "$scratch/cache")
start=$(now)
make -s -k -j "$jobs" -f "$scratch/Makefile" all
made=$(since "$start")
warm=$(run "$binary" "$scratch/warm.db" "$scratch/cache")

echo "cold run:  $cold s; its steps by stage, each once, in s:"
sqlite3 "$scratch/cold.db" "SELECT '  ' || stage || ' ' || count(*) || ' steps ' || printf('%.1f', sum(duration_ms) / 1000)
  FROM steps WHERE shared = 0 GROUP BY stage"
limit=$(awk -v t="$(tool_seconds "$scratch/cold.db")" -v j="$jobs" 'BEGIN {printf "%.1f", t / j}')
echo "its own limit (distinct step time / jobs): $limit s"
echo "make:      $made s ($distinct distinct commands of $(basename "$commands_from")'s run)"
echo "warm run:  $warm s"
awk -v c="$cold" -v m="$made" -v w="$warm" \
  -v l="$limit" 'BEGIN {printf "cold / make = %.2f (goal <= 0.60)\ncold / own limit = %.2f (goal <= 1.05)\n", c / m, c / l;
                     printf "cold / warm = %.1f (goal >= 20)\n", c / w}'
if [ "$(verdicts "$scratch/cold.db")" = "$(verdicts "$scratch/warm.db")" ] && [ -n "$(verdicts "$scratch/cold.db")" ]; then
  echo "verdicts: the same in cold and warm ($(verdicts "$scratch/cold.db" | wc -l) cells)"
else
  echo "verdicts: cold and warm DIFFER"
  diff <(verdicts "$scratch/cold.db") <(verdicts "$scratch/warm.db") | head -20
  exit 1
fi
