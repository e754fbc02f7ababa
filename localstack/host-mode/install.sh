#!/usr/bin/env bash
# Installs LocalStack's community runtime (localstack-core 4.14.0, the version docker-compose.yml
# runs) into a Python venv, for running it on this host without Docker ("host mode"); used by
# test/run-all.sh and by test/helpers/localstack-host.ts when the venv is missing.
#   bash localstack/host-mode/install.sh [VENV]      (default: .cache/localstack-venv)
# Needs Python 3.13 or later (on 3.11 LocalStack's package installer fails); set
# SLUICE_LOCALSTACK_PYTHON to pick the interpreter. The packages come from PyPI through uv (itself
# from PyPI): pip takes about 90 s for LocalStack's ~110 packages here, uv about 15 s.
# A second run with the same constraints.txt does nothing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=$(realpath -m "${1:-$here/../../.cache/localstack-venv}")
localstack_version=4.14.0
uv_version=0.13.9

say() { printf 'localstack host-mode install: %s\n' "$*" >&2; }

mkdir -p "$(dirname "$venv")"
# One install at a time (parallel test runs); the stamp says an install finished with these pins.
exec 9>"$venv.lock"
flock 9
stamp="$venv/.sluice-installed"
want="localstack-core==$localstack_version $(sha256sum "$here/constraints.txt" | cut -d' ' -f1)"
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then exit 0; fi

is_313() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null; }
python=${SLUICE_LOCALSTACK_PYTHON:-}
if [[ -z $python ]]; then
  for candidate in python3.13 python3.14 python3 /root/.pyenv/versions/3.1[3-9]*/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 && is_313 "$candidate"; then python=$candidate; break; fi
  done
fi
if [[ -z $python ]] || ! is_313 "$python"; then
  say "no Python 3.13 or later found (LocalStack $localstack_version's installer fails on 3.11); set SLUICE_LOCALSTACK_PYTHON"
  exit 1
fi

say "installing localstack-core[runtime]==$localstack_version into $venv with $("$python" --version)"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet "uv==$uv_version"
"$venv/bin/uv" pip install --quiet --python "$venv/bin/python" -c "$here/constraints.txt" "localstack-core[runtime]==$localstack_version"
echo "$want" >"$stamp"
