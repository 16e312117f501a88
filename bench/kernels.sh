#!/usr/bin/env bash
# Reduction-kernel throughput beside the C reference, in one command:
#   bash bench/kernels.sh                 # Release build, BenchmarkDotNet run, membw before and after
#   bash bench/kernels.sh --job dry       # extra arguments go to BenchmarkDotNet
# Prints GB/s of touched memory (GB = 1e9 B): 3 x size for the reductions and membw's add
# (read dst, read src, write dst), 2 x size for copies. membw comes from ../shared/peers/setup.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
membw="${MEMBW:-/tmp/collectives-peers/bin/membw}"
sizes=(4K 64K 1M 16M 256M)
out="$(mktemp -d /tmp/collectives-kernels.XXXXXX)"
cd "$root"

dotnet build -c Release --nologo -v q bench/Collectives.Benchmarks/Collectives.Benchmarks.csproj

run_membw() {
  if [[ -x $membw ]]; then "$membw" "${sizes[@]}" | tee "$out/membw-$1.txt"
  else echo "kernels.sh: $membw not found; build it with: bash ../shared/peers/setup.sh" | tee "$out/membw-$1.txt" >&2; fi
}

run_membw before
dotnet bench/Collectives.Benchmarks/bin/Release/net10.0/Collectives.Benchmarks.dll \
  --filter '*KernelBenchmarks*' --artifacts "$out/bdn" "$@" | tee "$out/bdn.log" | grep -E '^\|' || true
run_membw after

python3 - "$out" <<'PY'
import csv, glob, sys
out = sys.argv[1]
rows = {}
for path in glob.glob(f"{out}/bdn/results/*KernelBenchmarks-report.csv"):
    for r in csv.DictReader(open(path)):
        size = int(r["Bytes"].replace(",", ""))
        def num(key):
            try: return float(r[key].replace(",", ""))
            except (KeyError, ValueError): return None
        rows.setdefault(size, {})[r["Method"].strip("'")] = (num("GB/s best"), num("GB/s median"))
membw = {}
for when in ("before", "after"):
    for line in open(f"{out}/membw-{when}.txt"):
        f = line.split()
        if len(f) == 5 and f[0].isdigit():
            size = int(f[0]); add, cp = float(f[4]), float(f[3])
            old = membw.get(size, (0.0, 0.0))
            membw[size] = (max(old[0], add), max(old[1], cp))
cols = ["f32 sum (ours)", "f32 add (TensorPrimitives)", "bf16 sum (ours)", "i32 sum (ours)", "f32 max (ours)", "copy (Span.CopyTo)"]
short = ["f32 sum", "TP add", "bf16 sum", "i32 sum", "f32 max", "CopyTo"]
print("\nGB/s of touched memory, best iteration (median in brackets); membw = best of its runs before and after")
print(f"{'size':>10} | " + " | ".join(f"{c:>15}" for c in short) + f" | {'membw add':>9} | {'membw cpy':>9} | {'ours/TP':>7} | {'ours/membw':>10} | {'bf16/f32':>8}")
for size in sorted(rows):
    r = rows[size]
    cells = []
    for c in cols:
        best, med = r.get(c, (None, None))
        cells.append(f"{best:6.1f} ({med:6.1f})" if best is not None else f"{'-':>15}")
    ours = r.get(cols[0], (None, None))[0]; tp = r.get(cols[1], (None, None))[0]; bf = r.get(cols[2], (None, None))[0]
    add, cp = membw.get(size, (None, None))
    ratio = lambda x, y: f"{x / y:.2f}" if x and y else "-"
    print(f"{size:>10} | " + " | ".join(cells) + f" | {add if add else '-':>9} | {cp if cp else '-':>9} | {ratio(ours, tp):>7} | {ratio(ours, add):>10} | {ratio(bf, ours):>8}")
print(f"\nraw output: {out}")
PY
