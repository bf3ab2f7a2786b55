#!/usr/bin/env bash
# Runs the whole test suite. Installs what the tests need first into ./.venv, pinned in
# tests/moto/requirements.txt: moto (the AWS emulator of the end-to-end tests), the AWS
# CLI (README's set-up, walked against moto), cfn-lint (the generated template) and
# actionlint (the guide's GitHub Actions workflow).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/moto_server ] || ! cmp -s tests/moto/requirements.txt .venv/.requirements 2>/dev/null; then
  echo "scripts/test.sh: installing tests/moto/requirements.txt into .venv" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/moto/requirements.txt
  cp tests/moto/requirements.txt .venv/.requirements
fi
export ORGEXIT_MOTO_SERVER="$PWD/.venv/bin/moto_server"
export ORGEXIT_PYTHON="$PWD/.venv/bin/python"

cargo test --locked "$@"
