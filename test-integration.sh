#!/usr/bin/env bash
# Everything ./test.sh does, then the integration tests: Failsafe *IT against a real Consul in Docker
# (Testcontainers; image from CONSUL_IMAGE, default hashicorp/consul:1.20) and real JVMs of the built jar,
# then the compose phase (scripts/compose-e2e.sh) when present.
# Usage: ./test-integration.sh [extra Maven arguments]       (from any directory; needs Docker)
# On this build machine first: eval "$(../shared/offline-docker/setup.sh)"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib.sh

started=$SECONDS
# Tag what this run starts, so the trap removes exactly that (no Ryuk here: tests stop what they start,
# this is the safety net when a test JVM dies).
export ECHO_IT_RUN="it-$$-$RANDOM"
cleanup() {
  local status=$?
  local left
  left=$(docker ps -aq --filter "label=echo.it.run=$ECHO_IT_RUN" 2>/dev/null || true)
  if [ -n "$left" ]; then
    echo "test-integration.sh: removing leftover containers of $ECHO_IT_RUN"
    docker rm -f $left >/dev/null 2>&1 || true
  fi
  local pids
  pids=$(pgrep -f -- "-Decho.it.run=$ECHO_IT_RUN" 2>/dev/null || true)
  if [ -n "$pids" ]; then
    echo "test-integration.sh: stopping leftover service processes of $ECHO_IT_RUN"
    kill -9 $pids 2>/dev/null || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! docker info >/dev/null 2>&1; then
  echo "test-integration.sh: no Docker engine reachable (on the build machine: eval \"\$(../shared/offline-docker/setup.sh)\")"
  exit 1
fi

echo "test-integration.sh: 1/3 ./test.sh (unit + component tests)"
./test.sh "$@"

echo "test-integration.sh: 2/3 integration tests (mvn verify -Pintegration; Consul image ${CONSUL_IMAGE:-hashicorp/consul:1.20})"
mvn -B verify -Pintegration -DskipUTs=true "$@" | tee target/integration.log \
  | grep -E '^\[(ERROR|WARNING)\]|Tests run:|BUILD|\[measured\]' || true
status=${PIPESTATUS[0]}
print_test_counts target/failsafe-reports "integration"
[ "$status" -eq 0 ] || { echo "test-integration.sh: integration tests FAILED (mvn exit $status; full log target/integration.log, service logs target/it-logs/)"; exit "$status"; }

if [ -x scripts/compose-e2e.sh ]; then
  echo "test-integration.sh: 3/3 compose phase (scripts/compose-e2e.sh)"
  scripts/compose-e2e.sh
else
  echo "test-integration.sh: 3/3 compose phase: scripts/compose-e2e.sh not present, skipped"
fi
echo "test-integration.sh: passed in $((SECONDS - started)) s"
