#!/usr/bin/env bash
# Times `dotnet run --project AspireKv.AppHost` until the balancer routes to all three backends, then
# SIGTERM until every process the AppHost started has exited. Uses the fixed ports (4000, 5001-5003), so
# nothing else may be running on them. Stops what it starts, by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

log=$(mktemp)
started=$(date +%s.%N)
dotnet run --project AspireKv.AppHost >"$log" 2>&1 &
apphost=$!
trap 'kill -TERM "$apphost" 2>/dev/null || true' EXIT

for _ in $(seq 1 600); do
  routes_to_all http://localhost:4000 && break
  kill -0 "$apphost" 2>/dev/null || { echo "the AppHost exited; its output is in $log"; exit 1; }
  sleep 0.2
done
routes_to_all http://localhost:4000 || { echo "not ready after 120 s; the AppHost's output is in $log"; exit 1; }
echo "start: $(echo "$(date +%s.%N) - $started" | bc) s until the balancer routes to all three backends"

stopping=$(date +%s.%N)
kill -TERM "$apphost"
for _ in $(seq 1 300); do
  pgrep -f "aspire.hosting.orchestration.*dcp|AspireKv\.(Backend|Balancer|Client|GarnetHost)" >/dev/null || break
  sleep 0.2
done
echo "stop: $(echo "$(date +%s.%N) - $stopping" | bc) s until every process it started had exited"
trap - EXIT
rm -f "$log"
