#!/usr/bin/env bash
# The reconnect storm of `./bench.sh --storm [N ...]`: brings up the compose stack (docker-compose.yml) under a
# unique project name, and for each N: N clients through nginx (`check --reconnect`, the NIO client), all held
# and echoing; then `docker kill` of the serving instance; every client reconnects with jittered exponential
# back-off, and check reports when 50 / 99 / 100 % echo again after the first drop and how many attempts that
# took. The killed instance is started again (it comes back as a standby) before the next N. Prints two tables
# (held clients, the storm) with date, machine and load, and where the CPU went during each storm.
# The clients dial nginx's container address on the compose network from the host: not through Docker's
# userland port proxy, which would cost as much CPU as nginx. Files: target/storm/ (client output, compose log,
# profiles; the run before in target/storm.previous/). Needs Docker, ./build.sh (jars), and the 2 cores to
# itself: run it as
#   flock /tmp/echo-heavy.lock ./bench.sh --storm 1000 2500 5000 10000
# Knobs: STORM_DURATION (120s: the bound of each check), STORM_BACKOFF (100ms), STORM_BACKOFF_MAX (1s),
# STORM_DIAL_TIMEOUT (5000 ms: a client gives up a dial or echo and redials), STORM_PROFILE=1 (perf record -a
# during each storm, and JFR in both JVMs; see docs/bench.md), STORM_JAVA_OPTS (JVM options for both instances,
# e.g. -XX:TieredStopAtLevel=1), STORM_ECHO_ENV (environment of both instances, e.g. ECHO_LOG_LEVEL=WARN).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
detect_compose

counts=("$@")
((${#counts[@]})) || counts=(10000)
for n in "${counts[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh --storm: '$n' is not a number of clients" >&2; exit 2; }
done
tools_jar=tools/target/echo-tools.jar
[[ -f $tools_jar && -f target/echo-service.jar ]] || { echo "bench.sh --storm: build first: ./build.sh" >&2; exit 2; }
duration=${STORM_DURATION:-120s} backoff=${STORM_BACKOFF:-100ms} backoff_max=${STORM_BACKOFF_MAX:-1s}
profile=${STORM_PROFILE:-0} dial_timeout=${STORM_DIAL_TIMEOUT:-5000} java_opts=${STORM_JAVA_OPTS:-}
read -ra echo_env <<<"${STORM_ECHO_ENV:-}"
for kv in "${echo_env[@]}"; do
  [[ $kv =~ ^ECHO_[A-Z0-9_]+=[^\"\\$]*$ ]] ||
    { echo "bench.sh --storm: STORM_ECHO_ENV: '$kv' is not ECHO_NAME=value (no \", \\ or \$)" >&2; exit 2; }
done
out=target/storm
project="echo-storm-$$"
export ECHO_IMAGE="echo-service:storm-$$" ECHO_PORT=0 CONSUL_UI_PORT=0
files=(-f docker-compose.yml)
say() { echo "bench.sh --storm [${SECONDS} s]: $*" >&2; }
compose() { "${COMPOSE[@]}" -p "$project" "${files[@]}" "$@"; }
client_pid="" perf_pid=""
cleanup() {
  local status=$?
  for pid in $client_pid $perf_pid; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  say "tearing down $project (logs in $out/compose.log)"
  compose logs --no-color -t >"$out/compose.log" 2>&1 || true
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  docker image rm -f "$ECHO_IMAGE" >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n "$(ulimit -Hn)" # every client is an open file
# The previous run's files stay one run longer: a storm that went wrong is often noticed only after the next.
rm -rf "$out.previous" && { [[ ! -d $out ]] || mv "$out" "$out.previous"; } && mkdir -p "$out"

jfr=""
if [[ $profile == 1 ]]; then jfr="-XX:StartFlightRecording=filename=/data/storm.jfr,dumponexit=true,settings=profile"; fi
if [[ $profile == 1 || -n $java_opts || ${#echo_env[@]} -gt 0 ]]; then
  # JVM options and environment for both instances; JFR written when the JVM exits (the new leader is stopped
  # gracefully after each storm).
  {
    echo "x-jvm: &jvm"
    echo "  environment:"
    [[ -z $jfr$java_opts ]] || echo "    JAVA_TOOL_OPTIONS: \"$jfr $java_opts\""
    for kv in "${echo_env[@]}"; do echo "    ${kv%%=*}: \"${kv#*=}\""; done
    echo "services:"
    echo "  echo1: *jvm"
    echo "  echo2: *jvm"
  } >"$out/compose.jvm.yml"
  files+=(-f "$out/compose.jvm.yml")
fi

cid() { docker ps -aq --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$1"; }
host_of() { case $1 in echo*) echo "agent${1#echo}" ;; *) echo "$1" ;; esac; }  # the namespace owner
ip() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(cid "$(host_of "$1")")"; }
health() { curl -s -m 1 "http://$(ip "$1"):8080/healthz" 2>/dev/null || true; }
role() { health "$1" | sed -n 's/.*"role":"\([a-z]*\)".*/\1/p'; }
leader() { local e; for e in echo1 echo2; do [[ $(role $e) == leader ]] && echo $e; done; return 0; }
steady() { [[ $(leader) != "" && $(role echo1) =~ ^(leader|standby)$ && $(role echo2) =~ ^(leader|standby)$ ]] &&
  curl -sf -m 1 "http://$nginx/healthz" | grep -q '"role":"leader"'; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
pid_of() { docker inspect -f '{{.State.Pid}}' "$(cid "$1")"; }
# CPU ticks (user + system) of a process and its children's threads: /proc/PID/task/*/stat, fields 14 + 15.
ticks() { cat /proc/"$1"/task/*/stat 2>/dev/null | awk '{ t += $14 + $15 } END { print t + 0 }'; }
nginx_ticks() { local p=$1 t; t=$(ticks "$p"); for c in $(pgrep -P "$p"); do t=$((t + $(ticks "$c"))); done; echo "$t"; }
hz=$(getconf CLK_TCK)
# settle: until neither JVM uses more than 10 % of a core over 2 s (a restarted one compiles for a while), at most
# 60 s: a standby that has been up for a while is what a real failover meets.
settle() {
  local i a b
  for ((i = 0; i < 30; i++)); do
    a=$(($(ticks "$(pid_of echo1)") + $(ticks "$(pid_of echo2)"))); sleep 2
    b=$(($(ticks "$(pid_of echo1)") + $(ticks "$(pid_of echo2)")))
    (((b - a) * 100 / hz / 2 <= 10)) && return 0
  done
  say "the JVMs still use more than 10 % of a core after 60 s; measuring anyway"
}
# serving_at CONTAINER: epoch seconds of its last "-> LEADER" log line (the service's own timestamp).
serving_at() {
  date -d "$(docker logs "$1" 2>&1 | grep -- '-> LEADER' | tail -1 | cut -d' ' -f1)" +%s.%N 2>/dev/null || echo ""
}
cpu_s() { awk -v t="$1" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }'; }

say "building image $ECHO_IMAGE and starting stack $project (Consul cluster, 2 echo hosts, nginx)"
build_image "$ECHO_IMAGE"
compose up -d >/dev/null 2>&1
nginx="$(ip agent-nginx):80"
await "a leader behind nginx at $nginx" 120 steady
say "stack up; clients dial nginx's container address ws://$nginx/ from the host (no Docker port proxy)"
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')" started_load="$(load_average)"
held_rows=() storm_rows=() cpu_rows=()

for n in "${counts[@]}"; do
  await "one leader, one standby" 120 steady
  settle
  old=$(leader) new=$([[ $(leader) == echo1 ]] && echo echo2 || echo echo1)
  log="$out/storm-$n.txt"
  say "N=$n: $n clients through nginx to $old (load $(load_average))"
  java -Xss256k -jar "$tools_jar" check --reconnect -y -c "$n" -s 0 -d "$dial_timeout" -i 1 --duration "$duration" \
    --backoff "$backoff" --backoff-max "$backoff_max" "ws://$nginx/" >"$log" 2>&1 &
  client_pid=$!
  for _ in $(seq 1 1200); do # 120 s at most
    grep -q '^Holding ' "$log" && break
    kill -0 "$client_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q '^Holding ' "$log"; then
    say "N=$n: not all clients echoed: $(grep -E '^(FAILED|Echoing)' "$log" | tail -1)"
    kill -INT "$client_pid" 2>/dev/null || true; wait "$client_pid" || true; client_pid=""
    held_rows+=("| $n | $(sed -n 's/^Echoing: \([0-9]*\) of.*/\1/p' "$log" | tail -1) | — | no |"); continue
  fi
  sleep 2 # the fill's last echoes and close lines settle
  server_conns=$(health "$old" | sed -n 's/.*"connections":\([0-9]*\).*/\1/p')
  fill=$(sed -n 's/.*all echoed \([0-9.]*\) s after the first dial.*/\1/p' "$log")
  held_rows+=("| $n | $n | ${server_conns:-?} | $fill s |")
  nginx_t0=$(nginx_ticks "$(pid_of nginx)") new_t0=$(ticks "$(pid_of "$new")")
  if [[ $profile == 1 ]]; then
    perf record -a -g -F 499 -o "$out/perf-$n.data" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  load_before="$(load_average)" t0=$(date +%s.%N)
  echo "$t0" >"$out/kill-$n.epoch" # to cut the profiles to the storm
  say "N=$n: all $n echoing ($server_conns on $old); docker kill $old"
  docker kill "$(cid "$old")" >/dev/null
  wait "$client_pid" || true
  client_pid=""
  t1=$(date +%s.%N)
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"; wait "$perf_pid" || true; perf_pid=""
    perf report -i "$out/perf-$n.data" --stdio --sort pid,comm --no-children -g none 2>/dev/null |
      grep '%' | head -40 >"$out/perf-$n-by-thread.txt" || true
  fi
  serving=$(serving_at "$(cid "$new")")
  after_kill=$([[ -n $serving ]] && awk -v a="$t0" -v b="$serving" 'BEGIN { printf "%.2f s", b - a }' || echo "?")
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  line=$(grep '^RECOVERY ' "$log" || echo "RECOVERY")
  kv() { grep -o " $1=[^ ]*" <<<"$line" | cut -d= -f2; }
  cpu_rows+=("| $n | $wall s | $(cpu_s $(($(ticks "$(pid_of "$new")") - new_t0))) s | $(cpu_s $(($(nginx_ticks "$(pid_of nginx)") - nginx_t0))) s | $(awk -v m="$(kv client_cpu_ms)" 'BEGIN { printf "%.1f", m / 1000 }') s |")
  ms_s() { [[ -n $1 && $1 != - ]] && awk -v m="$1" 'BEGIN { printf "%.2f s", m / 1000 }' || echo "not reached"; }
  storm_rows+=("| $n | $after_kill | $(ms_s "$(kv p50_ms)") | $(ms_s "$(kv p99_ms)") | $(ms_s "$(kv p100_ms)") | $(kv attempts) ($(kv failed) failed) | $(kv dropped) | $load_before |")
  say "N=$n: $(grep -E '^Echoing again|^(OK|FAILED)' "$log" | tr '\n' ' ')"
  if [[ $profile == 1 ]]; then # the new leader's recording: written when it stops gracefully
    compose stop -t 20 "$new" >/dev/null 2>&1 || true
    docker cp "$(cid "$new"):/data/storm.jfr" "$out/jfr-$n-$new.jfr" >/dev/null 2>&1 || say "no JFR recording from $new"
    compose start "$new" >/dev/null 2>&1
  fi
  compose start "$old" >/dev/null 2>&1 # back as a standby (as it would after a restart by policy)
done

cat <<EOF

## Reconnect storm through nginx, $started_at

Machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr); $(java -version 2>&1 | head -1).
Load average (1/5/15 min) at start: $started_load; at end: $(load_average). The clients, nginx, both JVMs and six Consul
agents share the cores. Stack: docker-compose.yml (nginx $(docker inspect -f '{{.Config.Image}}' "$(cid nginx)"), Consul $(docker inspect -f '{{.Config.Image}}' "$(cid consul1)")).
Clients: \`check --reconnect\` (NIO client, one thread) on the host, dialling nginx's container address
ws://$nginx/ directly (not through Docker's userland port proxy); back-off $backoff doubling to $backoff_max, equal jitter;
a dial or echo unanswered for $dial_timeout ms is given up and redialled.${java_opts:+ JVM options of both instances: $java_opts.}

| clients | held and echoing through nginx | connections on the leader | all echoing after |
|---|---|---|---|
$(printf '%s\n' "${held_rows[@]}")

\`docker kill\` of the serving instance, then every client reconnects. The new leader's gate opened (its log line
\`-> LEADER\`) that long after the kill; the echoing shares are timed from the first drop a client saw (a few ms
after the kill):

| clients | new leader serving (after the kill) | 50 % echoing again | 99 % | 100 % | reconnect attempts | dropped | load before the kill |
|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${storm_rows[@]}")

CPU from the kill until the client ended (user + system; the window has 2 cores × its length to give):

| clients | window | new leader JVM | nginx (workers) | client |
|---|---|---|---|---|
$(printf '%s\n' "${cpu_rows[@]}")
EOF
