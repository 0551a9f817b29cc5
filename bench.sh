#!/usr/bin/env bash
# Side-by-side benchmark: this service and a Go gorilla/websocket echo (bench/goecho) run at the same time on
# this machine and are measured in alternating rounds by two clients, our Java `check --client nio` and the
# independent Go client bench/goclient. Prints a Markdown table (date, machine, load): each figure for both
# servers and the ratio this service / Go. How it works and what each figure means: docs/bench.md.
#   ./bench.sh                     # all figures, 3 rounds, about 8 minutes on 2 cores
#   ./bench.sh --smoke             # tiny counts, 1 round, under a minute: does every part still run?
#   BENCH_ROUNDS=5 BENCH_IDLE=5000 ./bench.sh    # more rounds, fewer idle connections (default 19000)
#   BENCH_VIA=ws://127.0.0.1:8081/ ./bench.sh   # also this service through that URL (e.g. the compose
#                                               # stack's nginx, started first), for the proxy overhead
#   ./bench.sh --storm [N ...]     # the reconnect storm through the compose stack's nginx instead (default
#                                  # N 10000): scripts/bench-storm.sh, docs/bench.md "Reconnect storm"
# Clients and servers share the cores. Installs Debian's golang-go and gorilla/websocket if missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The jars ./build.sh makes: the server, and the tools with the `check` client.
server_jar="$here/target/echo-service.jar"
tools_jar="$here/tools/target/echo-tools.jar"
go_bin="$here/target/bench"   # the Go builds; never committed (target/ is ignored)

smoke=false
case "${1:-}" in
  "") ;;
  --smoke) smoke=true ;;
  --storm) shift; exec "$here/scripts/bench-storm.sh" "$@" ;;
  *) echo "usage: bench.sh [--smoke | --storm [N ...]]   (knobs: BENCH_ROUNDS, BENCH_IDLE, BENCH_RATE_CONNECTIONS," \
       "BENCH_LOAD_SECONDS, BENCH_RTT_SECONDS, BENCH_HOLD_SECONDS, BENCH_WARMUP_SECONDS, BENCH_VIA)" >&2; exit 2 ;;
esac
if $smoke; then d_rounds=1 d_idle=300 d_rate=300 d_load=1 d_hold=1 d_warmup=0; else
  d_rounds=3 d_idle=19000 d_rate=5000 d_load=5 d_hold=15 d_warmup=3; fi
rounds="${BENCH_ROUNDS:-$d_rounds}"
idle_connections="${BENCH_IDLE:-$d_idle}"
rate_connections="${BENCH_RATE_CONNECTIONS:-$d_rate}"
load_seconds="${BENCH_LOAD_SECONDS:-$d_load}"
rtt_seconds="${BENCH_RTT_SECONDS:-$d_load}"
hold_seconds="${BENCH_HOLD_SECONDS:-$d_hold}"
warmup="${BENCH_WARMUP_SECONDS:-$d_warmup}"
via_url="${BENCH_VIA:-}"

say() { echo "bench.sh [${SECONDS} s]: $*" >&2; }
for jar in "$server_jar" "$tools_jar"; do
  [[ -f "$jar" ]] || { say "$jar not found; build it first: (cd $here && ./build.sh)"; exit 2; }
done
source "$here/scripts/lib.sh"
ensure_go_gorilla
say "building bench/goecho and bench/goclient into $go_bin (GOPATH mode on Debian's gorilla source, offline)"
mkdir -p "$go_bin"
for program in goecho goclient; do
  (cd "$here/bench/$program" && GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOFLAGS= \
    GOCACHE="$go_bin/cache" go build -o "$go_bin/$program" .)
done
ulimit -n "$(ulimit -Hn)" # every held connection is a file, in the server and in the client
if ((idle_connections + 64 > $(ulimit -n))); then
  say "BENCH_IDLE=$idle_connections needs $((idle_connections + 64)) open files; the limit is $(ulimit -n)"; exit 2
fi

work="$(mktemp -d)"
servers=()       # the two servers, ended on exit
client_pid=""    # the client running now, if any (only one at a time; a finished one's pid may be reused)
cleanup() {
  local pid
  for pid in $client_pid "${servers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $client_pid "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_average() { cut -d' ' -f1-3 /proc/loadavg; }
hz="$(getconf CLK_TCK)"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system CPU of a process, in clock ticks
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# Live heap of our JVM in KB: after a full GC (System.gc through jcmd), "used" is what is still referenced.
live_heap_kb() {
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1
}
check=(java -jar "$tools_jar" check -y -s 0 -i 5)
goclient=("$go_bin/goclient")

# start_server NAME COMMAND...: starts it on a free port, waits for its "listening on" line, sets url_NAME, pid_NAME.
start_server() {
  local name=$1; shift
  "$@" >"$work/$name.log" 2>&1 &
  local pid=$! port=""
  servers+=("$pid")
  for _ in $(seq 1 300); do
    port="$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/$name.log" | head -1)"
    [[ -n "$port" ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { say "$name did not start within 30 s"; exit 1; }
  printf -v "url_$name" 'ws://127.0.0.1:%s/' "$port"
  printf -v "pid_$name" '%s' "$pid"
  say "$name: pid $pid on ws://127.0.0.1:$port/"
}

# The figures, several samples each: samples[figure|client|server]="v1 v2 ...".
declare -A samples=()
failures=()
run_count=0
add() { [[ -n "$4" ]] && samples["$1|$2|$3"]+="$4 "; return 0; }

# run_client OUT MARKER COMMAND...: runs the client in the background; counts the server's ($server_pid) CPU
# from the client's MARKER line (end of its warm-up; "" = from the start) to its end, into $measured_ticks.
run_client() {
  local out=$1 marker=$2; shift 2
  local before="" status=0
  [[ -z "$marker" ]] && before="$(ticks "$server_pid")"
  "$@" >"$out" 2>&1 &
  client_pid=$!
  for _ in $(seq 1 6000); do # 300 s at most
    [[ -n "$before" ]] && break
    grep -qE "$marker" "$out" && { before="$(ticks "$server_pid")"; break; }
    kill -0 "$client_pid" 2>/dev/null || break
    sleep 0.05
  done
  wait "$client_pid" || status=$?
  client_pid=""
  measured_ticks=$(($(ticks "$server_pid") - ${before:-$(ticks "$server_pid")}))
  if ((status != 0)); then
    failures+=("$(basename "$out" .txt): exit $status: $(grep -E '^(FAILED|goclient|mode=)' "$out" | tail -1)")
  fi
}
per_each_us() { awk -v t="$1" -v hz="$hz" -v n="$2" 'BEGIN {if (n > 0) printf "%.1f", t * 1e6 / hz / n}'; }
kv() { { grep -o " $2=[^ ]*" "$1" || true; } | tail -1 | cut -d= -f2; }        # a key of goclient's result line
nio_load() { sed -n 's/.*latency p50\/p99\/p99.9\/max = \([^ ]*\).*/\1/p' "$1" | cut -d/ -f"$2" | tr -d ms; }

# measure FIGURE CLIENT SERVER: one sample of load | rtt | connect | after (connect right after a mass
# disconnect, no warm-up) by client nio | go against server ours | go.
measure() {
  local figure=$1 client=$2 server=$3 url_var="url_$3" pid_var="pid_$3"
  local url=${!url_var} out="$work/$1-$2-$3-$((++run_count)).txt" c=50 secs=$load_seconds w=$warmup
  local marker="" msgs p50 p99 echoes rate
  say "  $figure: $client client, $server"
  server_pid=${!pid_var}
  [[ $figure == rtt ]] && c=1 secs=$rtt_seconds
  [[ $figure == after ]] && w=0
  if [[ $client == nio ]]; then
    local args=(--client nio)
    ((w > 0)) && args+=(--warmup "$w") && marker='^Warm-up:'
    case $figure in
      load | rtt) args+=(-c "$c" --load "$secs" --message-size 32) ;;
      *) args+=(-c "$rate_connections" --echo) ;;
    esac
    run_client "$out" "$marker" "${check[@]}" "${args[@]}" "$url"
    msgs="$(sed -n 's/.* echoes, \([0-9]*\) msgs\/s.*/\1/p' "$out")"
    echoes="$(sed -n 's/.*: \([0-9]*\) echoes,.*/\1/p' "$out")"
    p50="$(nio_load "$out" 1)" p99="$(nio_load "$out" 2)"
    rate="$(sed -n 's/.* = \([0-9]*\) connections\/s.*/\1/p' "$out" | tail -1)"
  else
    local args=(-warmup "${w}s")
    ((w > 0)) && marker='^goclient: measuring'
    case $figure in
      load | rtt) args+=(-mode "$([[ $figure == rtt ]] && echo rtt || echo load)" -size 32 -d "${secs}s") ;;
      *) args+=(-mode connect -c "$rate_connections") ;;
    esac
    run_client "$out" "$marker" "${goclient[@]}" "${args[@]}" "$url"
    msgs="$(kv "$out" msgs_per_s)" echoes="$(kv "$out" echoes)" p50="$(kv "$out" p50_ms)" p99="$(kv "$out" p99_ms)"
    rate="$(kv "$out" conns_per_s)"
  fi
  case $figure in
    load | rtt)
      add "$figure.msgs" "$client" "$server" "$msgs"; add "$figure.p50" "$client" "$server" "$p50"
      add "$figure.p99" "$client" "$server" "$p99"
      add "$figure.cpu" "$client" "$server" "$(per_each_us "$measured_ticks" "${echoes:-0}")" ;;
    *)
      add "$figure.rate" "$client" "$server" "$rate"
      add "$figure.cpu" "$client" "$server" "$(per_each_us "$measured_ticks" "$rate_connections")" ;;
  esac
}

# hold CLIENT SERVER: $idle_connections held idle $hold_seconds s and echoed before and after, by check
# (Jetty's client; the NIO client does not hold) or goclient; the server's memory while they are held; then
# right after they all close (the mass disconnect) the connect rate with the matching client.
hold() {
  local client=$1 server=$2 url_var="url_$2" pid_var="pid_$2"
  say "  hold: $client client, $server"
  local url=${!url_var} pid=${!pid_var} out="$work/hold-$client-$server.txt" cmd status=0
  server_pid=$pid
  local rss_before heap_before="" rss_held heap_held=""
  rss_before="$(rss_kb "$pid")"
  [[ $server == ours ]] && heap_before="$(live_heap_kb "$pid")"
  if [[ $client == nio ]]; then
    cmd=("${check[@]}" -c "$idle_connections" -d 60000 --echo --hold "$hold_seconds" "$url")
  else
    cmd=("${goclient[@]}" -mode hold -c "$idle_connections" -hold "${hold_seconds}s" -timeout 60s "$url")
  fi
  "${cmd[@]}" >"$out" 2>&1 &
  client_pid=$!
  for _ in $(seq 1 3000); do # 300 s at most
    grep -qE '^(Holding|goclient: holding)' "$out" && break
    kill -0 "$client_pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep "$(awk -v h="$hold_seconds" 'BEGIN {print (h > 6) ? 3 : h / 2}')" # let the server settle, all open
  rss_held="$(rss_kb "$pid")"
  [[ $server == ours ]] && heap_held="$(live_heap_kb "$pid")"
  wait "$client_pid" || status=$?
  client_pid=""
  ((status == 0)) || failures+=("hold-$client-$server: exit $status: $(grep -E '^(FAILED|goclient|mode=)' "$out" | tail -1)")
  measure after "$client" "$server" # at once: the server may still be tearing the held connections down
  local held echoed
  if [[ $client == nio ]]; then
    held="$(sed -n 's/^Total: [0-9]*, Dialing: [0-9]*, Established: \([0-9]*\),.*/\1/p' "$out" | tail -1)"
    echoed=$([[ $status == 0 ]] && echo "$held" || echo "?")
  else
    held="$(kv "$out" held)" echoed="$(kv "$out" echoed)"
  fi
  add held "$client" "$server" "${held:-0}"; add echoed "$client" "$server" "${echoed:-0}"
  add rss.held "$client" "$server" "$((rss_held / 1024))"
  local rss_per heap_per=0
  rss_per="$(awk -v a="$rss_before" -v b="$rss_held" -v n="$idle_connections" 'BEGIN {printf "%.1f", (b - a) / n}')"
  [[ $server == ours ]] && heap_per="$(awk -v a="${heap_before:-0}" -v b="${heap_held:-0}" -v n="$idle_connections" 'BEGIN {printf "%.1f", (b - a) / n}')"
  add rss.per "$client" "$server" "$rss_per"
  # What a connection costs: Go's RSS includes its heap; our heap is pre-touched, so its live growth is added.
  add mem.per "$client" "$server" "$(awk -v r="$rss_per" -v h="$heap_per" 'BEGIN {printf "%.1f", r + h}')"
  [[ $server == ours ]] && add heap.per "$client" "$server" "$heap_per"
  return 0
}

started_load="$(load_average)"
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
# AlwaysPreTouch: the whole heap is resident from the start, so RSS growth is native memory only and the heap's
# share is measured as live heap after a full GC. The long idle timeout keeps the held connections open.
start_server ours java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -jar "$server_jar" --standalone --host 127.0.0.1 \
  --port 0 --idle-timeout 10m
start_server go "$go_bin/goecho" -addr 127.0.0.1:0

# The same warm-up for both: JIT, buffers and pools of our JVM (cold, C2 used as much CPU as the echo threads);
# the Go server gets it too so that both enter the measured rounds having served the same work.
for server in ours go; do
  url_var="url_$server"
  if $smoke; then say "smoke run: no warm-up of $server"; continue; fi
  say "warm-up of $server: 2,000 connections (Jetty client), then 8 s of connects and 8 s of closed loop (NIO), 8 s closed loop (goclient)"
  { "${check[@]}" -c 2000 --echo "${!url_var}"
    "${check[@]}" --client nio -c 1000 --echo --warmup 8 "${!url_var}"
    "${check[@]}" --client nio -c 50 --load 1 --warmup 8 "${!url_var}"
    "${goclient[@]}" -mode load -d 8s "${!url_var}"; } >>"$work/warmup-$server.txt" 2>&1 || true
done

# Idle first, while neither server has held more than the warm-up's connections: RSS growth is meaningful
# only on a server's first large hold (memory freed after it stays with the process, JVM and Go alike).
say "idle: $idle_connections connections held ${hold_seconds} s by check (Jetty client), then by goclient; connect rate right after each"
hold nio ours; hold nio go; hold go go; hold go ours

run_count=0
for round in $(seq 1 "$rounds"); do
  # ours first in odd rounds, Go first in even ones, so neither always runs on the warmer (or busier) machine
  if ((round % 2)); then order=(ours go); else order=(go ours); fi
  say "round $round of $rounds: closed loop 50 × 32 B ${load_seconds} s, connect + first echo $rate_connections, one connection ${rtt_seconds} s (load $(load_average))"
  for figure in load connect rtt; do
    for client in nio go; do
      for server in "${order[@]}"; do measure "$figure" "$client" "$server"; done
    done
  done
done

via_rows=""
if [[ -n "$via_url" ]]; then
  say "this service through $via_url: connect + first echo and closed loop with the NIO client"
  "${check[@]}" --client nio -c "$rate_connections" --echo --warmup "$warmup" "$via_url" >"$work/via-rate.txt" 2>&1 || true
  "${check[@]}" --client nio -c 50 --load "$load_seconds" --message-size 32 --warmup "$warmup" "$via_url" >"$work/via-load.txt" 2>&1 || true
  via_rows="| through $via_url: connect + first echo, conn/s — NIO client | not measured | $(sed -n 's/.* = \([0-9]*\) connections\/s.*/\1/p' "$work/via-rate.txt" | tail -1) | |
| through $via_url: closed loop, msgs/s, p50 / p99 ms — NIO client | not measured | $(sed -n 's/.* echoes, \([0-9]*\) msgs\/s.*/\1/p' "$work/via-load.txt") msgs/s, $(nio_load "$work/via-load.txt" 1) / $(nio_load "$work/via-load.txt" 2) | |"
fi

# cell VALUES: "median (min–max)" of the samples, or the one sample; "—" if none.
cell() { tr ' ' '\n' <<<"$1" | { grep -v '^$' || true; } | sort -g | awk '{v[NR] = $1} END {
  if (NR == 0) { print "—"; exit }
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  format = (NR == 1) ? "%s\n" : "%s (%s–%s)\n"; printf format, m, v[1], v[NR] }'; }
median() { cell "$1" | cut -d' ' -f1; }
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN {if (a != "—" && b != "—" && b + 0 > 0) printf "%.2f", a / b; else print "—"}'; }
# row FIGURE-KEY CLIENT LABEL: one table line, Go, ours, ours / Go.
row() {
  local go="${samples["$1|$2|go"]:-}" ours="${samples["$1|$2|ours"]:-}"
  echo "| $3 | $(cell "$go") | $(cell "$ours") | $(ratio "$ours" "$go") |"
}
client_name() { [[ $1 == nio ]] && echo "${2:-NIO client}" || echo goclient; }

{
  cat <<HEAD

## Side by side: this service vs Go gorilla/websocket, $started_at$($smoke && echo " (smoke run: tiny counts, not figures)" || true)

Machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr); $(java -version 2>&1 | head -1); $(go version | cut -d' ' -f3), gorilla/websocket $(dpkg-query -W -f '${Version}' golang-github-gorilla-websocket-dev 2>/dev/null || echo '?').
Load average (1/5/15 min) at start: $started_load; at end: $(load_average). Both servers, the clients and anything else on the
machine share the cores. $rounds alternating round(s); cells are median (min–max) over the rounds; ratio = this service / Go
of the medians (above 1 is better for rates, below 1 for latency, CPU and memory).
Servers: this service \`java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -jar echo-service.jar --standalone --idle-timeout 10m\`;
Go \`goecho\` (bench/goecho, default gorilla Upgrader, one goroutine per connection). Clients: \`check --client nio\`
(Java, one NIO selector thread), \`check\` (Jetty's client, for the idle hold), \`goclient\` (bench/goclient, gorilla).

| figure | Go gorilla | this service | ratio |
|---|---|---|---|
HEAD
  for client in nio go; do
    row load.msgs "$client" "closed loop, 50 conns × 32 B text, msgs/s — $(client_name "$client")"
    row load.p50 "$client" "… p50 latency, ms — $(client_name "$client")"
    row load.p99 "$client" "… p99 latency, ms — $(client_name "$client")"
    row load.cpu "$client" "… server CPU per echo, µs — $(client_name "$client")"
  done
  for client in nio go; do
    row connect.rate "$client" "connect + first echo, $rate_connections conns, conn/s — $(client_name "$client")"
    row connect.cpu "$client" "… server CPU per connection (connect, echo, close), µs — $(client_name "$client")"
  done
  for client in nio go; do
    row after.rate "$client" "connect + first echo right after $idle_connections disconnected, conn/s — $(client_name "$client")"
  done
  for client in nio go; do
    row rtt.msgs "$client" "one connection, round trips/s — $(client_name "$client")"
    row rtt.p50 "$client" "… p50 round trip, ms — $(client_name "$client")"
  done
  for client in nio go; do
    row held "$client" "idle: of $idle_connections, held ${hold_seconds} s — $(client_name "$client" "check (Jetty client)")"
    row echoed "$client" "… echoing after the hold — $(client_name "$client" "check (Jetty client)")"
    row rss.held "$client" "… server RSS while holding, MB — $(client_name "$client" "check (Jetty client)")"
  done
  row mem.per nio "memory per held connection, KB: Go RSS growth / N; ours live heap + RSS growth / N (first large hold, check)"
  row heap.per nio "… of which our live heap (pre-touched, so not in our RSS growth), KB"
  row rss.per nio "… RSS growth / N alone, KB"
  [[ -n "$via_rows" ]] && echo "$via_rows"
  echo
  if ((${#failures[@]})); then
    echo "Runs that failed (their figures, if any, are in the table):"
    printf -- '- %s\n' "${failures[@]}"
  else
    echo "Every client run passed (all connections established, every echo answered)."
  fi
}
