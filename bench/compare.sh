#!/usr/bin/env bash
# AspireKv next to what people would use instead, in one run on this machine (docs/performance.md):
#   - AspireKv GET and PUT through the balancer (three backends) and directly against one backend; PUT with
#     Redis's append-only file synced every second, then on every write;
#   - etcd 3.4 (Debian's etcd-server), three members on loopback, through its v3 JSON gateway: put, and range
#     linearizable and serializable;
#   - HAProxy and nginx in front of the same three backends (GET), and an nginx that answers a constant 200 (the
#     ceiling of HTTP here);
#   - redis-benchmark SET and GET with 64 clients (the ceiling of a key-value server here).
# Everything is measured in each layout of LAYOUTS ("one-session per-service": every service in one Linux session,
# then each in a session of its own; bench/lib.sh says why that matters), started afresh for each; wrk always runs
# apart. wrk: 2 threads, 8 and 64 connections, 8 s warm-up of every AspireKv path, then per row 2 s warm-up and 10 s,
# 10,000 keys, 100-byte values. Prints per layout a table (requests/s, p50, p99, errors, and the CPU time per request
# of the proxy and of the servers behind it, summed over their processes, from /proc), the ratios the targets are
# about and the CPU steal of the window. Binds 127.0.0.1, stops everything by PID, bounds every run; about eight
# minutes a layout.
# CONFIGURATION=Debug SKIP_BUILD=1 runs what is built without building (for trying the script out).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_start

declare -A result
# row <name> <url> <connections> <proxy> <servers> <script> [script arguments...]: proxy and servers are names in
# pid (space-separated; "-" for none), whose CPU time per request is reported.
row() {
  local name=$1 url=$2 conns=$3 proxy=$4 servers=$5 script=$6; shift 6
  run_wrk "$url" "$conns" 2s "$script" "$@" >/dev/null
  local proxy_before server_before output
  # $proxy and $servers unquoted: each is a list of names.
  proxy_before=$(cpu_ticks $proxy); server_before=$(cpu_ticks $servers)
  output=$(run_wrk "$url" "$conns" 10s "$script" "$@")
  local requests proxy_us=- server_us=-
  requests=$(requests_done <<<"$output")
  [ "$proxy" = "-" ] || proxy_us=$(cpu_per_request "$proxy_before" "$(cpu_ticks $proxy)" "$requests")
  [ "$servers" = "-" ] || server_us=$(cpu_per_request "$server_before" "$(cpu_ticks $servers)" "$requests")
  result[$name/$conns]=$(field <<<"$output")
  printf "%-34s %5s %s %10s %10s\n" "$name" "$conns" "${result[$name/$conns]}" "$proxy_us" "$server_us"
}

# measure_layout: starts everything in the current layout, measures, prints, and stops it all.
measure_layout() {
  # AspireKv on redis-server with its append-only file (fsync every second to begin with).
  start_aspirekv --appendonly yes --appendfsync everysec
  start_haproxy
  start_nginx

  # etcd: three members, each with its own client and peer port and data folder.
  declare -A etcd_client etcd_peer
  cluster=""
  for m in 1 2 3; do
    etcd_client[$m]=$(free_port); etcd_peer[$m]=$(free_port)
    cluster+="${cluster:+,}etcd-$m=http://127.0.0.1:${etcd_peer[$m]}"
  done
  for m in 1 2 3; do
    "${service_session[@]}" etcd --name "etcd-$m" --data-dir "$work/etcd-$layout-$m" \
      --listen-client-urls "http://127.0.0.1:${etcd_client[$m]}" --advertise-client-urls "http://127.0.0.1:${etcd_client[$m]}" \
      --listen-peer-urls "http://127.0.0.1:${etcd_peer[$m]}" --initial-advertise-peer-urls "http://127.0.0.1:${etcd_peer[$m]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token aspirekv-bench \
      --log-level error >"$work/etcd-$m.log" 2>&1 &
    pid[etcd-$m]=$!
  done
  for m in 1 2 3; do wait_http "http://127.0.0.1:${etcd_client[$m]}/health"; done

  # A memory-only redis-server of its own for redis-benchmark.
  ceiling_port=$(free_port)
  "${service_session[@]}" redis-server --port "$ceiling_port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
  pid[redis-ceiling]=$!
  wait_port "$ceiling_port"

  dotnet "bench/AspireKv.Bench/bin/${configuration}/net10.0/AspireKv.Bench.dll" populate "http://127.0.0.1:${backend_port[1]}" 10000 >/dev/null

  lb="http://127.0.0.1:$lb_port"
  direct="http://127.0.0.1:${backend_port[1]}"
  etcd_url="http://127.0.0.1:${etcd_client[1]}"
  backends="backend-1 backend-2 backend-3"
  etcds="etcd-1 etcd-2 etcd-3"

  # Our services JIT-compile their hot paths during the first seconds of load (a third of the CPU, perf); a row's
  # own 2 s warm-up is not enough for that, so every AspireKv path is warmed for 8 s before anything is measured.
  for url in "$lb" "$direct"; do
    for workload in get put; do run_wrk "$url" 64 8s bench/kv.lua "$workload" >/dev/null; done
  done
  before=$(steal)
  echo "Layout: $layout"
  printf "%-34s %5s %10s %9s %9s %7s %10s %10s\n" row conns "req/s" "p50 ms" "p99 ms" errors "proxy us" "server us"
  for conns in 8 64; do
    row "aspirekv-get-balancer" "$lb" "$conns" balancer "$backends" bench/kv.lua get
    row "aspirekv-get-direct" "$direct" "$conns" - "$backends" bench/kv.lua get
    row "haproxy-get" "http://127.0.0.1:$haproxy_port" "$conns" haproxy "$backends" bench/kv.lua get
    row "nginx-get" "http://127.0.0.1:$nginx_port" "$conns" nginx "$backends" bench/kv.lua get
    row "http-ceiling" "http://127.0.0.1:$constant_port" "$conns" nginx - bench/kv.lua get
    row "aspirekv-put-balancer-fsync-1s" "$lb" "$conns" balancer "$backends" bench/kv.lua put
    row "aspirekv-put-direct-fsync-1s" "$direct" "$conns" - "$backends" bench/kv.lua put
    row "etcd-put" "$etcd_url" "$conns" - "$etcds" bench/etcd.lua put
    row "etcd-range-linearizable" "$etcd_url" "$conns" - "$etcds" bench/etcd.lua range
    row "etcd-range-serializable" "$etcd_url" "$conns" - "$etcds" bench/etcd.lua serializable
  done
  redis-cli -p "$redis_port" CONFIG SET appendfsync always >/dev/null
  for conns in 8 64; do
    row "aspirekv-put-balancer-fsync-always" "$lb" "$conns" balancer "$backends" bench/kv.lua put
  done
  after=$(steal)

  echo
  echo "redis-benchmark in layout $layout (64 clients, 100-byte values, 10,000 keys):"
  setsid --wait redis-benchmark -p "$ceiling_port" -c 64 -n 300000 -d 100 -r 10000 -t set,get -q 2>/dev/null | tr '\r' '\n' | grep -E "^(SET|GET): [0-9.]+ requests per second" | sed 's/^/  /'

  echo
  echo "CPU steal during the wrk rows: $(steal_between "$before" "$after")"
  echo
  # The targets: twice etcd where every service shares one session, at least even where each has its own; PUT with
  # an fsync on every write 1.5x and 0.8x.
  target_vs_etcd=2; target_put_always=1.5
  [ "$layout" = one-session ] || { target_vs_etcd=1; target_put_always=0.8; }
  echo "Ratios in layout $layout (throughput, then p99; from this run):"
  ratio() { # ratio <label> <row a> <row b>
    echo "${result[$2]} ${result[$3]}" | awk -v label="$1" '{ printf "  %-58s %5.2fx  p99 %5.2fx\n", label, ($5 > 0 ? $1 / $5 : 0), ($7 > 0 ? $3 / $7 : 0) }'
  }
  for conns in 8 64; do
    ratio "GET balancer / etcd serializable range ($conns conns; >= ${target_vs_etcd}x)" "aspirekv-get-balancer/$conns" "etcd-range-serializable/$conns"
    ratio "PUT balancer fsync 1s / etcd put ($conns conns; >= ${target_vs_etcd}x)" "aspirekv-put-balancer-fsync-1s/$conns" "etcd-put/$conns"
    ratio "PUT balancer fsync always / etcd put ($conns conns; >= ${target_put_always}x)" "aspirekv-put-balancer-fsync-always/$conns" "etcd-put/$conns"
    ratio "GET balancer / HAProxy ($conns conns; stretch 0.9x)" "aspirekv-get-balancer/$conns" "haproxy-get/$conns"
    ratio "GET balancer / nginx ($conns conns)" "aspirekv-get-balancer/$conns" "nginx-get/$conns"
    ratio "GET balancer / HTTP ceiling ($conns conns)" "aspirekv-get-balancer/$conns" "http-ceiling/$conns"
  done
  stop_all
}

for each_layout in ${LAYOUTS:-one-session per-service}; do
  set_layout "$each_layout"
  measure_layout
  echo
done
