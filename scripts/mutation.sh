#!/usr/bin/env bash
# Mutation testing (PIT) of the leadership package: which changes to the code the unit tests notice. Builds what
# the service needs, then runs pitest-maven on the service's leadership tests; fails below the threshold in
# pom.xml (mutationThreshold). Report: target/pit-reports/index.html (and mutations.xml).
# Usage: scripts/mutation.sh [extra Maven arguments]     (from any directory; no Docker; ~3-6 min on 2 cores)
# A heavy run: on a shared machine wrap it as flock /tmp/echo-heavy.lock scripts/mutation.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -f parent/pom.xml -pl :echo-service -am -DskipITs -DskipTests install -q "$@"
mvn -B -f pom.xml -DskipITs test-compile org.pitest:pitest-maven:mutationCoverage "$@" | tee target/mutation.log \
  | grep -E '^>> |Generated|KILLED|SURVIVED|NO_COVERAGE|mutation score|Mutation score|BUILD|ERROR' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "mutation.sh: FAILED (full log target/mutation.log)"; exit 1; }
echo "mutation.sh: report target/pit-reports/index.html"
