#!/usr/bin/env bash
# Hierarchical against flat all-reduce across emulated hosts (issue 4's figure). Needs root:
# `collectives hosts` makes one network namespace per host, links limited with tc tbf.
#   sudo bash bench/hierarchical.sh                       # 2 hosts × 2 ranks, 1 Gbit/s, 64 MiB, RUNS=3
#   HOSTS=2,1,3 RATE=1gbit SIZE=16M RUNS=1 bash bench/hierarchical.sh
#   COLLECTIVE=reducescatter HOSTS=2,1,3 bash bench/hierarchical.sh   # or allgather: auto, ring, hierarchical
# Each pass runs, on fresh hosts: the selector's own choice (what `collectives explain` says it
# picks there, with TUNE_FILE when given), then the flat ring, halving-doubling, hierarchical and
# 2d-ring forced with COLLECTIVES_ALGO. Prints the median time of each and ring / chosen.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=${RUNS:-3}
HOSTS=${HOSTS:-2,2}
RATE=${RATE:-1gbit}
SIZE=${SIZE:-64M}
COLLECTIVE=${COLLECTIVE:-allreduce}
if [[ $COLLECTIVE == allreduce ]]; then ALGOS="auto ring halving-doubling hierarchical 2d-ring"; else ALGOS="auto ring hierarchical"; fi
ITERS=${ITERS:-5}
TUNE_FILE=${TUNE_FILE:-}
out="$(mktemp -d /tmp/collectives-hier.XXXXXX)"
cd "$root"
dotnet build -c Release --nologo -v q src/Collectives.Cli/Collectives.Cli.csproj >/dev/null || exit 1
C="$root/src/Collectives.Cli/bin/Release/net10.0/collectives"
envs=()
[[ -n "$TUNE_FILE" ]] && envs=(--env "COLLECTIVES_TUNE_FILE=$TUNE_FILE")

hosts() { "$C" hosts run --hosts "$HOSTS" --rate "$RATE" --timeout 10m "${envs[@]}" "$@"; }

echo "hierarchical.sh: hosts $HOSTS, $RATE, $SIZE, $RUNS passes; logs in $out" >&2
hosts -- "$C" explain --collective "$COLLECTIVE" --sizes "$SIZE" > "$out/explain.txt" 2>&1
chosen=$(awk '/^\[0\] +[0-9]/{print $NF}' "$out/explain.txt" | tail -1)
for pass in $(seq 1 "$RUNS"); do
  for algo in $ALGOS; do
    extra=()
    [[ $algo != auto ]] && extra=(--algo "$COLLECTIVE=$algo")
    echo "hierarchical.sh: pass $pass: $algo" >&2
    hosts -- "$C" perf "$COLLECTIVE" -b "$SIZE" -e "$SIZE" -n "$ITERS" -w 1 -c 0 --json "${extra[@]}" \
      > "$out/$pass-$algo.txt" 2>&1 || echo "hierarchical.sh: $algo exited $?" >&2
  done
done

python3 - "$out" "$RUNS" "$chosen" "$HOSTS" "$RATE" "$SIZE" "$COLLECTIVE" "$ALGOS" <<'PY'
import json, statistics, sys, os
out, runs, chosen, hosts, rate, size, collective, algos = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8].split()
def time_us(path):
    text = "\n".join(l[4:] for l in open(path).read().splitlines() if l.startswith("[0] "))
    try:
        row = json.loads(text)["results"][-1]
    except Exception:
        return None
    return min(row["out_of_place"]["time_us"], row["in_place"]["time_us"])
print(f"# {collective} float32 sum, {size}, hosts {hosts}, links {rate}; median of {runs} passes (each: best of out-of-place and in-place)")
print(f"# the selector chose: {chosen}")
print("| algorithm | time (ms) | busbw (GB/s) | vs chosen |")
print("|---|---|---|---|")
medians = {}
for algo in algos:
    times = [t for t in (time_us(os.path.join(out, f"{p}-{algo}.txt")) for p in range(1, runs + 1)) if t is not None]
    medians[algo] = statistics.median(times) if times else None
n = sum(int(h) for h in hosts.split(","))
nbytes = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(size[-1], 1) * int(size.rstrip("KMG"))
for algo, t in medians.items():
    if t is None:
        print(f"| {algo} | failed | | |")
        continue
    busbw = nbytes / (t * 1e-6) / 1e9 * (2 if collective == "allreduce" else 1) * (n - 1) / n
    ratio = t / medians["auto"] if medians.get("auto") else float("nan")
    name = f"auto ({chosen})" if algo == "auto" else algo
    print(f"| {name} | {t / 1000:.1f} | {busbw:.3f} | {ratio:.2f}× |")
PY
