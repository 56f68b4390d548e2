#!/usr/bin/env bash
# Our balancer next to HAProxy and nginx, in front of the same three AspireKv backends, and requests sent
# straight to one backend, all in one run: wrk GETs at 8 and 64 connections (2 threads, 2 s warm-up, 10 s),
# then for each proxy the errors clients see while one backend is killed with SIGKILL halfway through a run.
# Binds 127.0.0.1 only, stops everything it starts by PID. Takes about four minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_start

start_aspirekv --appendonly no
start_haproxy
start_nginx
dotnet "bench/AspireKv.Bench/bin/${configuration}/net10.0/AspireKv.Bench.dll" populate "http://127.0.0.1:${backend_port[1]}" 10000

declare -A target=(
  [direct]="http://127.0.0.1:${backend_port[1]}"
  [aspirekv]="http://127.0.0.1:$lb_port"
  [haproxy]="http://127.0.0.1:$haproxy_port"
  [nginx]="http://127.0.0.1:$nginx_port"
)
before=$(steal)
printf "%-10s %5s %10s %9s %9s %7s\n" target conns "req/s" "p50 ms" "p99 ms" errors
for name in direct aspirekv haproxy nginx; do
  for conns in 8 64; do
    run_wrk "${target[$name]}" "$conns" 2s bench/kv.lua get >/dev/null
    printf "%-10s %5s %s\n" "$name" "$conns" "$(run_wrk "${target[$name]}" "$conns" 10s bench/kv.lua get | field)"
  done
done
echo "CPU steal during the throughput runs: $(steal_between "$before" "$(steal)")"

echo
echo "Errors seen by clients (wrk, 64 connections, 10 s) while backend-2 is killed with SIGKILL at 5 s:"
for name in aspirekv haproxy nginx; do
  run_wrk "${target[$name]}" 64 10s bench/kv.lua get >"$work/kill-$name.txt" &
  wrk_pid=$!
  sleep 5
  kill -9 "${pid[backend-2]}"
  wait "$wrk_pid"
  printf "%-10s %s\n" "$name" "$(field <"$work/kill-$name.txt")"
  start_backend 2
  wait_http "http://127.0.0.1:${backend_port[2]}/health"
  sleep 4 # let every proxy's health checks see backend-2 again before the next run
done
