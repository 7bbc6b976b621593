#!/bin/sh
# Validates the Prometheus config, alert rules and alert unit tests with promtool (Debian: apt-get install
# prometheus). Exits 0 with a message when promtool is absent, unless REQUIRE_PROMTOOL=1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v promtool >/dev/null 2>&1; then
  if [ "${REQUIRE_PROMTOOL:-0}" = "1" ]; then
    echo "deploy/check.sh: promtool not found (REQUIRE_PROMTOOL=1)" >&2
    exit 1
  fi
  echo "deploy/check.sh: promtool not found; skipping Prometheus checks (apt-get install prometheus)"
  exit 0
fi

promtool check rules "$here/alerts.yml"
promtool test rules "$here/alerts.test.yml"

# The config names the compose secret /run/secrets/tollgate_metrics_token, which exists only in the container:
# check a copy that points at a throwaway token file instead (everything else unchanged).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "check-token" >"$tmp/tollgate_metrics_token"
cp "$here/alerts.yml" "$tmp/alerts.yml"
sed "s#/run/secrets/tollgate_metrics_token#$tmp/tollgate_metrics_token#" "$here/prometheus.yml" >"$tmp/prometheus.yml"
grep -q "$tmp/tollgate_metrics_token" "$tmp/prometheus.yml" || { echo "prometheus.yml no longer names the token secret" >&2; exit 1; }
promtool check config "$tmp/prometheus.yml"
echo "deploy/check.sh: promtool checks passed"

# The balancer's config, with placeholder addresses for the values compose and the tests give it.
if command -v haproxy >/dev/null 2>&1; then
  HAPROXY_BIND=127.0.0.1:1 HAPROXY_STATS_BIND=127.0.0.1:2 HAPROXY_CHECK_MS=2000 \
    TOLLGATE_1=127.0.0.1:3 TOLLGATE_2=127.0.0.1:4 TOLLGATE_3=127.0.0.1:5 haproxy -c -q -f "$here/haproxy.cfg"
  echo "deploy/check.sh: haproxy.cfg is valid"
fi
