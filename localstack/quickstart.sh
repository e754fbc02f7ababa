#!/usr/bin/env bash
# The quick start: `npm run dev` on a fresh clone. Installs what is missing, builds, and runs
# `sluice dev` (the embedded local stack, the API and a demo). Safe to run again: each step is
# skipped when its result is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'quickstart: %s\n' "$*" >&2; }

# npm ci only when node_modules is missing or does not match package-lock.json: it deletes
# node_modules first, so running it every time would cost a minute for nothing.
node_modules_current() {
  [[ -f node_modules/.package-lock.json ]] || return 1
  node -e '
    const fs = require("node:fs");
    const wanted = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
    const have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages;
    for (const [path, pkg] of Object.entries(wanted)) {
      if (!path.includes("node_modules/") || pkg.optional) continue;
      if (have[path] === undefined || have[path].version !== pkg.version) process.exit(1);
    }
  '
}
if ! node_modules_current; then
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
