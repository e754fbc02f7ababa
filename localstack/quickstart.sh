#!/usr/bin/env bash
# The quick start: `npm run dev` on a fresh clone. Installs what is missing, builds, and runs
# `sluice dev` (the embedded local stack, the API and a demo). Safe to run again: each step is
# skipped when its result is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'quickstart: %s\n' "$*" >&2; }

# npm ci only when node_modules is missing or does not match package-lock.json (see the script).
if ! node localstack/scripts/node-modules-current.mjs; then
  say "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

say "building (npm run build)"
npm run --silent build

# moto gives the demo DynamoDB Streams, S3, SNS and SQS; without Python, sluice dev runs Kinesis only.
venv="${SLUICE_DEV_VENV:-.venv}"
if [[ ! -x "$venv/bin/moto_server" ]]; then
  if command -v python3 >/dev/null 2>&1; then
    say "creating $venv with moto server (python3 -m venv $venv && $venv/bin/pip install 'moto[server]')"
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet 'moto[server]'; }; then
      say "installing moto failed: going on without DynamoDB Streams, S3, SNS and SQS"
    fi
  else
    say "python3 not found: going on without DynamoDB Streams, S3, SNS and SQS (install python3 and python3-venv to get them)"
  fi
fi

exec node services/cli/dist/main.js dev
