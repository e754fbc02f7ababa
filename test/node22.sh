#!/usr/bin/env bash
# Runs the unit tests and a few end-to-end files under Node.js 22 as well (test/run-all.sh calls
# it after the main run on the machine's Node.js 20): the AWS SDK's releases after early January
# 2027 need Node 22, and Sluice must run on both meanwhile. Node 22 comes from the npm registry
# (the node-linux-<arch> package, a plain binary, no install script), kept in .cache/node22.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

NODE22_VERSION=${SLUICE_NODE22_VERSION:-22.21.1}
dir=.cache/node22/$NODE22_VERSION
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "node22: no Node.js 22 package for $(uname -m)" >&2; exit 1 ;;
esac
if [[ ! -x $dir/package/bin/node ]]; then
  mkdir -p "$dir"
  printf 'node22: fetching node-linux-%s@%s from the npm registry\n' "$arch" "$NODE22_VERSION" >&2
  (cd "$dir" && npm pack --silent "node-linux-$arch@$NODE22_VERSION" >/dev/null && tar xzf "node-linux-$arch-$NODE22_VERSION.tgz" && rm "node-linux-$arch-$NODE22_VERSION.tgz")
fi
node22=$PWD/$dir/package/bin/node
printf 'node22: %s\n' "$("$node22" --version)" >&2

# e2e files spawn Sluice with process.execPath: under this run, Sluice itself runs on Node 22.
exec "$node22" node_modules/vitest/vitest.mjs run --project unit --project e2e \
  test/unit test/e2e/stream-delivery.test.ts test/e2e/sqs-delivery.test.ts "$@"
