#!/bin/sh
# Prometheus' entrypoint in the stack. Prometheus does not expand environment variables in its configuration, so
# this writes prometheus.yml from prometheus.yml.template with the service name the instances register under
# (ECHO_SERVICE_NAME, as they read it), next to a copy of the rules it loads (rule paths are relative to the
# configuration), then runs Prometheus with the arguments given. Without arguments it only writes: that is how
# scripts/compose-e2e.sh gets the file it checks with promtool. Plain sh, sed and cp: the official image
# (busybox) and Debian's alike. ECHO_PROMETHEUS_CONFIG_DIR: where to write (a directory both images let write).
set -eu
here=$(dirname "$0")
out=${ECHO_PROMETHEUS_CONFIG_DIR:-/tmp/echo-prometheus}
name=${ECHO_SERVICE_NAME:-echo}
case "$name" in
  '' | -* | *[!a-z0-9-]*)
    echo "prometheus/start.sh: ECHO_SERVICE_NAME '$name' is not a DNS label (lower-case letters, digits, '-')" >&2
    exit 2 ;;
esac
mkdir -p "$out"
sed "s/@ECHO_SERVICE_NAME@/$name/g" "$here/prometheus.yml.template" > "$out/prometheus.yml"
cp "$here/alerts.yml" "$out/alerts.yml"
echo "prometheus/start.sh: wrote $out/prometheus.yml for the Consul service '$name'"
[ "$#" -gt 0 ] || exit 0
exec prometheus "$@"
