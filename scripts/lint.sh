#!/usr/bin/env bash
# `npm run lint`: the layering (dependency-cruiser, .dependency-cruiser.cjs), ESLint with the rule
# that keeps SQL in src/db (eslint.config.mjs) and the formatting (Prettier, .prettierrc). All three
# run even when one fails, so one run shows everything to fix; the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
echo "== dependency-cruiser (layering)"
npx depcruise src --config .dependency-cruiser.cjs || status=1
echo "== eslint"
npx eslint . || status=1
echo "== prettier --check (npm run format rewrites)"
npx prettier --check --log-level warn . && echo "formatted" || status=1
exit $status
