#!/bin/sh
# Puts redis-server on this machine for the shared-limiter tests, where it can: as root on
# Debian/Ubuntu through apt-get (as CI runs). Elsewhere those tests skip and say how to
# install it, except under CI=true, where a missing redis-server fails the run.
command -v redis-server >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q redis-server >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null; }
fi
command -v redis-server >/dev/null 2>&1 \
    || echo "redis-server is not installed: the shared-limiter tests will skip" \
        "(install it with 'apt-get install redis-server' or 'brew install redis')"
exit 0
