#!/usr/bin/env bash
# The chaos soak of issue 11 (e2e/.../ChaosE2E.java): random faults against the compose stack (kill / stop /
# restart an instance, kill / restart a Consul server, cut an echo host off its network and back, restart
# nginx), one at a time with recovery gaps, while clients through nginx check every echo and a 20 ms sampler
# watches for two instances serving. Ends with a table per fault type (also in e2e/target/chaos-report.md);
# exits non-zero on any wrong or duplicated reply, overlap, or message lost on an open connection.
# Usage: scripts/chaos.sh [--minutes N] [--seed S]      (from any directory; needs Docker)
# It builds the service jar, then runs scripts/compose-e2e.sh (own compose project, torn down on exit) with
# only ChaosE2E. Heavy: on shared machines run it as  flock /tmp/echo-heavy.lock scripts/chaos.sh ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

minutes=1
seed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=${2:?--minutes needs a value}; shift 2 ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "chaos.sh: unknown argument $1 (usage: scripts/chaos.sh [--minutes N] [--seed S])" >&2; exit 2 ;;
  esac
done
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "chaos.sh: --minutes must be a number, was $minutes" >&2; exit 2; }
[ -z "$seed" ] || [[ "$seed" =~ ^-?[0-9]+$ ]] || { echo "chaos.sh: --seed must be an integer, was $seed" >&2; exit 2; }

version_args
echo "chaos.sh: building target/echo-service.jar (version $VERSION_DESCRIBE)"
maven -q package -DskipTests -pl :echo-service -am "${VERSION_ARGS[@]}"

# The soak outlasts the usual bounds of one test (5 min) and of the test JVM (20 min): the soak, plus time for
# the last fault's recovery and the report.
bound_minutes=$(awk -v m="$minutes" 'BEGIN { printf "%d", m + 10.999 }')
args=(-Dit.test.timeout="$bound_minutes m" -Dit.fork.timeout=$(( bound_minutes * 60 + 300 )) -Dit.test=ChaosE2E -Dit.failIfNoSpecifiedTests=false -Dsurefire.failIfNoSpecifiedTests=false -De2e.chaos.minutes="$minutes")
[ -z "$seed" ] || args+=(-De2e.chaos.seed="$seed")
echo "chaos.sh: soak of $minutes min${seed:+, seed $seed}; uptime: $(uptime)"
status=0
scripts/compose-e2e.sh "${args[@]}" || status=$?
echo "chaos.sh: report in e2e/target/chaos-report.md; exit $status"
exit "$status"
