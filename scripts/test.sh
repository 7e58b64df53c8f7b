#!/usr/bin/env bash
# Installs everything the test suite needs (from nothing) and runs it: lint, types, unit + simulated UI, e2e.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# Playwright drives the system Chromium; on Debian as root, install it when it is missing.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The cluster kit's tests (deploy/cluster.sh behind nginx, and `nginx -t` of the TLS site) need nginx and openssl.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null
fi
# The Redis bus tests (unit and two-node e2e) start their own redis-server on loopback; install it likewise.
if ! command -v redis-server >/dev/null && [ ! -x /usr/bin/redis-server ] && [ "$(id -u)" = 0 ] \
  && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy .
.venv/bin/lint-imports  # the layers of docs/ARCHITECTURE.md: a back-up import fails here

# The simulated-UI tests and the Playwright tests run as separate pytest processes (their event loops clash).
.venv/bin/python -m pytest -q tests
# The same suite again on PostgreSQL (psycopg 3), each test in a fresh schema of a throwaway loopback cluster;
# installs PostgreSQL as root on Debian, and is skipped with a message where it can be neither found nor installed.
bash scripts/with_postgres.sh .venv/bin/python -m pytest -q tests
.venv/bin/python -m pytest -q -c e2e/pytest.ini e2e
