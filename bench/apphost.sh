#!/usr/bin/env bash
# AspireKv the way its users run it: `dotnet run -c Release --project AspireKv.AppHost` (the orchestrator starts every
# service, all in one Linux session; the AppHost itself in a session of its own, like a terminal), measured through
# its fixed ports once the balancer routes to all three backends. Redis is what the AppHost chooses on this machine
# (Redis:Mode and Redis:Topology auto: redis-server, replicated, when redis-server and redis-sentinel are installed).
# The balancer keeps its defaults, its per-client rate limit (Balancer:RateLimitPerClient) included: a 429 counts
# as an error. wrk (its own session): 8 s warm-up of each path, then GET through the balancer (:4000) and straight
# to backend-1 (:5001), and PUT through the balancer, at 8 and 64 connections, 10 s each, 10,000 keys, 100-byte
# values; the CPU time per request of the balancer and of the three backends together, from /proc. Needs ports
# 4000, 5001-5003 and 6380-6382, 26380-26382 free. Stops what it starts, by PID. About four minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bash bench/install-tools.sh
bash scripts/install-prerequisites.sh >/dev/null
work=$(mktemp -d)

listener() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
setsid dotnet run -c Release --project AspireKv.AppHost >"$work/apphost.log" 2>&1 &
apphost=$!
stop_apphost() {
  # The AppHost stops its services on SIGTERM, but its orchestrator (DCP), the dashboard and the Redis servers can
  # outlive it, in sessions of their own: those are stopped by what they listen on and by name (so no other Aspire
  # app may run meanwhile).
  local leftovers
  kill -TERM "$apphost" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$apphost" 2>/dev/null || break; sleep 0.1; done
  leftovers="$(for port in 4000 5001 5002 5003 6380 6381 6382 26380 26381 26382; do listener "$port"; done)
$(pgrep -f 'aspire.hosting.orchestration.*/dcp|Aspire.Dashboard' || true)"
  # shellcheck disable=SC2086 # a list of PIDs
  kill -KILL $leftovers 2>/dev/null || true
  rm -rf "$work"
}
trap stop_apphost EXIT

for _ in $(seq 1 900); do
  routes_to_all http://127.0.0.1:4000 && break
  kill -0 "$apphost" 2>/dev/null || { echo "the AppHost exited:"; tail -20 "$work/apphost.log"; exit 1; }
  sleep 0.2
done
routes_to_all http://127.0.0.1:4000 || { echo "the balancer did not route to all three backends within 180 s"; exit 1; }

# The services' PIDs, by the ports they listen on (listener, above).
pid[balancer]=$(listener 4000)
for b in 1 2 3; do pid[backend-$b]=$(listener $((5000 + b))); done

dotnet "bench/AspireKv.Bench/bin/Release/net10.0/AspireKv.Bench.dll" populate http://127.0.0.1:5001 10000 >/dev/null
for url in http://127.0.0.1:4000 http://127.0.0.1:5001; do
  for workload in get put; do run_wrk "$url" 64 8s bench/kv.lua "$workload" >/dev/null; done
done

echo "Layout: the AppHost's (every service in the orchestrator's session). $(grep -m1 '^Redis: ' "$work/apphost.log" || true)"
printf "%-24s %5s %10s %9s %9s %7s %12s %12s\n" row conns "req/s" "p50 ms" "p99 ms" errors "balancer us" "backends us"
for conns in 8 64; do
  for row in "get-balancer http://127.0.0.1:4000 get" "get-direct http://127.0.0.1:5001 get" "put-balancer http://127.0.0.1:4000 put"; do
    read -r name url workload <<<"$row"
    run_wrk "$url" "$conns" 2s bench/kv.lua "$workload" >/dev/null
    balancer_before=$(cpu_ticks balancer); backends_before=$(cpu_ticks backend-1 backend-2 backend-3)
    output=$(run_wrk "$url" "$conns" 10s bench/kv.lua "$workload")
    requests=$(requests_done <<<"$output")
    printf "%-24s %5s %s %12s %12s\n" "$name" "$conns" "$(field <<<"$output")" \
      "$(cpu_per_request "$balancer_before" "$(cpu_ticks balancer)" "$requests")" \
      "$(cpu_per_request "$backends_before" "$(cpu_ticks backend-1 backend-2 backend-3)" "$requests")"
  done
done
