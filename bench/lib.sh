# Shared by the shell benchmarks (source it, then call bench_start): free ports, waiting, stopping by PID, AspireKv
# as processes, HAProxy and nginx configurations, and reading wrk's output. Everything binds 127.0.0.1.
# Every process started goes into pid (name -> PID) and is stopped at exit; $work is a temporary folder.

configuration=${CONFIGURATION:-Release}
declare -gA pid

# How the services share the CPU. Linux's autogroup scheduler (/proc/sys/kernel/sched_autogroup_enabled = 1 on these
# machines) divides the CPU between sessions first and only then between the processes of a session, so where each
# process runs moves the results by 2x or more on two cores:
#   one-session  every service in this script's session, as the Aspire orchestrator runs them (the default);
#   per-service  each service in a session of its own (setsid), as one terminal per service runs them.
# wrk runs in a session of its own in both. set_layout <layout> switches (for the next processes started).
set_layout() {
  case "$1" in
    one-session) service_session=() ;;
    per-service) service_session=(setsid) ;;
    *) echo "unknown layout '$1' (one-session or per-service)" >&2; return 1 ;;
  esac
  layout=$1
}
set_layout "${LAYOUT:-one-session}"

# bench_start: installs the tools, builds (unless SKIP_BUILD is set: runs what is built, for trying a script out),
# and makes $work; at exit every process in pid is stopped and $work removed.
bench_start() {
  bash bench/install-tools.sh
  [ -n "${SKIP_BUILD:-}" ] || dotnet build AspireKv.sln -c "$configuration" -v q -nologo >/dev/null
  work=$(mktemp -d)
  trap cleanup EXIT
}

cleanup() {
  stop_all
  rm -rf "$work"
}

# routes_to_all <balancer url>: true once GETs through the balancer are answered by three different backends (the
# X-Served-By header of a key's 404), so the balancer's health checks have taken every backend in.
routes_to_all() {
  local served
  served=$(for _ in $(seq 1 12); do curl -s -o /dev/null -D - "$1/kv/bench-routing-probe" 2>/dev/null | tr -d '\r' | awk -F': ' 'tolower($1) == "x-served-by" { print $2 }'; done | sort -u | wc -l)
  [ "$served" -ge 3 ]
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; return 1; }

# Each service runs with its build folder as content root, so that it reads its appsettings.json as shipped.
# start_aspirekv <redis-server flags...>: redis-server, three backends and our balancer. Sets redis_port, lb_port,
# backend_port[1..3] and pid[...]. start_backend <n> starts (again) backend n on its port, start_balancer the balancer.
start_aspirekv() {
  secret=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  redis_port=$(free_port)
  mkdir -p "$work/redis"
  "${service_session[@]}" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --dir "$work/redis" "$@" >/dev/null &
  pid[redis]=$!
  wait_port "$redis_port"
  redis_connection="127.0.0.1:$redis_port,abortConnect=false"
  start_backends_and_balancer
}

# start_aspirekv_replicated <redis-server flags...>: the replicated topology as the AppHost runs it (a primary, two
# replicas, three Sentinels: quorum 2, down after 1 s, min-replicas-to-write 1), no password (loopback only), then
# three backends that reach it through the Sentinels, and our balancer. Sets what start_aspirekv sets. Each Sentinel's
# log goes to $work/sentinel-<i>.log (i = 0, 1, 2).
start_aspirekv_replicated() {
  secret=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  local ports=() sentinels=() i
  for i in 1 2 3; do ports+=("$(free_port)"); sentinels+=("$(free_port)"); done
  for i in 0 1 2; do
    mkdir -p "$work/redis-$i"
    local replica=()
    [ "$i" = 0 ] || replica=(--replicaof 127.0.0.1 "${ports[0]}")
    "${service_session[@]}" redis-server --port "${ports[$i]}" --bind 127.0.0.1 --save "" --dir "$work/redis-$i" \
      --min-replicas-to-write 1 --min-replicas-max-lag 3 "${replica[@]}" "$@" >/dev/null &
    pid[redis-$i]=$!
  done
  for i in 0 1 2; do wait_port "${ports[$i]}"; done
  for i in 0 1 2; do
    printf 'port %s\nbind 127.0.0.1\ndir %s\nsentinel monitor aspirekv 127.0.0.1 %s 2\nsentinel down-after-milliseconds aspirekv 1000\nsentinel failover-timeout aspirekv 3000\n' \
      "${sentinels[$i]}" "$work" "${ports[0]}" >"$work/sentinel-$i.conf"
    "${service_session[@]}" redis-sentinel "$work/sentinel-$i.conf" >"$work/sentinel-$i.log" &
    pid[sentinel-$i]=$!
  done
  for i in 0 1 2; do wait_port "${sentinels[$i]}"; done
  redis_port=${ports[0]}
  redis_connection="127.0.0.1:${sentinels[0]},127.0.0.1:${sentinels[1]},127.0.0.1:${sentinels[2]},serviceName=aspirekv,abortConnect=false"
  start_backends_and_balancer
}

# stop_aspirekv: stops what start_aspirekv or start_aspirekv_replicated started, so that the other can start next.
stop_aspirekv() {
  local name
  for name in "${!pid[@]}"; do
    case "$name" in redis*|sentinel*|backend-*|balancer) kill -TERM "${pid[$name]}" 2>/dev/null || true ;; esac
  done
  for name in "${!pid[@]}"; do
    case "$name" in
      redis*|sentinel*|backend-*|balancer)
        for _ in $(seq 1 50); do kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.1; done
        kill -9 "${pid[$name]}" 2>/dev/null || true
        unset "pid[$name]" ;;
    esac
  done
  rm -rf "$work"/redis*
}

# stop_all: stops every process started so far, so that another layout can start. TERM first: nginx's master stops
# its workers on TERM, but a killed master leaves them running.
stop_all() {
  local name
  for name in "${!pid[@]}"; do kill -TERM "${pid[$name]}" 2>/dev/null || true; done
  for name in "${!pid[@]}"; do
    for _ in $(seq 1 50); do kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${pid[$name]}" 2>/dev/null || true
    unset "pid[$name]"
  done
  rm -rf "$work"/redis*
}

start_backends_and_balancer() {
  lb_port=$(free_port)
  declare -gA backend_port
  for b in 1 2 3; do backend_port[$b]=$(free_port); done
  for b in 1 2 3; do start_backend "$b"; done
  start_balancer
  for b in 1 2 3; do wait_http "http://127.0.0.1:${backend_port[$b]}/health"; done
  wait_http "http://127.0.0.1:$lb_port/health"
}

# service_env: NAME=value pairs given to the balancer and the backends started next (bench/warmup.sh's variants);
# balancer_dir and backend_dir: the folders they are started from (their build output unless set).
service_env=()
balancer_dir=
backend_dir=

# start_balancer starts (again) the balancer on lb_port, in front of the three backends.
start_balancer() {
  Cluster__Secret="$secret" Balancer__RateLimitPerClient=0 Logging__LogLevel__Default=Warning DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 \
  services__backend__http__0="http://127.0.0.1:${backend_port[1]}" services__backend__http__1="http://127.0.0.1:${backend_port[2]}" \
  services__backend__http__2="http://127.0.0.1:${backend_port[3]}" \
    "${service_session[@]}" env "${service_env[@]}" dotnet "${balancer_dir:-$PWD/AspireKv.Balancer/bin/$configuration/net10.0}/AspireKv.Balancer.dll" \
    --contentRoot "${balancer_dir:-$PWD/AspireKv.Balancer/bin/$configuration/net10.0}" --urls "http://127.0.0.1:$lb_port" >/dev/null 2>&1 &
  pid[balancer]=$!
}

start_backend() {
  local b=$1 port=${backend_port[$1]}
  ConnectionStrings__redis="$redis_connection" Node__Name="backend-$b" \
  Node__PublicUrl="http://127.0.0.1:$port" Registration__BalancerUrl="http://127.0.0.1:$lb_port" \
  Cluster__Secret="$secret" Replication__SigningKey="$secret" Logging__LogLevel__Default=Warning \
    "${service_session[@]}" env "${service_env[@]}" dotnet "${backend_dir:-$PWD/AspireKv.Backend/bin/$configuration/net10.0}/AspireKv.Backend.dll" \
    --contentRoot "${backend_dir:-$PWD/AspireKv.Backend/bin/$configuration/net10.0}" --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
  pid[backend-$b]=$!
}

# start_haproxy: HTTP mode, round robin, option httpchk, in front of the three backends. Sets haproxy_port.
start_haproxy() {
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
  "${service_session[@]}" haproxy -f "$work/haproxy.cfg" -db >/dev/null 2>&1 &
  pid[haproxy]=$!
  wait_port "$haproxy_port"
}

# start_nginx: upstream round robin with keepalive in front of the three backends (nginx_port), and a server that
# answers a constant 200, the ceiling of HTTP on this machine (constant_port).
start_nginx() {
  nginx_port=$(free_port)
  constant_port=$(free_port)
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
  server {
    listen 127.0.0.1:$constant_port;
    location / { return 200 "ok"; }
  }
}
CFG
  "${service_session[@]}" nginx -c "$work/nginx.conf" -g 'daemon off;' >/dev/null 2>&1 &
  pid[nginx]=$!
  wait_port "$nginx_port"
}

# start_yarp_baseline: bench/AspireKv.YarpBaseline, YARP with nothing but round robin, in front of the three
# backends (yarp_port), with the balancer's socket settings: what the library costs before anything of ours.
start_yarp_baseline() {
  yarp_port=$(free_port)
  BACKENDS="http://127.0.0.1:${backend_port[1]},http://127.0.0.1:${backend_port[2]},http://127.0.0.1:${backend_port[3]}" \
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 \
    "${service_session[@]}" dotnet "bench/AspireKv.YarpBaseline/bin/$configuration/net10.0/AspireKv.YarpBaseline.dll" --urls "http://127.0.0.1:$yarp_port" >/dev/null 2>&1 &
  pid[yarp-baseline]=$!
  wait_port "$yarp_port"
}

# CPU steal: "steal total" jiffies now; steal_between <before> <after> prints the share of the window.
steal() { awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
steal_between() { echo "$1 $2" | awk '{ if ($4 - $2 > 0) printf "%.1f%%", 100 * ($3 - $1) / ($4 - $2); else print "n/a" }'; }

# run_wrk <url> <connections> <duration> <script> [script arguments...]: wrk in a session of its own (see set_layout).
run_wrk() { local url=$1 conns=$2 duration=$3 script=$4; shift 4; setsid --wait wrk -t2 -c"$conns" -d"$duration" --latency -s "$script" "$url" -- "$@" 2>&1; }

# cpu_ticks <name>...: the CPU time (user + system, in clock ticks) used so far by the processes pid[name] and
# their children (nginx's workers); "-" for no process.
cpu_ticks() {
  local name total=0 p
  for name in "$@"; do
    [ "$name" = "-" ] && continue
    for p in "${pid[$name]}" $(pgrep -P "${pid[$name]}" || true); do
      # Fields 14 and 15 of /proc/<pid>/stat, counted after the command name, which may hold spaces.
      total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
    done
  done
  echo "$total"
}

# cpu_per_request <ticks before> <ticks after> <requests>: microseconds of CPU per request.
cpu_per_request() { awk -v b="$1" -v a="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.0f", (a - b) * 1e6 / hz / n; else print "n/a" }'; }

# requests_done: the requests wrk completed, from its output on standard input.
requests_done() { awk '/requests in/ { print $1 }'; }

# field: requests/s, p50 and p99 (ms) and errors from wrk's output on standard input.
field() {
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    /^ +50%/ { p50=ms($2) } /^ +99%/ { p99=ms($2) }
    /Non-2xx/ { err+=$5 } /Socket errors/ { gsub(",", ""); err+=$4+$6+$8+$10 }
    END { printf "%10.0f %9.2f %9.2f %7d", rps, p50, p99, err+0 }'
}
