#!/usr/bin/env bash
# Where the CPU and the allocations of a request go, under wrk load (64 connections) through the balancer:
# dotnet-counters on the balancer and on one backend (CPU time and bytes allocated per request, GC pauses, lock
# contention), then a gc-verbose dotnet-trace of the balancer and of that backend (the types allocated most),
# then a sampled-thread-time trace of the balancer (the methods its threads are in most).
#   bash bench/profile.sh [get|put]
# Extra settings for the services (e.g. DOTNET_gcServer=0) can be given in the environment, as for any run.
# Binds 127.0.0.1, stops by PID; about two minutes. The tools come from .config/dotnet-tools.json.
set -euo pipefail
cd "$(dirname "$0")/.."
workload=${1:-get}
source bench/lib.sh
bench_start
dotnet tool restore >/dev/null
bench="bench/AspireKv.Bench/bin/${configuration}/net10.0/AspireKv.Bench.dll"

start_aspirekv --appendonly yes --appendfsync everysec
dotnet "$bench" populate "http://127.0.0.1:$lb_port" 10000 >/dev/null
run_wrk "http://127.0.0.1:$lb_port" 64 5s bench/kv.lua "$workload" >/dev/null

# Counters: 10 s inside a 14 s wrk run. Requests per second come from wrk; each backend serves a third of them.
run_wrk "http://127.0.0.1:$lb_port" 64 14s bench/kv.lua "$workload" >"$work/wrk.txt" &
load=$!
sleep 2
collectors=()
for name in balancer backend-1; do
  dotnet dotnet-counters collect -p "${pid[$name]}" --counters System.Runtime --format json \
    -o "$work/counters-$name.json" --duration 00:00:10 >/dev/null 2>&1 &
  collectors+=($!)
done
wait "${collectors[@]}" "$load"
read -r rps p50 p99 errors < <(field <"$work/wrk.txt"; echo)
echo "wrk $workload through the balancer, 64 connections: $rps requests/s, p50 $p50 ms, p99 $p99 ms, $errors errors"
python3 - "$rps" "$work" <<'PY'
import json, sys
rps, work = float(sys.argv[1]), sys.argv[2]
for name, share in (("balancer", 1.0), ("backend-1", 1 / 3)):
    values = {}
    for event in json.load(open(f"{work}/counters-{name}.json"))["Events"]:
        values.setdefault((event["name"].split(" ")[0], event.get("tags", "")), []).append(event["value"])
    mean = lambda key: sum(values[key][1:]) / max(1, len(values[key]) - 1)  # the first sample has no rate yet
    requests = rps * share
    cpu = mean(("dotnet.process.cpu.time", "cpu.mode=user")) + mean(("dotnet.process.cpu.time", "cpu.mode=system"))
    allocated = mean(("dotnet.gc.heap.total_allocated", ""))
    print(f"{name:10} {requests:8.0f} req/s  CPU {cpu:4.2f} cores = {cpu / requests * 1e6:5.0f} us/request  "
          f"allocated {allocated / requests:6.0f} B/request  GC pauses {mean(('dotnet.gc.pause.time', '')) * 1000:3.0f} ms/s  "
          f"gen0 {mean(('dotnet.gc.collections', 'gc.heap.generation=gen0')):4.1f}/s  lock contentions {mean(('dotnet.monitor.lock_contentions', '')):4.0f}/s")
PY

# Allocation types: a 5 s gc-verbose trace of each, under load.
for name in balancer backend-1; do
  run_wrk "http://127.0.0.1:$lb_port" 64 9s bench/kv.lua "$workload" >/dev/null &
  load=$!
  sleep 2
  dotnet dotnet-trace collect -p "${pid[$name]}" --profile gc-verbose --duration 00:00:00:05 -o "$work/$name.nettrace" >/dev/null 2>&1
  wait "$load"
  echo
  echo "$name:"
  dotnet "$bench" allocations "$work/$name.nettrace" 15
done

# Where the balancer's threads spend their time: a 5 s sampled-thread-time trace (about 100 samples a second per
# thread, waiting threads included), reported as the methods most often on top of the stack.
run_wrk "http://127.0.0.1:$lb_port" 64 9s bench/kv.lua "$workload" >/dev/null &
load=$!
sleep 2
dotnet dotnet-trace collect -p "${pid[balancer]}" --profile dotnet-sampled-thread-time --duration 00:00:00:05 -o "$work/balancer-cpu.nettrace" >/dev/null 2>&1
wait "$load"
echo
echo "balancer, methods most often on top of a thread's stack (exclusive):"
dotnet dotnet-trace report "$work/balancer-cpu.nettrace" topN -n 15 2>&1 | tail -n +2
