#!/usr/bin/env bash
# How long a failover keeps writes from being acknowledged, on the replicated topology (docs/performance.md):
# runs the failover tests RUNS times (default 10), each on a fresh cluster the test host starts through the AppHost
# (three redis-server, three redis-sentinel, three backends and the balancer, all in the test host's session; four
# clients writing through the balancer), and prints, per fault, the median and the maximum time from the fault to the
# first write acknowledged after it:
#   primary-killed   kill -9 of the primary;
#   primary-hung     SIGSTOP of the primary (it stays stopped until writes are acknowledged on the promoted replica).
# Also prints how many runs passed; the output of each run, and every resource's logs, stay in LOGS (default: a new
# folder under /tmp, printed at the end). About three minutes a run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10}
logs=${LOGS:-$(mktemp -d /tmp/aspirekv-failover-XXXXXX)}
mkdir -p "$logs"
times="$logs/times"
: >"$times"
dotnet build tests/AspireKv.FailoverTests -nologo -v q
passed=0
for run in $(seq "$runs"); do
  if ASPIREKV_FAILOVER_TIMES="$times" ASPIREKV_TEST_LOGS="$logs/run-$run" \
    dotnet tests/AspireKv.FailoverTests/bin/Debug/net10.0/AspireKv.FailoverTests.dll > "$logs/run-$run.out" 2>&1; then
    passed=$((passed + 1))
  fi
  echo "run $run of $runs done ($passed passed)"
done
echo
echo "| fault | runs | median | maximum |"
echo "| --- | ---: | ---: | ---: |"
for fault in primary-killed primary-hung; do
  grep "^$fault " "$times" | awk '{print $2}' | sort -n | awk -v fault="$fault" '
    { v[NR] = $1 }
    END {
      if (NR == 0) { printf "| %s | 0 | - | - |\n", fault; exit }
      median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "| %s | %d | %.1f s | %.1f s |\n", fault, NR, median / 1000, v[NR] / 1000
    }'
done
echo
echo "tests passed in $passed of $runs runs; $(git rev-parse --short HEAD), $(date -u +%F); logs in $logs"
