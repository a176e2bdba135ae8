#!/usr/bin/env bash
# The demo command of the README: prepares the machine (PostgreSQL, PostGIS, Redis for the shared
# response cache, started when not running), creates and migrates the database,
# loads the demo city when the database is empty, and serves the API on http://localhost:4000/graphql.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh
exec node dist/src/cli/main.js demo
