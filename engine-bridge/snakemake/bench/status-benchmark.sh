#!/usr/bin/env bash
# Benchmark: Snakemake-style status polling of many concurrent jobs, crflow's shared squeue snapshot
# against the naive status command (one squeue per call). Real Slurm, real processes, one go.
#
#   engine-bridge/snakemake/bench/status-benchmark.sh [JOBS=500] [PARALLEL=8] [all|processes|inproc|sidecar]
#
# sidecar: the Snakemake 7 profile's fast path: one `crflow snakemake sidecar` (as --cluster-sidecar starts it)
# keeps the jobs' answers; the profile's status client (crflow-status, POSIX sh) is called once per job, one at
# a time (as Snakemake 7 does) and PARALLEL at a time. The jobs are indexed in a bridge root as `submit` does.
#
# It submits JOBS held jobs (sbatch --hold: they sit in the queue without taking nodes from anyone),
# polls each once with `crflow snakemake status ID` from PARALLEL concurrent callers (Snakemake runs one
# status command per job; several workflows or a high --max-status-checks-per-second overlap them),
# then does the same with the naive command, and counts every squeue through a wrapper on PATH.
# Its own jobs are cancelled at the end.
set -euo pipefail
JOBS=${1:-500}
PARALLEL=${2:-8}
MODE=${3:-all}
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
  local parallel=${RUN_PARALLEL:-$PARALLEL}
  local log=${RUN_SQUEUE_LOG:-$WORK/squeue-$label.log}; : >"$log"
  local start end
  start=$(date +%s.%N)
  printf '%s\n' "${ids[@]}" | SQUEUE_LOG="$log" PATH="$WORK/bin:$PATH" CRFLOW_CACHE_DIR="$WORK/cache" \
    xargs -P "$parallel" -n 1 "$@" >"$WORK/out-$label.txt" 2>"$WORK/err-$label.txt"
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

if [[ $MODE == sidecar ]]; then
  # The jobs as `crflow snakemake submit` indexes them (jobs/<id>.json under the bridge root).
  root="$WORK/root"; mkdir -p "$root/jobs"; chmod 700 "$root" "$root/jobs"
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  for id in "${ids[@]}"; do
    printf '{"jobId":"%s","key":"bench-%s","submitted":"%s"}' "$id" "$id" "$now" >"$root/jobs/$id.json"
  done
  "$CRFLOW" snakemake profile "$WORK/profile" >/dev/null
  : >"$WORK/squeue-sidecar.log"
  mkfifo "$WORK/sidecar.fifo"
  SQUEUE_LOG="$WORK/squeue-sidecar.log" PATH="$WORK/bin:$PATH" CRFLOW_CACHE_DIR="$WORK/cache-sidecar" \
    CRFLOW_SNAKEMAKE_ROOT="$root" "$CRFLOW" snakemake sidecar >"$WORK/sidecar.fifo" &
  sidecar_pid=$!
  exec 7<"$WORK/sidecar.fifo"
  IFS= read -r vars <&7
  export SNAKEMAKE_CLUSTER_SIDECAR_VARS="$vars"
  dir=${vars##*:}
  echo "sidecar: $vars; waiting for its first round..." >&2
  for ((t = 0; t < 600; t++)); do
    n=$(find "$dir/answers" -type f 2>/dev/null | wc -l)
    ((n >= JOBS)) && break
    sleep 0.1
  done
  echo "sidecar: answers for $n jobs" >&2
  # the squeue runs counted are the sidecar's own, during each measurement
  RUN_SQUEUE_LOG="$WORK/squeue-sidecar.log" RUN_PARALLEL=1 run sidecar-1 "$WORK/profile/crflow-status"
  RUN_SQUEUE_LOG="$WORK/squeue-sidecar.log" run "sidecar-$PARALLEL" "$WORK/profile/crflow-status"
  # Sustained, as Snakemake 7 polls: round after round of one call per job, one at a time, for 30 s; every squeue
  # the sidecar runs meanwhile is counted (it refreshes its snapshot every 2 s whatever the call rate).
  : >"$WORK/squeue-sidecar.log"
  s0=$(date +%s.%N); n=0; stop=$(($(date +%s) + 30))
  while (($(date +%s) < stop)); do
    printf '%s\n' "${ids[@]}" | xargs -n 1 "$WORK/profile/crflow-status" >"$WORK/out-sustained.txt"
    n=$((n + $(grep -c '^running$' "$WORK/out-sustained.txt")))
  done
  s1=$(date +%s.%N)
  sq=$(wc -l <"$WORK/squeue-sidecar.log")
  peak=$(sort -n "$WORK/squeue-sidecar.log" | awk '{t[NR]=$1} END {m=0; j=1; for (i=1;i<=NR;i++) {while (t[i]-t[j] >= 1.0) j++; if (i-j+1>m) m=i-j+1} print m}')
  awk -v c="$n" -v s="$sq" -v a="$s0" -v b="$s1" -v p="$peak" -v j="$JOBS" \
    'BEGIN { d=b-a; printf "sustained: %d running answers (%d jobs, one call at a time) in %.1f s (%.1f/s)   squeue runs %d   squeue/s avg %.2f   peak in any 1 s %d\n", c, j, d, c/d, s, s/d, p }'
  run naive "$WORK/bin/naive-status"     # the same moment's baseline
  kill "$sidecar_pid"; wait "$sidecar_pid" || true
  exec 7<&-
  rm -rf "$WORK"
  exit 0
fi

if [[ $MODE != inproc ]]; then
  echo "polling $JOBS jobs, $PARALLEL callers at a time..." >&2
  CRFLOW_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto" run crflow "$CRFLOW" snakemake status
  run naive "$WORK/bin/naive-status"
fi
[[ $MODE == processes ]] && exit 0

# The cache alone, at call rates no process-per-call setup reaches: 16 threads for 20 s in one JVM
# (needs `mvn -pl engine-bridge/snakemake -am test-compile` for the benchmark class).
TEST_CLASSES="$(cd "$HERE/.." && pwd)/target/test-classes"
if [[ -f "$TEST_CLASSES/dev/crflow/snakemake/StatusBenchmark.class" ]]; then
  log="$WORK/squeue-inproc.log"; : >"$log"
  printf '%s\n' "${ids[@]}" | SQUEUE_LOG="$log" PATH="$WORK/bin:$PATH" CRFLOW_CACHE_DIR="$WORK/cache-inproc" \
    java -cp "$(dirname "$CRFLOW")/engine-bridge/cli/target/crflow.jar:$TEST_CLASSES" dev.crflow.snakemake.StatusBenchmark 20 16
  peak=$(sort -n "$log" | awk '{t[NR]=$1} END {m=0; j=1; for (i=1;i<=NR;i++) {while (t[i]-t[j] >= 1.0) j++; if (i-j+1>m) m=i-j+1} print m}')
  echo "in-process: squeue runs $(wc -l <"$log") in 20 s, peak in any 1 s $peak (naive: one per decision)"
fi
rm -rf "$WORK"
