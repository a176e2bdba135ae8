#!/usr/bin/env bash
# Brings a fresh machine to where the project runs: npm dependencies, a running PostgreSQL 15,
# the PostGIS and pgRouting packages, a running Redis (the shared response cache), and Chromium
# for the browser test (installed from Debian's packages when missing; needs root).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

PGHOST_ADDR=${PGHOST_ADDR:-127.0.0.1}
if ! pg_isready -h "$PGHOST_ADDR" -p 5432 -q 2>/dev/null; then
  echo "starting PostgreSQL"
  cluster_version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
  if [ -n "$cluster_version" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -h "$PGHOST_ADDR" -p 5432 -q && break; sleep 1; done
fi

pg_major=$(psql -h "$PGHOST_ADDR" -U postgres -Atc 'SHOW server_version_num' | cut -c1-2)
# Debian packages the project needs and the machine lacks, installed in one apt run
missing=()
[ -f "/usr/share/postgresql/${pg_major}/extension/postgis.control" ] || missing+=("postgresql-${pg_major}-postgis-3")
# pgRouting: walking reach along streets
[ -f "/usr/share/postgresql/${pg_major}/extension/pgrouting.control" ] || missing+=("postgresql-${pg_major}-pgrouting")
# GDAL's ogr2ogr: imports of GeoPackage, Shapefile, KML, spreadsheets and GeoJSON in other coordinate systems
command -v ogr2ogr >/dev/null 2>&1 || missing+=(gdal-bin)
# Redis: the response cache shared by every server process (REDIS_URL, default 127.0.0.1:6379)
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
redis_hostport=${REDIS_URL#*://}
redis_hostport=${redis_hostport#*@}
redis_hostport=${redis_hostport%%/*}
REDIS_HOST=${redis_hostport%%:*}
REDIS_PORT=${redis_hostport##*:}
[ "$REDIS_PORT" = "$REDIS_HOST" ] && REDIS_PORT=6379
redis_answers() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }
if ! redis_answers; then
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
fi
# headless Chromium, only for the map page's end-to-end test (scripts/test.sh asks for it)
if [ "${PREPARE_BROWSER:-0}" = "1" ] && [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian's packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# a local Redis that does not answer is started (a remote one is left to its operators; the
# server runs without the shared cache while it is away)
if ! redis_answers && [[ "$REDIS_HOST" =~ ^(127\.0\.0\.1|localhost)$ ]]; then
  echo "starting Redis on port $REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no --maxmemory 512mb --maxmemory-policy allkeys-lru >/dev/null
  for _ in $(seq 1 20); do redis_answers && break; sleep 0.25; done
fi

if [ ! -f dist/src/cli/main.js ] || [ -n "$(find src migrations seeds -newer dist/src/cli/main.js -name '*.ts' -print -quit 2>/dev/null)" ]; then
  echo "building (tsc)"
  npx tsc -p tsconfig.json
fi
