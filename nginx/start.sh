#!/bin/sh
# nginx's entrypoint in the stack: writes the server block for the service name the instances register under
# (ECHO_SERVICE_NAME, as they read it), then runs nginx in the foreground. Plain sh and sed: it runs on the
# official image and on Debian's alike.
set -eu
name=${ECHO_SERVICE_NAME:-echo}
case "$name" in
  '' | -* | *[!a-z0-9-]*)
    echo "nginx/start.sh: ECHO_SERVICE_NAME '$name' is not a DNS label (lower-case letters, digits, '-')" >&2
    exit 2 ;;
esac
sed "s/@ECHO_SERVICE_NAME@/$name/g" /etc/nginx/echo/echo.conf.template > /etc/nginx/conf.d/default.conf
echo "nginx/start.sh: routing to leader.$name.service.consul"
exec nginx -g 'daemon off;'
