#!/usr/bin/env bash
# A/B of a service's runtime settings, side by side in one run: the same three backends and redis-server, two
# balancers (A and B) or two sets of backends behind their own balancers, and wrk alternating between them (after a
# 10 s warm-up of each, in ABBA order) so that both see the same noise. Settings are environment variables, e.g.
#   A_ENV="" B_ENV="DOTNET_gcServer=0" bash bench/ab.sh balancer get
#   A_ENV="" B_ENV="DOTNET_gcServer=0" bash bench/ab.sh backend put
# <target>: balancer (A and B are two balancers in front of the same backends) or backend (A and B are two
# clusters of three backends and a balancer each, on one redis-server). <workload>: get or put.
# B_ROOT: another checkout whose Release build B runs (a before/after of code changes: A is this checkout).
# REDIS=garnet (backend target only): each side's backends replicate through a Garnet of their own, the build of
# AspireKv.GarnetHost of that side's checkout with the AppHost's settings (append-only file flushed every second), so
# that a before/after of the Garnet host itself is measured too; default: both sides share one redis-server.
# ROUNDS (default 3) pairs of 10 s runs at CONNS (default 64) connections. Binds 127.0.0.1, stops by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?balancer or backend} workload=${2:?get or put}
rounds=${ROUNDS:-3} conns=${CONNS:-64}
source bench/lib.sh
bench_start

root_a=$PWD root_b=${B_ROOT:-$PWD}

# start_balancer <name> <port> <root> <env...>: a balancer that discovers the backends in backend_port[1..3].
start_balancer() {
  local name=$1 port=$2 root=$3; shift 3
  # The side's settings come last, so that they override the shipped ones.
  env Cluster__Secret="$secret" Balancer__RateLimitPerClient=0 Logging__LogLevel__Default=Warning DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 \
    services__backend__http__0="http://127.0.0.1:${backend_port[1]}" services__backend__http__1="http://127.0.0.1:${backend_port[2]}" \
    services__backend__http__2="http://127.0.0.1:${backend_port[3]}" "$@" \
    dotnet "$root/AspireKv.Balancer/bin/$configuration/net10.0/AspireKv.Balancer.dll" --contentRoot "$root/AspireKv.Balancer/bin/$configuration/net10.0" \
    --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
  pid[$name]=$!
  wait_http "http://127.0.0.1:$port/health"
}

read -r -a a_env <<<"${A_ENV:-}"
read -r -a b_env <<<"${B_ENV:-}"
if [ "$target" = balancer ]; then
  # The shipped balancer starts as A's (lb_port); B is a second one with its settings.
  start_aspirekv --appendonly yes --appendfsync everysec
  kill -TERM "${pid[balancer]}"; wait "${pid[balancer]}" 2>/dev/null || true; unset 'pid[balancer]'
  start_balancer balancer-a "$lb_port" "$root_a" "${a_env[@]}"
  b_port=$(free_port)
  start_balancer balancer-b "$b_port" "$root_b" "${b_env[@]}"
  url_a="http://127.0.0.1:$lb_port" url_b="http://127.0.0.1:$b_port"
else
  start_aspirekv --appendonly yes --appendfsync everysec
  for b in 1 2 3; do kill -TERM "${pid[backend-$b]}"; done
  for b in 1 2 3; do wait "${pid[backend-$b]}" 2>/dev/null || true; unset "pid[backend-$b]"; done
  declare -A ports_a ports_b
  for b in 1 2 3; do ports_a[$b]=${backend_port[$b]}; ports_b[$b]=$(free_port); done
  for side in a b; do
    declare -n ports="ports_$side" side_env="${side}_env" root="root_$side"
    side_redis=$redis_port
    if [ "${REDIS:-redis-server}" = garnet ]; then
      side_redis=$(free_port)
      mkdir -p "$work/garnet-$side"
      Garnet__Port="$side_redis" Garnet__DataDirectory="$work/garnet-$side" Logging__LogLevel__Default=Warning \
        dotnet "$root/AspireKv.GarnetHost/bin/$configuration/net10.0/AspireKv.GarnetHost.dll" --contentRoot "$root/AspireKv.GarnetHost/bin/$configuration/net10.0" >/dev/null 2>&1 &
      pid[garnet-$side]=$!
      wait_port "$side_redis"
    fi
    for b in 1 2 3; do
      backend_port[$b]=${ports[$b]}
      env "${side_env[@]}" ConnectionStrings__redis="127.0.0.1:$side_redis,abortConnect=false" Node__Name="$side-backend-$b" \
        Node__PublicUrl="http://127.0.0.1:${ports[$b]}" Registration__Enabled=false \
        Cluster__Secret="$secret" Replication__SigningKey="$secret" Replication__KeyPrefix="ab-$side" Logging__LogLevel__Default=Warning \
        dotnet "$root/AspireKv.Backend/bin/$configuration/net10.0/AspireKv.Backend.dll" --contentRoot "$root/AspireKv.Backend/bin/$configuration/net10.0" \
        --urls "http://127.0.0.1:${ports[$b]}" >/dev/null 2>&1 &
      pid[$side-backend-$b]=$!
    done
    for b in 1 2 3; do wait_http "http://127.0.0.1:${ports[$b]}/health"; done
    unset -n ports side_env root
  done
  # Each cluster behind the shipped balancer, so only the backends' settings differ.
  kill -TERM "${pid[balancer]}"; wait "${pid[balancer]}" 2>/dev/null || true; unset 'pid[balancer]'
  for b in 1 2 3; do backend_port[$b]=${ports_a[$b]}; done
  start_balancer balancer-a "$lb_port" "$root_a"
  b_port=$(free_port)
  for b in 1 2 3; do backend_port[$b]=${ports_b[$b]}; done
  start_balancer balancer-b "$b_port" "$root_a"
  url_a="http://127.0.0.1:$lb_port" url_b="http://127.0.0.1:$b_port"
fi

if [ "$workload" = get ]; then
  dotnet "bench/AspireKv.Bench/bin/${configuration}/net10.0/AspireKv.Bench.dll" populate "$url_a" 10000
  [ "$target" = balancer ] || dotnet "bench/AspireKv.Bench/bin/${configuration}/net10.0/AspireKv.Bench.dll" populate "$url_b" 10000
fi

echo "Redis: ${REDIS:-redis-server}; every service started from this shell (one session), wrk in a session of its own"
echo "A: $root_a ${A_ENV:-}"
echo "B: $root_b ${B_ENV:-}"
printf "%-6s %5s %10s %9s %9s %7s\n" side conns "req/s" "p50 ms" "p99 ms" errors
before=$(steal)
# Warm-up, 10 s a side in two turns: the services JIT-compile their hot paths during the first seconds of load, and
# a shorter warm-up left the first round to whichever side ran first.
for side in a b a b; do declare -n url="url_$side"; run_wrk "$url" "$conns" 5s bench/kv.lua "$workload" >/dev/null; unset -n url; done
for round in $(seq 1 "$rounds"); do
  # ABBA: odd rounds run A first, even rounds B, so that neither side always follows the other.
  order="a b"; [ $((round % 2)) -eq 0 ] && order="b a"
  for side in $order; do
    declare -n url="url_$side"
    printf "%-6s %5s %s\n" "$side$round" "$conns" "$(run_wrk "$url" "$conns" 10s bench/kv.lua "$workload" | field)" | tee -a "$work/results.txt"
    unset -n url
  done
done
echo "CPU steal: $(steal_between "$before" "$(steal)")"
awk '{ side=substr($1,1,1); rps[side]+=$3; p99[side]+=$5; n[side]++ }
  END { printf "mean: A %.0f req/s p99 %.2f ms; B %.0f req/s p99 %.2f ms; B/A throughput %.2fx, p99 %.2fx\n",
    rps["a"]/n["a"], p99["a"]/n["a"], rps["b"]/n["b"], p99["b"]/n["b"], (rps["b"]/n["b"])/(rps["a"]/n["a"]), (p99["b"]/n["b"])/(p99["a"]/n["a"]) }' "$work/results.txt"
