#!/usr/bin/env bash
# Failure measurements on the cluster stack of docker-compose.yml (three Consul servers, an agent per host, two
# echo instances, nginx): for each scenario and run, a 50 ms probe through nginx
# (java -jar tools/target/echo-tools.jar probe) while every instance's /healthz role is sampled every ~50 ms; then
# the fault; then the stack is restored. Prints one line per run and a summary; files in target/cluster-measure/.
# Usage: scripts/cluster-measure.sh [RUNS] [SCENARIO...]       (from any directory; RUNS default 2)
#   scenarios: raft-kill raft-stop follower-kill instance-kill host-kill agent-disconnect serf-standby
#   serf-standby: SIGKILL of the standby's host, times only the servers' serfHealth verdict (no probe).
# Env: CONSUL_GOSSIP=fast|default (consul/gossip-*.hcl; fast as in docker-compose.yml), PROBE_DURATION (40s). Needs Docker and ./build.sh.
# Wrap it as a heavy run: flock /tmp/echo-heavy.lock scripts/cluster-measure.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
detect_compose

runs=${1:-2}; shift || true
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(raft-kill raft-stop follower-kill instance-kill host-kill agent-disconnect)
probe_duration=${PROBE_DURATION:-40s}
project="echo-measure-$$"
out="target/cluster-measure"
export ECHO_IMAGE="echo-service:measure-$$" ECHO_PORT=0 CONSUL_UI_PORT=0 CONSUL_GOSSIP=${CONSUL_GOSSIP:-fast}
compose() { "${COMPOSE[@]}" -p "$project" -f docker-compose.yml "$@"; }
bg=()
cleanup() {
  local status=$?
  echo "cluster-measure: tearing down $project"
  for pid in "${bg[@]}"; do kill "$pid" 2>/dev/null || true; done
  compose logs --no-color -t > "$out/compose.log" 2>&1 || true
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  docker image rm -f "$ECHO_IMAGE" >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
cid() { docker ps -aq --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$1"; }
host_of() { case $1 in echo*) echo "agent${1#echo}" ;; *) echo "$1" ;; esac; }
ip() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(cid "$(host_of "$1")")"; }
# Addresses are looked up once per run (docker calls are slow); IP[name] after remember_ips.
declare -A IP
remember_ips() { local s; for s in consul1 consul2 consul3 echo1 echo2; do IP[$s]=$(ip $s); done; }
role() { curl -s -m 0.3 "http://${IP[$1]:-$(ip "$1")}:8080/healthz" 2>/dev/null | sed -n 's/.*"role":"\([a-z]*\)".*/\1/p' || true; }
serving() { local e; for e in echo1 echo2; do [ "$(role $e)" = leader ] && echo "$e"; done; return 0; }
# The raft leader as a live server sees it ("10.1.2.3:8300"), mapped back to its service name.
raft_leader() {
  local s addr
  for s in consul1 consul2 consul3; do
    addr=$(curl -s -m 0.5 "http://$(ip $s):8500/v1/status/leader" 2>/dev/null | tr -d '"') || continue
    [ -n "$addr" ] || continue
    for t in consul1 consul2 consul3; do [ "$(ip $t):8300" = "$addr" ] && { echo "$t"; return 0; }; done
  done
  return 1
}
steady() {
  [ "$(serving)" != "" ] && [ "$(serving | wc -l)" = 1 ] && [ -n "$(role echo1)" ] && [ -n "$(role echo2)" ] \
    && raft_leader >/dev/null && curl -sf -m 1 "http://$nginx/healthz" | grep -q '"role":"leader"' \
    && curl -s -m 1 "http://$(ip consul1):8500/v1/operator/autopilot/health" | grep -q '"FailureTolerance":1'
  # (autopilot: all three servers are healthy voters again; a restarted server is a non-voter for a while)
}
# serfHealth of NODE as the servers' catalog has it (stale read: any live server answers).
serf_status() {
  local s
  for s in consul1 consul2 consul3; do
    curl -s -m 0.3 "http://${IP[$s]}:8500/v1/health/node/$1?stale" 2>/dev/null \
      | grep -o '"CheckID":"serfHealth","Name":"[^"]*","Status":"[a-z]*"' | sed 's/.*"Status":"//; s/"//' && return 0
  done
  echo unknown
}
# Polls serfHealth of NODE every ~50 ms until critical (at most 60 s); prints ms since T0.
serf_verdict() {
  local node=$1 t0=$2 i
  for ((i = 0; i < 1200; i++)); do
    [ "$(serf_status "$node")" = critical ] && { ms "$t0" "$(now)"; return 0; }
    sleep 0.05
  done
  echo ">60000"
}
# Every ~50 ms until $1 (epoch): the time and both roles; a round with two "leader" is an overlap.
sample_roles() { while [ "$(now | cut -d. -f1)" -lt "$1" ]; do echo "$(now) $(role echo1) $(role echo2)"; sleep 0.05; done; }
# Epoch of the first line after T0 in SERVICE's log matching PATTERN (docker's receive timestamps).
log_time() {
  local ts
  ts=$(docker logs -t --since "$(date -u -d "@$2" +%Y-%m-%dT%H:%M:%S.%NZ)" "$(cid "$1")" 2>&1 | grep -m1 -E -e "$3" | cut -d' ' -f1) || true
  [ -n "$ts" ] && date -d "$ts" +%s.%N || echo ""
}

restore() {
  local target=$1 host
  host=$(host_of "$target")
  case $scenario in
    raft-kill|raft-stop|follower-kill) docker start "$(cid "$target")" >/dev/null ;;
    instance-kill) docker start "$(cid "$target")" >/dev/null ;;
    host-kill|serf-standby) docker start "$(cid "$host")" >/dev/null; docker start "$(cid "$target")" >/dev/null ;;
    agent-disconnect)
      docker network connect "$net" "$(cid "$host")"
      # The agent bound its old address and the instance sits in the old namespace: restart both, host first.
      docker stop -t 10 "$(cid "$target")" >/dev/null; docker restart "$(cid "$host")" >/dev/null
      docker start "$(cid "$target")" >/dev/null ;;
  esac
  IP=(); await "steady stack after $scenario" 90 steady
}

run_one() {
  local run=$1 leader other target t0 t_fault end probe_log samples longest two gap opened stopped serf="" e t by=""
  await "steady stack" 90 steady
  IP=(); remember_ips
  leader=$(serving); other=echo1; [ "$leader" = echo1 ] && other=echo2
  case $scenario in
    raft-kill|raft-stop) target=$(raft_leader) ;;
    follower-kill) target=consul1; [ "$(raft_leader)" = consul1 ] && target=consul2 ;;
    serf-standby) target=$other ;;
    *) target=$leader ;;
  esac
  probe_log="$out/$scenario-$run.probe"; samples="$out/$scenario-$run.roles"
  t0=$(now)
  if [ "$scenario" != serf-standby ]; then
    java -jar tools/target/echo-tools.jar probe --interval 50ms --duration "$probe_duration" --max-outage 60s \
      "ws://$nginx/" > "$probe_log" 2>/dev/null & bg+=($!)
    # The JVM may take seconds to start on a busy machine: the fault comes 3 s after the probe's first line.
    await "the probe to start" 30 grep -q '^Probing' "$probe_log"
    end=$(( $(date +%s) + ${probe_duration%s} )); sample_roles "$end" > "$samples" & bg+=($!)
    sleep 3
  fi
  t_fault=$(now)
  case $scenario in
    raft-kill|follower-kill|instance-kill) docker kill "$(cid "$target")" >/dev/null ;;
    raft-stop) docker stop -t 10 "$(cid "$target")" >/dev/null ;;
    host-kill|serf-standby) docker kill "$(cid "$target")" "$(cid "$(host_of "$target")")" >/dev/null ;;
    agent-disconnect) docker network disconnect "$net" "$(cid "$(host_of "$target")")" ;;
  esac
  case $scenario in host-kill|agent-disconnect|serf-standby) serf=$(serf_verdict "$(host_of "$target")" "$t_fault") ;; esac
  if [ "$scenario" != serf-standby ]; then
    wait "${bg[@]}" 2>/dev/null || true; bg=()
    longest=$(sed -n 's/^Longest outage: \([0-9.]*\) \(ms\|s\) .*/\1 \2/p' "$probe_log" \
      | awk '{ printf "%d", ($2 == "s") ? $1 * 1000 : $1 }')
    two=$(awk '$2 == "leader" && $3 == "leader"' "$samples" | wc -l)
    # From the instances' logs: when the old leader stopped serving (its kill, or its own log line) and when
    # a leader next opened its gate (either instance); a negative gap would be two serving at once.
    opened=""
    for e in echo1 echo2; do
      t=$(log_time "$e" "$t_fault" '-> LEADER')
      if [ -n "$t" ] && { [ -z "$opened" ] || awk -v a="$t" -v b="$opened" 'BEGIN { exit !(a < b) }'; }; then
        opened=$t; by=$e
      fi
    done
    case $scenario in instance-kill|host-kill) stopped=$t_fault ;;
      *) stopped=$(log_time "$leader" "$t0" 'stopped serving|-> STOPPING') ;; esac
    if [ -z "$stopped" ]; then gap="$leader kept serving"
    elif [ -z "$opened" ]; then gap="$leader stopped, nobody opened within the run"
    else gap="$leader stopped -> $by opened $(ms "$stopped" "$opened") ms later"; fi
    printf '%-16s run %s  target %-8s longest outage %6s ms  two-serving samples %s/%s  %s%s\n' \
      "$scenario" "$run" "$target" "${longest:-0}" "$two" "$(wc -l < "$samples")" "$gap" \
      "${serf:+  serfHealth critical after $serf ms}" | tee -a "$out/results.txt"
  else
    printf '%-16s run %s  target %-8s serfHealth critical after %s ms\n' "$scenario" "$run" "$(host_of "$target")" "$serf" \
      | tee -a "$out/results.txt"
  fi
  restore "$target"
}

mkdir -p "$out"; rm -f "$out"/*.probe "$out"/*.roles
[ -f target/echo-service.jar ] && [ -f tools/target/echo-tools.jar ] || { echo "cluster-measure: run ./build.sh first"; exit 1; }
echo "cluster-measure: building $ECHO_IMAGE; stack $project, gossip $CONSUL_GOSSIP, $runs run(s) of: ${scenarios[*]}"
build_image "$ECHO_IMAGE"
compose up -d
nginx=$(compose port agent-nginx 80)
net=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$(cid agent1)")
echo "cluster-measure: nginx at $nginx, network $net" | tee -a "$out/results.txt"
node_faults=0
for scenario in "${scenarios[@]}"; do
  for ((r = 1; r <= runs; r++)); do run_one "$r"; done
  [ "$scenario" = instance-kill ] || node_faults=$((node_faults + runs))
done
# Each node fault but a kill of consul1 itself shows as one failed member in consul1's log; more are flaps.
echo "cluster-measure: serf member-failed events in consul1's log: $(docker logs "$(cid consul1)" 2>&1 \
  | grep -c 'EventMemberFailed' || true) (node faults injected: $node_faults)" | tee -a "$out/results.txt"
