#!/usr/bin/env bash
# Builds target/echo-service.jar with the version from git embedded (shown by --version and /healthz), and the
# container image echo-service:latest when a Docker daemon answers.
# Usage: ./build.sh            (from any directory)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib.sh
version_args

echo "build.sh: building target/echo-service.jar (version $VERSION_DESCRIBE)"
mvn -B -q package -DskipTests "${VERSION_ARGS[@]}"
echo "build.sh: $(java -jar target/echo-service.jar --version)"

if docker info >/dev/null 2>&1; then
  echo "build.sh: building image echo-service:latest from $SERVICE_JRE_IMAGE"
  build_image echo-service:latest \
    || { echo "build.sh: image build failed: is $SERVICE_JRE_IMAGE reachable? (set JRE_IMAGE)"; exit 1; }
else
  echo "build.sh: no Docker daemon answers; image not built (docker-compose up will build it)"
fi
