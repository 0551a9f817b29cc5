# Shared helpers for the test scripts (sourced, not run).

# The build of all modules (parent/pom.xml lists them; the root pom is the service's). Every script runs Maven so.
maven() { mvn -B -f parent/pom.xml "$@"; }   # (the scripts run from the project root)

# print_test_counts LABEL DIR...: totals of the JUnit XML reports in the DIRs (missing ones are skipped).
print_test_counts() {
  local label=$1; shift
  local reports=()
  local dir
  for dir in "$@"; do
    if ls "$dir"/TEST-*.xml >/dev/null 2>&1; then reports+=("$dir"/TEST-*.xml); fi
  done
  if [ ${#reports[@]} -eq 0 ]; then
    echo "tests ($label): no reports in $*"
    return 0
  fi
  cat "${reports[@]}" | awk -v label="$label" '
    /<testsuite / {
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^tests=/)    { gsub(/[^0-9]/, "", $i); t += $i }
        if ($i ~ /^failures=/) { gsub(/[^0-9]/, "", $i); f += $i }
        if ($i ~ /^errors=/)   { gsub(/[^0-9]/, "", $i); e += $i }
        if ($i ~ /^skipped=/)  { gsub(/[^0-9]/, "", $i); s += $i }
      }
    }
    END { printf "tests (%s): %d run, %d failed, %d errors, %d skipped\n", label, t, f, e, s }'
}

# The unit and component test reports of every module.
UNIT_REPORTS=(common/target/surefire-reports testkit/target/surefire-reports target/surefire-reports
  tools/target/surefire-reports)

# print_coverage CSV LABEL: total line and branch coverage of a JaCoCo CSV report.
print_coverage() {
  local csv=$1 label=$2
  if [ ! -f "$csv" ]; then
    echo "coverage ($label): no report at $csv"
    return 0
  fi
  awk -F, -v label="$label" 'NR > 1 { bm += $6; bc += $7; lm += $8; lc += $9 }
    END {
      printf "coverage (%s): lines %.1f%% (%d/%d), branches %.1f%% (%d/%d)\n", label,
        (lc + lm) ? 100 * lc / (lc + lm) : 0, lc, lc + lm, (bc + bm) ? 100 * bc / (bc + bm) : 0, bc, bc + bm
    }' "$csv"
}

# detect_compose: sets COMPOSE to Compose v2 ("docker compose"). The compose files follow the Compose
# Specification (no "version:" key) and use v2's behaviour; docker-compose v1 (end of life) is not supported.
detect_compose() {
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  else
    echo "Compose v2 is required: 'docker compose' is not installed (docker-compose v1 is no longer supported)" >&2
    return 1
  fi
}

# await DESCRIPTION SECONDS COMMAND...: runs COMMAND once a second until it succeeds, at most SECONDS times.
await() {
  local what=$1 seconds=$2; shift 2
  local i
  for ((i = 0; i < seconds; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "timed out after ${seconds} s waiting for: $what" >&2
  return 1
}

# version_args [--reuse | --built]: sets VERSION_ARGS, the Maven properties that embed the git version in the jar,
# so every script that packages the jar (build.sh, and the verify runs of the test scripts) produces the same one.
# The service's jar is on the classpath of the tools' tests: a new stamp repackages it and so recompiles those.
#   --reuse (./test.sh): a clean tree at the commit and branch of the last build keeps that build's time.
#   --built (the integration and compose phases, which build nothing): exactly what the last build stamped.
version_args() {
  local mode=${1:-} describe branch commit dirty time
  describe=$(git describe --tags --always --dirty 2>/dev/null || echo unknown)
  branch=$(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git status --porcelain 2>/dev/null)" ]; then dirty=true; else dirty=false; fi
  time=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  if [ "$mode" = --built ] && [ -f target/classes/version.properties ]; then
    describe=$(built_version git.describe) branch=$(built_version git.branch) commit=$(built_version git.commit)
    dirty=$(built_version git.dirty) time=$(built_version build.time)
  elif [ "$mode" = --reuse ] && [ "$dirty" = false ] && [ "$(built_version git.dirty)" = false ] \
    && [ "$(built_version git.describe)" = "$describe" ] && [ "$(built_version git.branch)" = "$branch" ] \
    && [ "$(built_version git.commit)" = "$commit" ]; then
    time=$(built_version build.time)
  fi
  VERSION_ARGS=(-Dbuild.gitDescribe="$describe" -Dbuild.gitBranch="$branch" -Dbuild.gitCommit="$commit"
    -Dbuild.gitDirty="$dirty" -Dbuild.time="$time")
  VERSION_DESCRIBE=$describe
}
# built_version KEY: KEY's value in the service's last build (target/classes/version.properties), else empty.
built_version() { sed -n "s/^${1//./\\.}=//p" target/classes/version.properties 2>/dev/null || true; }

# ensure_chromium: the browser test drives Debian's chromium through Debian's chromedriver (test tools'
# own browser downloads do not work everywhere); installs both when missing.
ensure_chromium() {
  local chromium=${ECHO_CHROMIUM:-/usr/bin/chromium} driver=${ECHO_CHROMEDRIVER:-/usr/bin/chromedriver}
  if [ -x "$chromium" ] && [ -x "$driver" ]; then return 0; fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! command -v apt-get >/dev/null 2>&1 || { [ -n "$sudo" ] && ! sudo -n true 2>/dev/null; }; then
    echo "the browser test needs $chromium and $driver (Debian: apt-get install chromium chromium-driver;" \
      "or set ECHO_CHROMIUM and ECHO_CHROMEDRIVER)" >&2
    return 1
  fi
  echo "installing chromium and chromium-driver (Debian packages) for the browser test"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
}

# ensure_go_gorilla: bench.sh builds its Go peer and client (bench/) from Debian's Go toolchain and Debian's
# gorilla/websocket source (no module download works offline); installs both when missing.
ensure_go_gorilla() {
  local gorilla=/usr/share/gocode/src/github.com/gorilla/websocket
  if command -v go >/dev/null 2>&1 && [ -f "$gorilla/conn.go" ]; then return 0; fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! command -v apt-get >/dev/null 2>&1 || { [ -n "$sudo" ] && ! sudo -n true 2>/dev/null; }; then
    echo "bench.sh needs go and $gorilla (Debian: apt-get install golang-go golang-github-gorilla-websocket-dev)" >&2
    return 1
  fi
  echo "installing golang-go and golang-github-gorilla-websocket-dev (Debian packages) for the Go peer" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    golang-go golang-github-gorilla-websocket-dev >/dev/null
}

# The base of the service image: $JRE_IMAGE (e.g. a mirror's stand-in), else the official image.
SERVICE_JRE_IMAGE=${JRE_IMAGE:-eclipse-temurin:17-jre}

# build_image TAG: the service image from docker/Dockerfile on $SERVICE_JRE_IMAGE (run from the project root).
build_image() {
  docker build -q -f docker/Dockerfile --build-arg "JRE_IMAGE=$SERVICE_JRE_IMAGE" -t "$1" . >/dev/null
}

# run_logged LOG PATTERN COMMAND...: the command's whole output into LOG, only lines matching PATTERN shown;
# returns the command's exit status. Call as `status=0; run_logged ... || status=$?` under set -e.
run_logged() {
  local log=$1 pattern=$2
  shift 2
  "$@" | tee "$log" | grep -E "$pattern"
  return "${PIPESTATUS[0]}"
}
