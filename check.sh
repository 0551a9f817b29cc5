#!/usr/bin/env bash
# Connection checker for any WebSocket echo endpoint, tcpgoon style; works from any directory.
#   ./check.sh -c 2000 -s 0 -y --echo --hold 2 ws://127.0.0.1:8080/     (./check.sh --help for all options)
#   ./check.sh probe --interval 50ms --duration 60s --max-outage 3s ws://127.0.0.1:8080/
# Extra JVM options (e.g. a larger heap for tens of thousands of connections) go in CHECK_JAVA_OPTS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/tools/target/echo-tools.jar"
if [[ ! -f "$jar" ]]; then
  echo "check.sh: $jar not found; build it first: $here/build.sh" >&2
  exit 2
fi

# The tool is the first word (check when none is named), so ./check.sh --help shows the checker's options.
tool=check
if [[ "${1:-}" == "probe" || "${1:-}" == "check" ]]; then
  tool="$1"
  shift
fi

# shellcheck disable=SC2086 # CHECK_JAVA_OPTS is a list of JVM options.
exec java ${CHECK_JAVA_OPTS:-} -jar "$jar" "$tool" "$@"
