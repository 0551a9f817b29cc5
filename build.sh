#!/usr/bin/env bash
# Builds target/echo-service.jar with the version from git embedded (shown by --version and /healthz).
# Usage: ./build.sh            (from any directory)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

git_or() { git "$@" 2>/dev/null || echo unknown; }
describe=$(git_or describe --tags --always --dirty)
branch=$(git_or rev-parse --abbrev-ref HEAD)
commit=$(git_or rev-parse --short=12 HEAD)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then dirty=true; else dirty=false; fi
built=$(date -u +%Y-%m-%dT%H:%M:%SZ)

echo "build.sh: building target/echo-service.jar (version $describe, branch $branch, dirty=$dirty)"
mvn -B -q package -DskipTests \
  -Dbuild.gitDescribe="$describe" -Dbuild.gitBranch="$branch" -Dbuild.gitCommit="$commit" \
  -Dbuild.gitDirty="$dirty" -Dbuild.time="$built"
echo "build.sh: $(java -jar target/echo-service.jar --version)"
