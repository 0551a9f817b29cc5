#!/usr/bin/env bash
# Runs ./build.sh && ./test-integration.sh inside a build container (${MAVEN_IMAGE} plus a Docker client and
# Compose v2, docker/Dockerfile.ci) that uses this host's Docker daemon, like the Go original's ./ci.
# The workspace is mounted at the same path, so the compose files' bind mounts resolve on the host and the test
# reports and coverage end up in ./target here.
# Usage: ./ci.sh            (needs only Docker on the host)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

image="echo-service-ci:$$"
cleanup() { docker image rm -f "$image" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "ci.sh: building the build container from ${MAVEN_IMAGE:-maven:3.9-eclipse-temurin-17}"
docker build -q -f docker/Dockerfile.ci --build-arg "MAVEN_IMAGE=${MAVEN_IMAGE:-maven:3.9-eclipse-temurin-17}" \
  -t "$image" docker >/dev/null

mkdir -p "$HOME/.m2"
env_args=()
for name in JRE_IMAGE CONSUL_IMAGE NGINX_IMAGE PROMETHEUS_IMAGE MAVEN_IMAGE BASE_IMAGE TESTCONTAINERS_RYUK_DISABLED \
  TESTCONTAINERS_CHECKS_DISABLE TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE; do
  [ -n "${!name:-}" ] && env_args+=(-e "$name")
done

echo "ci.sh: ./build.sh && ./test-integration.sh inside $image"
# --network host: the tests reach published ports on 127.0.0.1 and the containers' own networks.
# --pid host: the crash test kills a replica's process as a real crash would, by its host pid.
docker run --rm --network host --pid host \
  -v /var/run/docker.sock:/var/run/docker.sock \
  -v "$PWD:$PWD" -w "$PWD" -v "$HOME/.m2:/root/.m2" \
  "${env_args[@]}" "$image" \
  bash -c 'git config --global --add safe.directory "$PWD" && ./build.sh && ./test-integration.sh; status=$?;
           chown -R '"$(id -u):$(id -g)"' target 2>/dev/null; exit $status'
echo "ci.sh: reports in target/ and each module's target/ (surefire-reports, failsafe-reports, site/jacoco-merged)"
