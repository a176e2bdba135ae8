#!/usr/bin/env bash
# Brings a fresh machine to where the project runs: npm dependencies, a running PostgreSQL 15,
# the PostGIS and pgRouting packages, and Chromium for the browser test (installed from Debian's
# packages when missing; needs root).
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

if [ ! -f dist/src/cli/main.js ] || [ -n "$(find src migrations seeds -newer dist/src/cli/main.js -name '*.ts' -print -quit 2>/dev/null)" ]; then
  echo "building (tsc)"
  npx tsc -p tsconfig.json
fi
