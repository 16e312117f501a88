"""Summarise bench/compare.sh: median over passes of time and busbw per size, ours beside the peers."""
import json, os, statistics, sys

out = sys.argv[1]
passes = sorted(d for d in os.listdir(out) if d.isdigit())
SIZES = [8, 65536, 1 << 20, 16 << 20, 256 << 20]


def peer(path):
    """size -> (time_us, busbw) from an nccl-tests-style table (mpi_allreduce, gloo_allreduce.py)."""
    rows = {}
    try:
        for line in open(path):
            f = line.split()
            if len(f) >= 5 and f[0].isdigit():
                rows[int(f[0])] = (float(f[2]), float(f[4]))
    except FileNotFoundError:
        pass
    return rows


def ours(path):
    """size -> (time_us, busbw), the better of out-of-place and in-place is not taken: out-of-place, like the peers."""
    rows = {}
    try:
        text = open(path).read()
        doc = json.loads(text[text.index("{"):])
        for r in doc["results"]:
            rows[int(r["size"])] = (float(r["out_of_place"]["time_us"]), float(r["out_of_place"]["busbw"]))
    except (FileNotFoundError, ValueError, KeyError):
        pass
    return rows


def median_table(loader, names):
    per_size = {}
    for p in passes:
        merged = {}
        for n in names:
            merged.update(loader(os.path.join(out, p, n + ".txt")))
        for size, v in merged.items():
            per_size.setdefault(size, []).append(v)
    return {s: (statistics.median(t for t, _ in v), statistics.median(b for _, b in v), len(v)) for s, v in per_size.items()}


series = {
    "ours shm allreduce": median_table(ours, ["coll-shm-allreduce"]),
    "MPI shm allreduce": median_table(peer, ["mpi-shm-allreduce"]),
    "ours tcp allreduce": median_table(ours, ["coll-tcp-allreduce"]),
    "MPI tcp allreduce": median_table(peer, ["mpi-tcp-allreduce"]),
    "ours rdma(tcp) allreduce": median_table(ours, ["coll-rdma-allreduce"]),
    "gloo allreduce": median_table(peer, ["gloo-allreduce"]),
    "ours shm allgather": median_table(ours, ["coll-shm-allgather"]),
    "MPI shm allgather": median_table(peer, ["mpi-shm-allgather"]),
    "ours shm reducescatter": median_table(ours, ["coll-shm-reducescatter"]),
    "MPI shm reducescatter": median_table(peer, ["mpi-shm-reducescatter"]),
}

print(f"\nMedians over {len(passes)} pass(es); time in µs, busbw in GB/s (GB = 1e9 B); out-of-place.")
header = "| series | " + " | ".join(f"{s:,} B" for s in SIZES) + " |"
print(header)
print("|---|" + "---:|" * len(SIZES))
for name, table in series.items():
    cells = []
    for s in SIZES:
        if s in table:
            t, b, n = table[s]
            cells.append(f"{t:.2f} µs" if s == 8 else f"{b:.2f}")
        else:
            cells.append("-")
    print(f"| {name} | " + " | ".join(cells) + " |")


def ratio(a, b, s, use_time=False):
    if s not in series[a] or s not in series[b]:
        return "-"
    x, y = series[a][s], series[b][s]
    return f"{(y[0] / x[0]) if use_time else (x[1] / y[1] if y[1] else float('inf')):.2f}"


print("\nRatios (ours / peer busbw; for 8 B, peer time / our time: >1 means we are faster)")
for ours_name, peer_name in [("ours shm allreduce", "MPI shm allreduce"), ("ours tcp allreduce", "MPI tcp allreduce"),
                             ("ours rdma(tcp) allreduce", "MPI tcp allreduce"),
                             ("ours tcp allreduce", "gloo allreduce"), ("ours shm allgather", "MPI shm allgather"),
                             ("ours shm reducescatter", "MPI shm reducescatter")]:
    cells = [ratio(ours_name, peer_name, s, use_time=(s == 8)) for s in SIZES]
    print(f"| {ours_name} vs {peer_name} | " + " | ".join(cells) + " |")
