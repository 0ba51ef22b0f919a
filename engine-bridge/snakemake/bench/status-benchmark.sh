#!/usr/bin/env bash
# Benchmark: Snakemake-style status polling of many concurrent jobs, crflow's shared squeue snapshot
# against the naive status command (one squeue per call). Real Slurm, real processes, one go.
#
#   engine-bridge/snakemake/bench/status-benchmark.sh [JOBS=500] [PARALLEL=8]
#
# It submits JOBS held jobs (sbatch --hold: they sit in the queue without taking nodes from anyone),
# polls each once with `crflow snakemake status ID` from PARALLEL concurrent callers (Snakemake runs one
# status command per job; several workflows or a high --max-status-checks-per-second overlap them),
# then does the same with the naive command, and counts every squeue through a wrapper on PATH.
# Its own jobs are cancelled at the end.
set -euo pipefail
JOBS=${1:-500}
PARALLEL=${2:-8}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CRFLOW="$(cd "$HERE/../../.." && pwd)/crflow"
WORK="$(mktemp -d /tmp/crflow-status-bench.XXXXXX)"
REAL_SQUEUE="$(command -v squeue)"
mkdir -p "$WORK/bin" "$WORK/cache"
ids=()
cleanup() {
  if ((${#ids[@]})); then printf '%s\n' "${ids[@]}" | xargs -r -n 200 scancel 2>/dev/null || true; fi
}
trap cleanup EXIT

# Every squeue any status call runs is logged with its start time.
cat >"$WORK/bin/squeue" <<WRAP
#!/bin/sh
date +%s.%N >>"\$SQUEUE_LOG"
exec "$REAL_SQUEUE" "\$@"
WRAP
chmod +x "$WORK/bin/squeue"

# The naive status command: what a per-job --cluster-status script does.
cat >"$WORK/bin/naive-status" <<'NAIVE'
#!/bin/sh
state=$(squeue -h -j "$1" -o %T 2>/dev/null || echo UNKNOWN)
case "$state" in
  ""|COMPLETED) echo success ;;
  FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) echo failed ;;
  *) echo running ;;
esac
NAIVE
chmod +x "$WORK/bin/naive-status"

"$CRFLOW" --version >/dev/null   # builds the CLI once if needed, outside the measurement

echo "submitting $JOBS held jobs..." >&2
for ((i = 0; i < JOBS; i++)); do
  ids+=("$(sbatch --parsable --hold --job-name=crflow-status-bench --time=1 -o /dev/null --wrap true)")
done

# run LABEL COMMAND...: one status call per job, PARALLEL at a time; prints a result line.
run() {
  local label=$1; shift
  local log="$WORK/squeue-$label.log"; : >"$log"
  local start end
  start=$(date +%s.%N)
  printf '%s\n' "${ids[@]}" | SQUEUE_LOG="$log" PATH="$WORK/bin:$PATH" CRFLOW_CACHE_DIR="$WORK/cache" \
    xargs -P "$PARALLEL" -n 1 "$@" >"$WORK/out-$label.txt" 2>"$WORK/err-$label.txt"
  end=$(date +%s.%N)
  local calls words squeues
  calls=$(wc -l <"$WORK/out-$label.txt")
  words=$(sort "$WORK/out-$label.txt" | uniq -c | tr -s ' ' | tr '\n' ' ')
  squeues=$(wc -l <"$log")
  # the busiest one-second window of squeue starts
  local peak
  peak=$(sort -n "$log" | awk '{t[NR]=$1} END {m=0; j=1; for (i=1;i<=NR;i++) {while (t[i]-t[j] >= 1.0) j++; if (i-j+1>m) m=i-j+1} print m}')
  awk -v l="$label" -v c="$calls" -v s="$squeues" -v a="$start" -v b="$end" -v p="$peak" -v w="$words" \
    'BEGIN { d=b-a; printf "%-8s status calls %5d in %6.1f s (%5.1f/s)   squeue runs %5d   squeue/s avg %5.2f   peak in any 1 s %3d   answers: %s\n", l, c, d, c/d, s, s/d, p, w }'
}

echo "polling $JOBS jobs, $PARALLEL callers at a time..." >&2
CRFLOW_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto" run crflow "$CRFLOW" snakemake status
run naive "$WORK/bin/naive-status"
rm -rf "$WORK"
