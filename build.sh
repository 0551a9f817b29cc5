#!/usr/bin/env bash
# Builds every module: the service jar target/echo-service.jar (the version from git embedded, shown by --version
# and /healthz), the tools jar tools/target/echo-tools.jar (./check.sh), and the service's container image
# echo-service:latest when a Docker daemon answers.
# Usage: ./build.sh            (from any directory)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib.sh
version_args

echo "build.sh: building target/echo-service.jar and tools/target/echo-tools.jar (version $VERSION_DESCRIBE)"
maven -q package -DskipTests "${VERSION_ARGS[@]}"
echo "build.sh: $(java -jar target/echo-service.jar --version)"
# The service ships alone: no class of the tools and no WebSocket client in its jar (and so in its image).
if jar tf target/echo-service.jar | grep -E '^org/example/echo/check/|^org/eclipse/jetty/websocket/client/'; then
  echo "build.sh: target/echo-service.jar contains the classes above, which belong to the tools"; exit 1
fi

if docker info >/dev/null 2>&1; then
  echo "build.sh: building image echo-service:latest from $SERVICE_JRE_IMAGE"
  build_image echo-service:latest \
    || { echo "build.sh: image build failed: is $SERVICE_JRE_IMAGE reachable? (set JRE_IMAGE)"; exit 1; }
else
  echo "build.sh: no Docker daemon answers; image not built (docker compose up will build it)"
fi
