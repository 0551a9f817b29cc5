#!/usr/bin/env bash
# The whole pyramid: everything ./test.sh does; then the integration tests (Failsafe *IT: a real Consul in
# Docker via Testcontainers, real JVMs of the built jar); then the compose phase (scripts/compose-e2e.sh: the
# compose stack, end-to-end and failover tests through nginx, Prometheus); then coverage from all of them merged,
# with the gate from the pom. Ends with a summary.
# Usage: ./test-integration.sh [extra Maven arguments]    (from any directory; needs Docker, ./build.sh first)
# On the project's build machines first:
#   ../shared/offline-docker/setup.sh >/tmp/offline-docker.env && source /tmp/offline-docker.env
# (not eval "$(...)": the dockerd it starts keeps that pipe open, so the substitution would never end)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib.sh

started=$SECONDS
# Tag what this run starts, so the trap removes exactly that (no Ryuk here: tests stop what they start,
# this is the safety net when a test JVM dies).
export ECHO_IT_RUN="it-$$-$RANDOM"
cleanup() {
  local status=$?
  local left pids
  left=$(docker ps -aq --filter "label=echo.it.run=$ECHO_IT_RUN" 2>/dev/null || true)
  if [ -n "$left" ]; then
    echo "test-integration.sh: removing leftover containers of $ECHO_IT_RUN"
    docker rm -f $left >/dev/null 2>&1 || true
  fi
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
  echo "test-integration.sh: no Docker engine reachable (on the build machine: ../shared/offline-docker/setup.sh >/tmp/offline-docker.env && source /tmp/offline-docker.env)"
  exit 1
fi
[ -f target/echo-service.jar ] || { echo "test-integration.sh: run ./build.sh first"; exit 1; }

phases=()
phase_done() { phases+=("$(printf '%-28s %4d s' "$1" "$((SECONDS - $2))")"); }

t=$SECONDS
echo "test-integration.sh: 1/4 ./test.sh (unit + component tests)"
./test.sh "$@"
phase_done "unit + component" "$t"

t=$SECONDS
echo "test-integration.sh: 2/4 integration tests (mvn verify -Pintegration; Consul image ${CONSUL_IMAGE:-hashicorp/consul:1.20})"
# The modules as ./test.sh has just built them (same stamp, its shaded jar): nothing to compile, shade or report.
version_args --built
status=0
run_logged target/integration.log '^\[(ERROR|WARNING)\]|Tests run:|BUILD|\[measured\]' \
  maven verify -Pintegration -DskipUTs=true -Dshade.skip=true -pl :echo-service -am "${VERSION_ARGS[@]}" "$@" \
  || status=$?
print_test_counts "integration" target/failsafe-reports
[ "$status" -eq 0 ] || { echo "test-integration.sh: integration tests FAILED (mvn exit $status; full log target/integration.log, service logs target/it-logs/)"; exit "$status"; }
phase_done "integration (real Consul)" "$t"

t=$SECONDS
echo "test-integration.sh: 3/4 compose phase (scripts/compose-e2e.sh)"
scripts/compose-e2e.sh
phase_done "end-to-end (compose stack)" "$t"

t=$SECONDS
echo "test-integration.sh: 4/4 merged coverage (unit, component, integration, running containers)"
set +e
mvn -B -q -f pom.xml -Pe2e jacoco:merge@merge-all jacoco:report@report-all jacoco:check@check-all > target/coverage.log 2>&1
gate=$?
set -e
phase_done "coverage merge + gate" "$t"

echo
echo "==================== test-integration.sh summary ===================="
print_test_counts "unit + component" "${UNIT_REPORTS[@]}"
print_test_counts "integration" target/failsafe-reports
print_test_counts "end-to-end" e2e/target/failsafe-reports
echo "phases:"
printf '  %s\n' "${phases[@]}"
echo "measured:"
grep -h -E '\[measured\]|MEASURED' target/integration.log target/e2e.log 2>/dev/null | sed -E 's/^.*(\[measured\]|MEASURED) */  /' || true
print_coverage tools/target/site/jacoco/jacoco.csv "tools, unit + component"
print_coverage target/site/jacoco-merged/jacoco.csv "service, merged"
echo "total: $((SECONDS - started)) s"
if [ "$gate" -ne 0 ]; then
  grep -E 'Coverage checks have not been met|lines covered ratio' target/coverage.log || tail -20 target/coverage.log
  echo "test-integration.sh: FAILED: merged line coverage is below the gate in pom.xml (coverage.minimum)"
  exit "$gate"
fi
echo "test-integration.sh: passed"
