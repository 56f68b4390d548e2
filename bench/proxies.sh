#!/usr/bin/env bash
# Our balancer next to HAProxy and nginx, in front of the same three AspireKv backends, with requests sent
# straight to one backend and through YARP with nothing but round robin (bench/AspireKv.YarpBaseline: the floor
# that our pipeline adds to), all in one run, in each layout of LAYOUTS ("one-session per-service"; bench/lib.sh
# says why that matters), started afresh for each: every target warmed up for 8 s, then ROUNDS (default 2) rounds of
# wrk GETs at 8 and 64 connections (2 threads, 10 s each) that interleave the targets, with the means and each
# proxy's CPU time per request (from /proc); then for each proxy the errors clients see while one backend is killed
# with SIGKILL halfway through a run. Binds 127.0.0.1 only, stops everything it starts by PID. About six minutes a layout.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_start
rounds=${ROUNDS:-2}

# measure_layout: starts everything in the current layout, measures, prints, and stops it all.
measure_layout() {
  start_aspirekv --appendonly no
  start_haproxy
  start_nginx
  start_yarp_baseline
  dotnet "bench/AspireKv.Bench/bin/${configuration}/net10.0/AspireKv.Bench.dll" populate "http://127.0.0.1:${backend_port[1]}" 10000

  declare -A target=(
    [direct]="http://127.0.0.1:${backend_port[1]}"
    [aspirekv]="http://127.0.0.1:$lb_port"
    [haproxy]="http://127.0.0.1:$haproxy_port"
    [nginx]="http://127.0.0.1:$nginx_port"
    [yarp]="http://127.0.0.1:$yarp_port"
  )
  declare -A proxy=([direct]=- [aspirekv]=balancer [haproxy]=haproxy [nginx]=nginx [yarp]=yarp-baseline)
  # Warm every target before anything is measured: our services JIT-compile their hot paths during the first
  # seconds of load (a third of the CPU, perf), which HAProxy and nginx never do.
  for name in direct aspirekv yarp haproxy nginx; do
    run_wrk "${target[$name]}" 64 8s bench/kv.lua get >/dev/null
  done

  # Rounds interleave the targets, so that the machine's drift over the run reaches all of them alike.
  before=$(steal)
  echo "Layout: $layout"
  printf "%-10s %5s %10s %9s %9s %7s %10s\n" target conns "req/s" "p50 ms" "p99 ms" errors "proxy us"
  for round in $(seq 1 "$rounds"); do
    for conns in 8 64; do
      for name in direct aspirekv yarp haproxy nginx; do
        ticks=$(cpu_ticks "${proxy[$name]}")
        output=$(run_wrk "${target[$name]}" "$conns" 10s bench/kv.lua get)
        us=-
        [ "${proxy[$name]}" = "-" ] || us=$(cpu_per_request "$ticks" "$(cpu_ticks "${proxy[$name]}")" "$(requests_done <<<"$output")")
        printf "%-10s %5s %s %10s\n" "$name" "$conns" "$(field <<<"$output")" "$us"
      done
    done
  done | tee "$work/rows-$layout.txt"
  echo
  echo "Means over $rounds rounds in layout $layout, and our balancer against HAProxy:"
  awk '{ k=$1" "$2; rps[k]+=$3; p50[k]+=$4; p99[k]+=$5; err[k]+=$6; cpu[k]+=$7; n[k]++ }
    END {
      for (c = 8; c <= 64; c += 56) {
        split("direct aspirekv yarp haproxy nginx", names, " ")
        for (i = 1; i <= 5; i++) { k=names[i]" "c; printf "%-10s %5d %10.0f %9.2f %9.2f %7d %10s\n", names[i], c, rps[k]/n[k], p50[k]/n[k], p99[k]/n[k], err[k], (names[i] == "direct" ? "-" : sprintf("%.0f", cpu[k]/n[k])) }
        a="aspirekv "c; h="haproxy "c
        y="yarp "c
        printf "aspirekv/haproxy at %d connections: throughput %.2fx, p99 %.2fx\n", c, rps[a]/rps[h], p99[a]/p99[h]
        printf "yarp/haproxy at %d connections: throughput %.2fx, p99 %.2fx; aspirekv/yarp: throughput %.2fx\n", c, rps[y]/rps[h], p99[y]/p99[h], rps[a]/rps[y]
      }
    }' "$work/rows-$layout.txt"
  echo "CPU steal during the throughput runs: $(steal_between "$before" "$(steal)")"

  echo
  echo "Errors seen by clients in layout $layout (wrk, 64 connections, 10 s) while backend-2 is killed with SIGKILL at 5 s:"
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
  stop_all
}

for each_layout in ${LAYOUTS:-one-session per-service}; do
  set_layout "$each_layout"
  measure_layout
  echo
done
