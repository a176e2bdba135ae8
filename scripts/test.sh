#!/usr/bin/env bash
# The test command of the README: prepares the machine, checks the layering, SQL placement and
# formatting (`npm run lint`), then runs every test against a fresh PostGIS database that the test
# run creates and drops. LINT=0 skips the lint step (for a quick local run of some tests; CI never sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
PREPARE_BROWSER=1 bash scripts/prepare.sh
if [ "${LINT:-1}" != "0" ]; then
  npm run lint
fi
npx jest --ci "$@"
