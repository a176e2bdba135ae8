#!/usr/bin/env bash
# The test command of the README: prepares the machine, then runs every test against a fresh
# PostGIS database that the test run creates and drops.
set -euo pipefail
cd "$(dirname "$0")/.."
PREPARE_BROWSER=1 bash scripts/prepare.sh
npx jest --ci "$@"
