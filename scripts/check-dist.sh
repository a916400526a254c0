#!/usr/bin/env bash
# Fails when dist/ does not match what `npm run package` builds from the sources.
set -euo pipefail
npm run --silent package >/dev/null
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "error: dist/ is stale: run 'npm run package' and commit dist/." >&2
  git status --short -- dist >&2
  exit 1
fi
echo "dist/ is up to date"
