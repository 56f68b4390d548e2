#!/usr/bin/env bash
# False failovers under full load: the replicated topology (a primary, two replicas, three Sentinels with the
# AppHost's timings: down after 1 s, quorum 2, failover timeout 3 s) under PUTs through the balancer at full speed
# (wrk, 64 connections, 10,000 keys, 100-byte values) for MINUTES (10) with no fault injected, then counts what the
# Sentinels logged: a primary seen down by one Sentinel (+sdown master), by a quorum (+odown), and failovers
# (+switch-master). Every one is false: nothing failed. Target 0 failovers. Every service in this script's session, wrk in one of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_start
minutes=${MINUTES:-10}
start_aspirekv_replicated --appendonly yes --appendfsync everysec
run_wrk "http://127.0.0.1:$lb_port" 64 "${minutes}m" bench/kv.lua put | field | awk '{ printf "PUT under load: %s requests/s, p50 %s ms, p99 %s ms, %s errors\n", $1, $2, $3, $4 }'
count() { cat "$work"/sentinel-*.log | grep -c -- "$1" || true; }
echo "over ${minutes} minutes, summed over the three Sentinels: +sdown master $(count '+sdown master'), +odown $(count '+odown'), +switch-master $(count '+switch-master') (each failover is logged by every Sentinel)"
echo "$(git rev-parse --short HEAD), $(date -u +%F)"
