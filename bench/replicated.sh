#!/usr/bin/env bash
# The cost of waiting for a replica: PUT through the balancer on the single topology (one redis-server) against the
# replicated one (a primary, two replicas and three Sentinels; every write waits for one replica), side by side in
# one run (docs/performance.md). Both with the append-only file synced every second. ROUNDS (3) interleaved rounds,
# the order swapped every round; each round starts the topology afresh, warms up 2 s (plus 8 s on the first round),
# then runs wrk for 10 s at 64 connections over 10,000 keys with 100-byte values (closed loop: the maximum), then
# PUTs at a fixed offered rate, PACED_RATE per second (1000, below both maxima on two cores) for 10 s, open loop with
# latency counted from when each write was due (AspireKv.Bench paced), so the tails compare at the same load. Every
# service in this script's session, wrk in one of its own (LAYOUT=per-service: each service in its own too). Prints both per run, then the median ratios replicated/single: throughput,
# and p99 at the fixed rate.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_start
rounds=${ROUNDS:-3}
paced_rate=${PACED_RATE:-1000}
results="$work/results"
paced="$work/paced"
bench_dll="bench/AspireKv.Bench/bin/$configuration/net10.0/AspireKv.Bench.dll"
: >"$results"

measure() {
  local topology=$1 round=$2
  if [ "$topology" = single ]; then
    start_aspirekv --appendonly yes --appendfsync everysec
  else
    start_aspirekv_replicated --appendonly yes --appendfsync everysec
  fi
  local url="http://127.0.0.1:$lb_port"
  run_wrk "$url" 64 "$([ "$round" = 1 ] && echo 10s || echo 2s)" bench/kv.lua put >/dev/null
  local line
  line=$(run_wrk "$url" 64 10s bench/kv.lua put | field)
  printf '%-10s %s\n' "$topology" "$line" | tee -a "$results"
  line=$(dotnet "$bench_dll" paced "$url" "$paced_rate" 10 10000)
  printf '%-10s %s\n' "$topology" "$line" | tee -a "$paced"
  stop_aspirekv
}

echo "closed loop: topology   requests/s   p50 ms    p99 ms  errors; then the fixed rate"
for round in $(seq "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="single replicated"; else order="replicated single"; fi
  for topology in $order; do measure "$topology" "$round"; done
done

awk '
  $1 == "single" { s[++ns] = $2 } $1 == "replicated" { r[++nr] = $2 }
  END {
    n = (ns < nr) ? ns : nr
    for (i = 1; i <= n; i++) ratio[i] = r[i] / s[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (ratio[j] < ratio[i]) { t = ratio[i]; ratio[i] = ratio[j]; ratio[j] = t }
    median = (n % 2) ? ratio[(n + 1) / 2] : (ratio[n / 2] + ratio[n / 2 + 1]) / 2
    printf "\nreplicated/single PUT, per round: median %.2fx (min %.2fx, max %.2fx) over %d rounds\n", median, ratio[1], ratio[n], n
  }' "$results"
awk '
  { for (f = 2; f <= NF; f++) if ($f ~ /^p99=/) { v = substr($f, 5) } }
  $1 == "single" { s[++ns] = v } $1 == "replicated" { r[++nr] = v }
  END {
    n = (ns < nr) ? ns : nr
    for (i = 1; i <= n; i++) ratio[i] = r[i] / s[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (ratio[j] < ratio[i]) { t = ratio[i]; ratio[i] = ratio[j]; ratio[j] = t }
    median = (n % 2) ? ratio[(n + 1) / 2] : (ratio[n / 2] + ratio[n / 2 + 1]) / 2
    printf "replicated/single p99 at '"$paced_rate"'/s, per round: median %.2fx (min %.2fx, max %.2fx) over %d rounds\n", median, ratio[1], ratio[n], n
  }' "$paced"
echo "$(git rev-parse --short HEAD), $(date -u +%F)"
