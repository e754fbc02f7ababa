#!/usr/bin/env bash
# The one test command (`npm test`, and .ci/run): on a fresh machine, installs everything the
# tests need, builds, lints, and runs every vitest project, the chaos suite's short form, then the unit
# tests and a few e2e files again on Node.js 22 (test/node22.sh). Exits non-zero if any run failed.
# Steps that find their result already in place are skipped, so a second run starts at the build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'run-all: %s\n' "$*" >&2; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_updated=false
apt_install() {
  if [[ $apt_updated == false ]]; then
    as_root apt-get update -qq
    apt_updated=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# A fresh machine (CI) always gets npm ci; a tree whose node_modules already matches
# package-lock.json keeps it (npm ci would delete it under anything else running from it).
if ! node localstack/scripts/node-modules-current.mjs; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# moto server: DynamoDB, DynamoDB Streams, S3, SNS and SQS for the tests (the suite requires it).
if [[ ! -x .venv/bin/moto_server ]]; then
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    say "installing python3 and python3-venv"
    apt_install python3 python3-venv
  fi
  say "creating .venv with moto server"
  python3 -m venv .venv
  .venv/bin/pip install --quiet 'moto[server]'
fi

# schemathesis fuzzes the OpenAPI documents of a live Sluice (test/e2e/openapi-fuzz.test.ts);
# v4's check names (not_a_server_error, response_schema_conformance, ...) are what the test passes.
if [[ ! -x .venv/bin/schemathesis ]]; then
  say "installing schemathesis into .venv"
  .venv/bin/pip install --quiet 'schemathesis>=4.32,<5'
fi

# LocalStack 4.14.0 in host mode for test/e2e/localstack-compose.test.ts (.cache/localstack-venv,
# ~15 s from PyPI, nothing when installed). If it fails here, that test tries again and says why.
bash localstack/host-mode/install.sh || say "installing LocalStack failed; test/e2e/localstack-compose.test.ts will try again"

# AWS CLI v2 at /usr/bin/aws: the e2e tests call it by that path, because a pyenv `aws` (v1) shim
# may come first on PATH.
if [[ ! -x /usr/bin/aws ]]; then
  say "installing the AWS CLI (apt-get install -y awscli)"
  apt_install awscli
fi

# docker-compose v1 parses docker-compose.yml in test/integration/compose-file.test.ts (no engine needed).
if ! command -v docker-compose >/dev/null 2>&1; then
  say "installing docker-compose"
  apt_install docker-compose
fi

# Debian's Chromium at /usr/bin/chromium: the dashboard's browser test drives it with playwright-core,
# which brings no browser of its own (test/helpers/chromium.ts).
if [[ ! -x /usr/bin/chromium ]]; then
  say "installing chromium"
  apt_install chromium
fi

if ! command -v redis-server >/dev/null 2>&1; then
  say "installing redis-server"
  apt_install redis-server
fi

# Tests share one Redis (each run prefixes its keys); start one that keeps nothing on disk if none answers.
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
if ! redis-cli -u "$redis_url" ping >/dev/null 2>&1; then
  redis_port=$(node -e 'console.log(new URL(process.argv[1]).port || 6379)' "$redis_url")
  say "starting redis-server on 127.0.0.1:$redis_port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no
  for _ in $(seq 50); do redis-cli -u "$redis_url" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

say "building (npm run build)"
npm run --silent build

say "linting and type-checking the tests (npm run lint)"
npm run --silent lint

say "testing (vitest run)"
status=0
npx --no-install vitest run "$@" || status=$?

# The chaos suite's short form (test/chaos/, about 70 s: README "Chaos suite"), unless only some tests were asked for.
if [[ $# -eq 0 ]]; then
  say "chaos suite, short form (vitest --config test/chaos/vitest.config.ts --project chaos-short)"
  npx --no-install vitest run --config test/chaos/vitest.config.ts --project chaos-short || status=$?
fi

# The unit tests and a few e2e files again on Node.js 22 (test/node22.sh), unless only some tests were asked for.
if [[ $# -eq 0 && ${SLUICE_SKIP_NODE22:-0} != 1 ]]; then
  say "testing on Node.js 22 (test/node22.sh)"
  bash test/node22.sh || status=$?
fi
exit "$status"
