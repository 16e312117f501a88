#!/usr/bin/env bash
# The RDMA transport against its provider (issue 5's figure): per libfabric provider, the shim's
# raw RMA-write bandwidth (fabric_pair_test --bench: one way, 16 writes in flight; both ways at
# once, as the two ranks of a ring step write; and the link's own frame protocol done in C, a
# payload write plus a header message per frame, one frame in flight each way; and the same
# 2-rank ring all-reduce written in C over the shim, frames into a ring as the link uses it, with the
# reduction and the copy-out the CPU must also do, and once more with the all-gather placed
# straight in the peer's output) and `collectives perf allreduce --transport
# rdma` busbw (2 ranks), same sizes, in the same run. RUNS passes, alternating; prints medians
# of the figures and of each pass's busbw over each raw figure.
#   bash bench/rdma.sh                        # RUNS=3, providers tcp,shm, 1M..64M
#   RUNS=5 PROVIDERS=tcp bash bench/rdma.sh
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=${RUNS:-3}
PROVIDERS=${PROVIDERS:-tcp,shm}
out="$(mktemp -d /tmp/collectives-rdma.XXXXXX)"
cd "$root"
dotnet build -c Release --nologo -v q src/Collectives.Cli/Collectives.Cli.csproj >/dev/null || exit 1
C="$root/src/Collectives.Cli/bin/Release/net10.0/collectives"
# The probe from native/'s own CMake tree (the managed build compiles only when the library's sources change).
cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build native/build --target fabric_pair_test >/dev/null \
  || { echo "rdma.sh: native/ did not build (apt-get install cmake libfabric-dev)" >&2; exit 1; }
PAIR="$root/native/build/fabric_pair_test"

echo "rdma.sh: $RUNS passes, providers $PROVIDERS; logs in $out" >&2
for pass in $(seq 1 "$RUNS"); do
  for provider in ${PROVIDERS//,/ }; do
    domain=(); [[ $provider == tcp ]] && domain=(--domain lo)
    echo "rdma.sh: pass $pass: $provider raw" >&2
    "$PAIR" --provider "$provider" "${domain[@]}" --bench --sizes 1048576:67108864 > "$out/$pass-$provider-raw.txt" 2>&1 || echo "rdma.sh: raw $provider exited $?" >&2
    echo "rdma.sh: pass $pass: $provider all-reduce" >&2
    COLLECTIVES_RDMA_PROVIDER=$provider "$C" perf allreduce --transport rdma -b 1M -e 64M -f 4 -n 200 -w 10 -B 512M --json \
      > "$out/$pass-$provider-perf.txt" 2>&1 || echo "rdma.sh: perf $provider exited $?" >&2
  done
done

PYTHONPATH="$root/bench" python3 - "$out" "$RUNS" "$PROVIDERS" <<'PY'
import statistics, sys, os
from perf_results import results
out, runs, providers = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
def raw(path):
    rows = {}
    for line in open(path):
        f = line.split()
        if len(f) == 8 and f[0].isdigit():
            rows[int(f[0])] = (float(f[2]), float(f[4]), float(f[5]), float(f[6]), float(f[7]))
    return rows
def perf(path):
    return {r["size"]: r["out_of_place"]["busbw"] for r in results(path)}
print("# all-reduce float32 sum, 2 ranks, --transport rdma; raw = the shim's RMA write, 16 in flight (GB/s)")
print("# frames = the link's frame protocol in C (payload write + header message, one frame in flight each way)")
print("# C all-reduce = the same ring all-reduce in C over the shim: the ceiling of this algorithm on this provider and host;")
print("# C placed = the same with the all-gather written straight into the peer's output (no copy-out)")
print("# figures: medians of %d passes; ratios: medians of each pass's ratio (a pass runs its raw probe and all-reduce back to back," % runs)
print("# so a ratio compares figures taken within the same minute on a machine whose speed drifts)")
print("# best both ways = the larger of raw both ways and frames both ways per pass, copying alone (no reduction): over shm,")
print("# with 16 writes in flight each end copies the queued ones holding the lock on its queues, which the other end's posts")
print("# then wait for, so one frame in flight each way can move more")
print("| provider | size | raw one way | raw both ways | frames both ways | C all-reduce | all-reduce busbw | busbw / one way | busbw / both ways | busbw / best both ways | busbw / frames | busbw / C all-reduce | C all-reduce / both ways | C placed | C placed / both ways |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for provider in providers:
    passes = []
    for p in range(1, runs + 1):
        try:
            passes.append((raw(os.path.join(out, f"{p}-{provider}-raw.txt")), perf(os.path.join(out, f"{p}-{provider}-perf.txt"))))
        except Exception as e:
            print(f"# pass {p} {provider}: no result ({e})")
    if not passes:
        continue
    for size in sorted(passes[0][1]):
        both_sides = [(r[size], b[size]) for r, b in passes if size in r and size in b]
        if not both_sides:
            continue
        figure = lambda pick: statistics.median(pick(r, b) for r, b in both_sides)
        one, both, frames, in_c, placed = (figure(lambda r, b, i=i: r[i]) for i in range(5))
        bus = figure(lambda r, b: b)
        print(f"| {provider} | {size} | {one:.2f} | {both:.2f} | {frames:.2f} | {in_c:.2f} | {bus:.2f} | "
              f"{figure(lambda r, b: b / r[0]):.2f} | {figure(lambda r, b: b / r[1]):.2f} | {figure(lambda r, b: b / max(r[1], r[2])):.2f} | {figure(lambda r, b: b / r[2]):.2f} | "
              f"{figure(lambda r, b: b / r[3]):.2f} | {figure(lambda r, b: r[3] / r[1]):.2f} | {placed:.2f} | {figure(lambda r, b: r[4] / r[1]):.2f} |")
PY
