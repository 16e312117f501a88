#!/usr/bin/env bash
# Collectives against Open MPI and Gloo on this machine, measured in the same run (issue 3's
# comparison): 2 ranks, all-reduce / all-gather / reduce-scatter float32 sum, shared memory and
# TCP loopback, RUNS passes (median reported). Needs the peers built: bash ../shared/peers/setup.sh
#   bash bench/compare.sh                 # RUNS=3, sizes 8 B..256 MiB
#   RUNS=1 MAXB=16M SKIP_GLOO=1 bash bench/compare.sh   (SKIP_RDMA=1 leaves out the rdma transport over tcp;ofi_rxm)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
peers="${PEERS_WORK:-/tmp/collectives-peers}/bin"
RUNS=${RUNS:-3}
MAXB=${MAXB:-256M}
RANKS=${RANKS:-2}
T=${T:-400}
out="$(mktemp -d /tmp/collectives-compare.XXXXXX)"
cd "$root"
dotnet build -c Release --nologo -v q src/Collectives.Cli/Collectives.Cli.csproj >/dev/null || exit 1
C="$root/src/Collectives.Cli/bin/Release/net10.0/collectives"

MPIRUN="mpirun --allow-run-as-root --oversubscribe"
SHM="--mca pml ob1 --mca btl self,vader"
TCP="--mca pml ob1 --mca btl self,tcp --mca btl_tcp_if_include lo"
BW="-b 8 -e $MAXB -f 2 -B 512M"

run() {  # run NAME CMD... : one measurement into $out/<pass>/<NAME>.txt
  local name=$1; shift
  echo "compare.sh: pass $pass: $name" >&2
  timeout --kill-after=10 "$T" "$@" > "$out/$pass/$name.txt" 2>&1 || echo "compare.sh: $name exited $?" >&2
}

ours() {  # ours NAME COLLECTIVE TRANSPORT : the peers' iteration rule (-B budget, at most 1000 timed and 100 warm-up)
  local name=$1 collective=$2 transport=$3
  run "$name" "$C" perf "$collective" --ranks "$RANKS" --transport "$transport" $BW -n 1000 -w 100 --json
}

for pass in $(seq 1 "$RUNS"); do
  mkdir -p "$out/$pass"
  run membw-probes "$peers/membw" -p
  ours coll-shm-allreduce allreduce shm
  run mpi-shm-allreduce $MPIRUN -np "$RANKS" $SHM "$peers/mpi_allreduce" -o allreduce $BW
  ours coll-tcp-allreduce allreduce tcp
  run mpi-tcp-allreduce $MPIRUN -np "$RANKS" $TCP "$peers/mpi_allreduce" -o allreduce $BW
  if [[ ${SKIP_RDMA:-0} != 1 ]]; then
    # The rdma transport over libfabric's tcp provider on loopback: the same wire as MPI's tcp btl.
    COLLECTIVES_RDMA_PROVIDER=tcp ours coll-rdma-allreduce allreduce rdma
  fi
  ours coll-shm-allgather allgather shm
  run mpi-shm-allgather $MPIRUN -np "$RANKS" $SHM "$peers/mpi_allreduce" -o allgather $BW
  ours coll-shm-reducescatter reducescatter shm
  run mpi-shm-reducescatter $MPIRUN -np "$RANKS" $SHM "$peers/mpi_allreduce" -o reducescatter $BW
  if [[ ${SKIP_GLOO:-0} != 1 ]]; then
    run gloo-allreduce /usr/bin/python3 /work/shared/peers/gloo_allreduce.py "$RANKS" -o allreduce -b 8 -e "$MAXB" -f 2 -B 512M
  fi
done
python3 "$root/bench/compare.py" "$out"
echo "raw output: $out"
