#!/usr/bin/env bash
# Warm from the first second: how fast a service that has just started serves, against itself once warm. Starts
# AspireKv (redis-server without persistence, three backends, the balancer; LAYOUT as in bench/lib.sh), warms it
# for 20 s, then for the balancer and for backend-1 (SERVICES, default "balancer backend"), STARTS (5) times for
# each of VARIANTS, interleaved: stops the service, starts it again with the variant's settings, and measures
#   - start-up: from the exec to its first answer (the balancer: a GET routed through it; a backend: /health, which
#     answers once it has loaded the data);
#   - first: wrk GETs for the 10 s right after that (64 connections, 10,000 keys), through the balancer or straight
#     to the backend;
#   - steady: the same 10 s once the same process has served for 30 s more.
# A variant is "default", "readytorun" (the service published with ReadyToRun code, compiled ahead of time, into a
# folder of the run's own; published once, before the first start), or NAME=value pairs joined by commas, given to the
# restarted process as its environment (the runtime reads DOTNET_* settings there). VARIANTS defaults to "default
# DOTNET_TieredPGO=0 DOTNET_TieredCompilation=0". Prints every start, then per service and variant the medians of
# start-up and of first/steady. About (STARTS x variants x services) x 55 s.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_start
starts=${STARTS:-5}
read -r -a variants <<<"${VARIANTS:-default DOTNET_TieredPGO=0 DOTNET_TieredCompilation=0}"
read -r -a services <<<"${SERVICES:-balancer backend}"
rows="$work/rows"
: >"$rows"

# readytorun: each service published framework-dependent for this machine, with ReadyToRun code.
if [[ " ${variants[*]} " == *" readytorun "* ]]; then
  for project in AspireKv.Balancer AspireKv.Backend; do
    dotnet publish "$project" -c "$configuration" -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
      -o "$work/readytorun/$project" -v q -nologo >/dev/null
  done
fi

start_aspirekv --appendonly no
dotnet "bench/AspireKv.Bench/bin/${configuration}/net10.0/AspireKv.Bench.dll" populate "http://127.0.0.1:${backend_port[1]}" 10000 >/dev/null
run_wrk "http://127.0.0.1:$lb_port" 64 10s bench/kv.lua get >/dev/null
run_wrk "http://127.0.0.1:${backend_port[1]}" 64 10s bench/kv.lua get >/dev/null

# restart <service> <variant>: stops the service and starts it again with the variant's environment.
restart() {
  local name=$1 variant=$2
  [ "$name" = backend ] && name=backend-1
  kill -TERM "${pid[$name]}"
  for _ in $(seq 1 100); do kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.1; done
  kill -9 "${pid[$name]}" 2>/dev/null || true
  service_env=()
  case "$variant" in
    default) ;;
    readytorun) balancer_dir="$work/readytorun/AspireKv.Balancer"; backend_dir="$work/readytorun/AspireKv.Backend" ;;
    *) IFS=, read -r -a service_env <<<"$variant" ;;
  esac
  if [ "$name" = balancer ]; then start_balancer; else start_backend 1; fi
  service_env=(); balancer_dir=; backend_dir=
}

# ready_url <service>: what answers once the service serves.
ready_url() {
  if [ "$1" = balancer ]; then echo "http://127.0.0.1:$lb_port/kv/bench-1"; else echo "http://127.0.0.1:${backend_port[1]}/health"; fi
}

echo "Layout: $layout. service variant start: start-up s; first 10 s (req/s p50 p99 errors); steady 10 s; first/steady"
for start in $(seq 1 "$starts"); do
  for service in "${services[@]}"; do
    for variant in "${variants[@]}"; do
      url="http://127.0.0.1:$lb_port"
      [ "$service" = balancer ] || url="http://127.0.0.1:${backend_port[1]}"
      began=$(date +%s.%N)
      restart "$service" "$variant"
      for _ in $(seq 1 600); do curl -sf -o /dev/null "$(ready_url "$service")" && break; sleep 0.05; done
      startup=$(echo "$(date +%s.%N) - $began" | bc)
      first=$(run_wrk "$url" 64 10s bench/kv.lua get | field)
      run_wrk "$url" 64 30s bench/kv.lua get >/dev/null
      steady=$(run_wrk "$url" 64 10s bench/kv.lua get | field)
      echo "$service $variant $start $startup $first $steady" | awk '{ printf "%-8s %-34s %s %6.2f | %s %s %s %s | %s %s %s %s | %.2f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, ($9 > 0 ? $5 / $9 : 0) }' | tee -a "$rows"
    done
  done
done

echo
echo "Medians over $starts starts (layout $layout): service variant start-up-s first-req/s steady-req/s first/steady"
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for service in "${services[@]}"; do
  for variant in "${variants[@]}"; do
    match() { awk -v s="$service" -v v="$variant" '$1 == s && $2 == v' "$rows"; }
    printf "%-8s %-34s %6.2f %8.0f %8.0f %6.2f\n" "$service" "$variant" \
      "$(match | awk '{ print $4 }' | median)" "$(match | awk '{ print $6 }' | median)" \
      "$(match | awk '{ print $11 }' | median)" "$(match | awk '{ print $NF }' | median)"
  done
done
