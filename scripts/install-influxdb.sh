#!/usr/bin/env bash
# Debian's InfluxDB server (1.6.7) for the series-store tests: downloaded with apt and unpacked into
# .tools/influxdb (no service is installed or started; the tests start influxd themselves on
# 127.0.0.1 with a temporary data directory).
set -euo pipefail
cd "$(dirname "$0")/.."
target=.tools/influxdb
if [ -x "$target/usr/bin/influxd" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt's sandbox user cannot write into a root-owned temp dir; the download is verified by apt either way.
chmod 0777 "$work"
(cd "$work" && apt-get download influxdb >/dev/null 2>&1) || {
  apt-get update -qq
  (cd "$work" && apt-get download influxdb)
}
mkdir -p "$target"
dpkg-deb -x "$work"/influxdb_*.deb "$target"
"$target/usr/bin/influxd" version
