#!/usr/bin/env bash
# The thorough fast suite over every module: compile with warnings as errors and Error Prone, unit and component
# tests (the real server in-process, real WebSocket clients), JaCoCo coverage of the service and the tools.
# Usage: ./test.sh [extra Maven arguments]      (from any directory; no Docker needed)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/lib.sh
version_args --reuse

started=$SECONDS
mkdir -p target
echo "test.sh: unit + component tests of every module (mvn verify, integration tests skipped); full log target/test.log"
status=0
run_logged target/test.log '^\[(ERROR|WARNING)\]|Tests run:|BUILD' \
  maven verify "${VERSION_ARGS[@]}" "$@" || status=$?
[ "$status" -eq 0 ] || { echo "test.sh: FAILED (mvn exit $status; full log target/test.log)"; exit "$status"; }

print_test_counts "unit + component" "${UNIT_REPORTS[@]}"
print_coverage target/site/jacoco/jacoco.csv "service, unit + component"
print_coverage tools/target/site/jacoco/jacoco.csv "tools, unit + component"
echo "test.sh: passed in $((SECONDS - started)) s"
