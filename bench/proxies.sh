#!/usr/bin/env bash
# Our balancer next to HAProxy and nginx, in front of the same three AspireKv backends, and requests sent
# straight to one backend, all in one run: wrk GETs at 8 and 64 connections (2 threads, 2 s warm-up, 10 s),
# then for each proxy the errors clients see while one backend is killed with SIGKILL halfway through a run.
# Binds 127.0.0.1 only, stops everything it starts by PID. Takes about four minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/install-tools.sh
dotnet build AspireKv.sln -c Release -v q -nologo >/dev/null

work=$(mktemp -d)
declare -A pid
cleanup() {
  # TERM first: nginx's master stops its workers on TERM, but a killed master leaves them running.
  for name in "${!pid[@]}"; do kill -TERM "${pid[$name]}" 2>/dev/null || true; done
  for name in "${!pid[@]}"; do
    for _ in $(seq 1 50); do kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${pid[$name]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

secret=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
pid[redis]=$!
lb_port=$(free_port)
declare -A backend_port
for b in 1 2 3; do backend_port[$b]=$(free_port); done

start_backend() {
  local b=$1 port=${backend_port[$1]}
  ConnectionStrings__redis="127.0.0.1:$redis_port,abortConnect=false" Node__Name="backend-$b" \
  Node__PublicUrl="http://127.0.0.1:$port" Registration__BalancerUrl="http://127.0.0.1:$lb_port" \
  Cluster__Secret="$secret" Replication__SigningKey="$secret" Logging__LogLevel__Default=Warning \
    dotnet AspireKv.Backend/bin/Release/net10.0/AspireKv.Backend.dll --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
  pid[backend-$b]=$!
}
for b in 1 2 3; do start_backend "$b"; done
Cluster__Secret="$secret" Balancer__RateLimitPerClient=0 Logging__LogLevel__Default=Warning \
services__backend__http__0="http://127.0.0.1:${backend_port[1]}" services__backend__http__1="http://127.0.0.1:${backend_port[2]}" \
services__backend__http__2="http://127.0.0.1:${backend_port[3]}" \
  dotnet AspireKv.Balancer/bin/Release/net10.0/AspireKv.Balancer.dll --urls "http://127.0.0.1:$lb_port" >/dev/null 2>&1 &
pid[balancer]=$!

haproxy_port=$(free_port)
cat >"$work/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  retries 2
  option redispatch
frontend kv
  bind 127.0.0.1:$haproxy_port
  default_backend backends
backend backends
  balance roundrobin
  option httpchk GET /health
  default-server inter 1s fall 2 rise 1
  server backend-1 127.0.0.1:${backend_port[1]} check
  server backend-2 127.0.0.1:${backend_port[2]} check
  server backend-3 127.0.0.1:${backend_port[3]} check
CFG
haproxy -f "$work/haproxy.cfg" -db >/dev/null 2>&1 &
pid[haproxy]=$!

nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<CFG
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  upstream backends {
    server 127.0.0.1:${backend_port[1]} max_fails=1 fail_timeout=3s;
    server 127.0.0.1:${backend_port[2]} max_fails=1 fail_timeout=3s;
    server 127.0.0.1:${backend_port[3]} max_fails=1 fail_timeout=3s;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout;
    }
  }
}
CFG
nginx -c "$work/nginx.conf" -g 'daemon off;' >/dev/null 2>&1 &
pid[nginx]=$!

for b in 1 2 3; do wait_http "http://127.0.0.1:${backend_port[$b]}/health"; done
wait_http "http://127.0.0.1:$lb_port/health"
wait_http "http://127.0.0.1:$haproxy_port/kv/none" 2>/dev/null || true
dotnet run --project bench/AspireKv.Bench -c Release --no-build -- populate "http://127.0.0.1:${backend_port[1]}" 10000

steal() { awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
run_wrk() { wrk -t2 -c"$2" -d"$3" --latency -s bench/get.lua "$1" 2>&1; }
field() { # requests/s, p50, p99 (ms), errors from wrk's output
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    /^ +50%/ { p50=ms($2) } /^ +99%/ { p99=ms($2) }
    /Non-2xx/ { err+=$5 } /Socket errors/ { gsub(",", ""); err+=$4+$6+$8+$10 }
    END { printf "%10.0f %9.2f %9.2f %7d", rps, p50, p99, err+0 }'
}

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
    run_wrk "${target[$name]}" "$conns" 2s >/dev/null
    printf "%-10s %5s %s\n" "$name" "$conns" "$(run_wrk "${target[$name]}" "$conns" 10s | field)"
  done
done
after=$(steal)
echo "CPU steal during the throughput runs: $(echo "$before $after" | awk '{ if ($4 - $2 > 0) printf "%.1f%%", 100 * ($3 - $1) / ($4 - $2); else print "n/a" }')"

echo
echo "Errors seen by clients (wrk, 64 connections, 10 s) while backend-2 is killed with SIGKILL at 5 s:"
for name in aspirekv haproxy nginx; do
  run_wrk "${target[$name]}" 64 10s >"$work/kill-$name.txt" &
  wrk_pid=$!
  sleep 5
  kill -9 "${pid[backend-2]}"
  wait "$wrk_pid"
  printf "%-10s %s\n" "$name" "$(field <"$work/kill-$name.txt")"
  start_backend 2
  wait_http "http://127.0.0.1:${backend_port[2]}/health"
  sleep 4 # let every proxy's health checks see backend-2 again before the next run
done
