#!/usr/bin/env bash
# Benchmark of one standalone instance on this machine, driven by the `check` tool from the same jar: its lean
# java.nio client (--client nio) for the connect rate and the closed loop, Jetty's client for the idle hold.
# Prints a Markdown table (date, machine, load) comparing each figure with the target from issue 5.
#   ./bench.sh                     # all figures, about 3 minutes
#   BENCH_IDLE=5000 ./bench.sh     # fewer idle connections (default 19000)
#   BENCH_VIA=ws://127.0.0.1:8081/ ./bench.sh   # also the rate and the closed loop through that URL, e.g. the
#                                               # compose stack's nginx (start it first), for the proxy overhead
# Client and server share the cores, as the targets assume. The server gets a long idle timeout so the held
# connections outlive the slow part of the run; nothing else about it is tuned here.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/echo-service.jar"
idle_connections="${BENCH_IDLE:-19000}"
rate_connections="${BENCH_RATE_CONNECTIONS:-5000}"
load_seconds="${BENCH_LOAD_SECONDS:-10}"
via_url="${BENCH_VIA:-}"

if [[ ! -f "$jar" ]]; then
  echo "bench.sh: $jar not found; build it first: (cd $here && ./build.sh)" >&2
  exit 2
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

load_average() { cut -d' ' -f1-3 /proc/loadavg; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
# Live heap in KB: after a full GC (System.gc through jcmd), "used" is what is still referenced.
live_heap_kb() {
  jcmd "$server_pid" GC.run >/dev/null 2>&1 || true
  jcmd "$server_pid" GC.heap_info 2>/dev/null | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1
}
# Server CPU (user + system) so far, in clock ticks; with the counts it gives CPU per connection and per echo.
server_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
ticks_per_second="$(getconf CLK_TCK)"
micros_each() { awk -v t="$1" -v hz="$ticks_per_second" -v n="$2" 'BEGIN {if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "?"}'; }
check() { java -jar "$jar" check -y -s 0 -i 5 "$@"; }
nio_check() { check --client nio "$@"; }
# Runs nio_check with --warmup in the background and counts the server's CPU from the end of its warm-up (the
# "Warm-up:" line) to its end, into $measured_ticks: JIT compilation of either side stays out of the figures.
measure_nio() {
  local output="$1"; shift
  nio_check "$@" >"$output" 2>&1 &
  local pid=$! before=""
  for _ in $(seq 1 1200); do
    grep -q '^Warm-up:' "$output" && { before="$(server_ticks)"; break; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  wait "$pid" || true
  measured_ticks=$(($(server_ticks) - ${before:-$(server_ticks)}))
}
# The value after "label" in the file, e.g. field "= " gets "7123" from "… = 7123 connections/s".
after() { sed -n "s/.*$2\([0-9.]*\).*/\1/p" "$1" | tail -1; }

started_load="$(load_average)"
# AlwaysPreTouch: the whole heap is resident from the start, so RSS growth is native memory only and the heap's
# share is measured as live heap after a full GC (the warm-up touches the heap and would hide it from RSS).
java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -jar "$jar" --standalone --host 127.0.0.1 --port 0 --idle-timeout 10m \
  >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -1)"
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$port" ]] || { echo "bench.sh: the server did not start within 30 s" >&2; exit 1; }
url="ws://127.0.0.1:$port/"
echo "server pid $server_pid on $url; warming up both sides" >&2

# Warm-up of the server: both clients' code paths, JIT (C2 used as much CPU as the echo threads in a cold
# 40 s run), buffers and pools filled; RSS is measured from here. Each measured run warms its own client up too.
check -c 2000 --echo "$url" >"$work/warmup.txt" 2>&1 || true
nio_check -c 1000 --echo --warmup 8 "$url" >>"$work/warmup.txt" 2>&1 || true
nio_check -c 50 --load 1 --warmup 8 "$url" >>"$work/warmup.txt" 2>&1 || true

echo "connect + first echo: $rate_connections connections" >&2
measure_nio "$work/rate.txt" -c "$rate_connections" --echo --warmup 3 "$url"
server_us_per_connection="$(micros_each "$measured_ticks" "$rate_connections")"
rate="$(after "$work/rate.txt" 's = ')"

echo "closed-loop echo: 50 connections, 32-byte messages, $load_seconds s" >&2
measure_nio "$work/load.txt" -c 50 --load "$load_seconds" --message-size 32 --warmup 3 "$url"
load_ticks=$measured_ticks
echoes="$(sed -n 's/.*: \([0-9]*\) echoes,.*/\1/p' "$work/load.txt")"
server_us_per_echo="$(micros_each "$load_ticks" "${echoes:-0}")"
msgs="$(sed -n 's/.* echoes, \([0-9]*\) msgs\/s.*/\1/p' "$work/load.txt")"
latencies="$(sed -n 's/.*p50\/p99\/p99.9\/max = \([^ ]*\).*/\1/p' "$work/load.txt")"
p50="$(cut -d/ -f1 <<<"$latencies")"
p99="$(cut -d/ -f2 <<<"$latencies")"

via_row="| the same through nginx | report the overhead | not measured: set BENCH_VIA to the compose stack's URL | |"
if [[ -n "$via_url" ]]; then
  echo "through $via_url: warm-up, connect + first echo, closed loop" >&2
  nio_check -c 500 --echo --warmup 5 "$via_url" >"$work/via-warmup.txt" 2>&1 || true
  nio_check -c "$rate_connections" --echo --warmup 3 "$via_url" >"$work/via-rate.txt" 2>&1 || true
  nio_check -c 50 --load "$load_seconds" --message-size 32 --warmup 3 "$via_url" >"$work/via-load.txt" 2>&1 || true
  via_rate="$(after "$work/via-rate.txt" 's = ')"
  via_msgs="$(sed -n 's/.* echoes, \([0-9]*\) msgs\/s.*/\1/p' "$work/via-load.txt")"
  via_latencies="$(sed -n 's/.*p50\/p99\/p99.9\/max = \([^ ]*\).*/\1/p' "$work/via-load.txt")"
  via_row="| the same through $via_url | report the overhead | ${via_rate:-?} connections/s; ${via_msgs:-?} msgs/s, p50 / p99 $(cut -d/ -f1 <<<"$via_latencies") / $(cut -d/ -f2 <<<"$via_latencies") | |"
fi

echo "idle: $idle_connections connections held, echo before and after" >&2
heap_before="$(live_heap_kb)"
rss_before="$(rss_kb)"
check -c "$idle_connections" -d 60000 --echo --hold 15 "$url" >"$work/idle.txt" 2>&1 &
check_pid=$!
for _ in $(seq 1 3000); do
  grep -q '^Holding' "$work/idle.txt" && break
  kill -0 "$check_pid" 2>/dev/null || break
  sleep 0.1
done
sleep 3 # let the server settle with every connection open
rss_held="$(rss_kb)"
heap_held="$(live_heap_kb)"
idle_status=0
wait "$check_pid" || idle_status=$?
idle_verdict="$(grep -E '^(OK|FAILED):' "$work/idle.txt" | tail -1)"
held="$(sed -n 's/^Total: [0-9]*, Dialing: [0-9]*, Established: \([0-9]*\),.*/\1/p' "$work/idle.txt" | tail -1)"
native_kb="$(awk -v a="$rss_before" -v b="$rss_held" -v n="$idle_connections" 'BEGIN {printf "%.1f", (b - a) / n}')"
heap_kb="$(awk -v a="${heap_before:-0}" -v b="${heap_held:-0}" -v n="$idle_connections" 'BEGIN {printf "%.1f", (b - a) / n}')"
per_connection_kb="$(awk -v a="$native_kb" -v b="$heap_kb" 'BEGIN {printf "%.1f", a + b}')"

verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN {
  if (v == "") { print "not measured"; exit }
  ok = (dir == "min") ? (v + 0 >= t + 0) : (v + 0 <= t + 0); print ok ? "met" : "NOT met" }'; }

cat <<TABLE

## Benchmark: one standalone instance, $(date -u '+%Y-%m-%d %H:%M UTC')

Machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr), $(java -version 2>&1 | head -1).
Server: \`java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -jar target/echo-service.jar --standalone --idle-timeout 10m\`; clients from the same jar on the
same cores: \`check --client nio\` (java.nio, one thread, after its own warm-up) for the rate and the closed loop,
\`check\` (Jetty's WebSocketClient) for the idle connections.
Load average (1/5/15 min) at start: $started_load; at end: $(load_average).

| figure | target | measured | |
|---|---|---|---|
| idle connections held, all echoing after a 15 s hold | 19,000 | ${held:-0} of $idle_connections (${idle_verdict:-no verdict}) | $([[ $idle_status -eq 0 && "$idle_connections" -ge 19000 ]] && echo met || echo "NOT met") |
| memory per held connection (live heap + RSS growth beyond the pre-touched heap, / connections) | ≤ 12 KB | ${per_connection_kb} KB (heap ${heap_kb} KB: $((${heap_before:-0} / 1024)) → $((${heap_held:-0} / 1024)) MB live; native ${native_kb} KB: RSS $((rss_before / 1024)) → $((rss_held / 1024)) MB) | $(verdict "$per_connection_kb" 12 max) |
| connect + first echo rate ($rate_connections connections) | ≥ 7,000/s | ${rate:-?}/s | $(verdict "$rate" 7000 min) |
| closed-loop echo, 50 connections, 32-byte text | ≥ 85,000 msgs/s | ${msgs:-?} msgs/s | $(verdict "$msgs" 85000 min) |
| latency in that run, p50 / p99 | p99 ≤ 3.5 ms | ${p50:-?} / ${p99:-?} | $(verdict "${p99%ms}" 3.5 max) |
$via_row

Server CPU (user + system, from /proc): ${server_us_per_connection} µs per connect + echo + close, ${server_us_per_echo} µs per
echo in the closed loop. On 2 cores shared with the client, 85,000 echoes/s leave about 23 µs per echo for both
sides together, and 7,000 connections/s about 280 µs per connection.
TABLE
