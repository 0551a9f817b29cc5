#!/usr/bin/env bash
# The compose phase of ./test-integration.sh: builds the image, brings the stack of docker-compose.yml up
# (three Consul servers, a client agent per host, two replicas, nginx, Prometheus) under a unique project name
# with the JaCoCo agent in the replicas, runs the end-to-end tests (*E2E.java) through nginx (including a
# headless-Chromium test of the demo page) and against Prometheus, stops the replicas gracefully so they write
# their coverage, and always tears down. First promtool checks the alert rules and runs their unit tests
# (prometheus/alerts.test.yml) in the Prometheus image.
# Needs a Docker daemon and target/echo-service.jar (./build.sh). The tests are the e2e module's (e2e/).
# Extra arguments go to Maven, e.g. scripts/chaos.sh's -Dit.test=ChaosE2E -De2e.chaos.minutes=20.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh
# The test JVM is the stack's clients (and the docker processes its checks run), which in production run
# elsewhere; here they share two cores with the stack. Nice 10 makes them yield to the rest of the host (the
# containers are dockerd's children and keep their priority); against the containers, which share one cgroup v1
# group, what counts is how many run at once, so ComposeStack keeps its docker lookups few (see the README).
renice -n 10 -p $$ >/dev/null
detect_compose

project="echo-e2e-$$"
export ECHO_IMAGE="echo-service:e2e-$$"
export ECHO_COVERAGE_DIR="$PWD/target/coverage-e2e"
export ECHO_PORT=0 CONSUL_UI_PORT=0 PROMETHEUS_PORT=0   # Docker picks free loopback ports; we ask it which below
# Not the default name: routing must follow the configured service name (nginx/start.sh templates it).
export ECHO_SERVICE_NAME="echo-e2e-$$"
prometheus_image=${PROMETHEUS_IMAGE:-prom/prometheus:v2.53.0}
compose_files=(-f docker-compose.yml -f docker/compose.coverage.yml)
compose() { "${COMPOSE[@]}" -p "$project" "${compose_files[@]}" "$@"; }
# The consul_sd configuration as the stack's Prometheus gets it (prometheus/start.sh writes it for the service
# name) is checked in /rendered.
rendered="$PWD/target/prometheus-rendered"
promtool() {
  docker run --rm --entrypoint promtool -v "$PWD/prometheus:/rules:ro" -v "$rendered:/rendered:ro" -w /rules \
    "$prometheus_image" "$@"
}

cleanup() {
  local status=$?
  echo "compose-e2e: tearing down $project"
  if [ "$status" -ne 0 ]; then
    compose logs --no-color > target/e2e-compose.log 2>&1 || true
    echo "compose-e2e: leadership changes and Consul's lease events, in time order (all logs: target/e2e-compose.log):"
    grep -E 'leadership [A-Z]+ -> |stopped serving|missed TTL|stepping down|leadership lost|destroyed stale' \
      target/e2e-compose.log | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^20[0-9-]+T/) { print $i, $0; next } }' \
      | sort | cut -d' ' -f2- | tail -n 60 || true
  fi
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  docker image rm -f "$ECHO_IMAGE" >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "compose-e2e: promtool (from $prometheus_image): alert rules, their unit tests, the configuration"
rm -rf "$rendered"
ECHO_PROMETHEUS_CONFIG_DIR="$rendered" sh prometheus/start.sh
promtool check rules alerts.yml
promtool test rules alerts.test.yml
if promtool check config --syntax-only /rendered/prometheus.yml >/dev/null 2>&1; then
  echo "compose-e2e: Prometheus discovers the instances with consul_sd_configs (prometheus/prometheus.yml.template)"
else
  # Debian's Prometheus is built without Consul SD: Consul's catalog reaches it through PrometheusSdBridge.
  promtool check config --syntax-only prometheus-http-sd.yml
  compose_files+=(-f prometheus/compose.http-sd.yml)
  echo "compose-e2e: $prometheus_image has no consul_sd_configs; Consul's catalog via http_sd_configs (prometheus/compose.http-sd.yml)"
fi

ensure_chromium

echo "compose-e2e: building image $ECHO_IMAGE (JRE image $SERVICE_JRE_IMAGE)"
build_image "$ECHO_IMAGE"

echo "compose-e2e: preparing coverage directory for the containers"
rm -rf "$ECHO_COVERAGE_DIR"
mvn -B -q -f pom.xml -Pe2e dependency:copy@jacoco-agent
chmod 777 "$ECHO_COVERAGE_DIR"

echo "compose-e2e: starting stack $project with ${COMPOSE[*]}"
compose up -d
# nginx and the Consul UI are published on agent-nginx, whose network namespace nginx shares.
nginx_addr=$(compose port agent-nginx 80)
consul_addr=$(compose port agent-nginx 8500)
prometheus_addr=$(compose port prometheus 9090)
echo "compose-e2e: nginx at $nginx_addr, Consul at $consul_addr, Prometheus at $prometheus_addr, service name $ECHO_SERVICE_NAME"
await "a leader behind nginx" 60 bash -c "curl -sf http://$nginx_addr/healthz | grep -q '\"role\":\"leader\"'"

echo "compose-e2e: end-to-end tests; full log target/e2e.log"
# The upstream modules as they were built (the stamp of the jar in the image, no new shaded jars): only the
# e2e module has anything to do.
version_args --built
status=0
run_logged target/e2e.log '^\[(ERROR|WARNING)\]|Tests run:|BUILD|MEASURED|CHAOS|^Chaos soak|^\|' \
  maven verify -Pe2e -pl :echo-e2e -am -DskipUTs=true -Dshade.skip=true "${VERSION_ARGS[@]}" \
  -De2e.compose="${COMPOSE[*]}" -De2e.project="$project" \
  -De2e.nginx="$nginx_addr" -De2e.consul="$consul_addr" "$@" || status=$?

echo "compose-e2e: stopping replicas gracefully so they write their coverage"
compose stop -t 20 echo1 echo2 >/dev/null 2>&1 || true
print_test_counts "end-to-end" e2e/target/failsafe-reports
exit "$status"
