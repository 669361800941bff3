#!/usr/bin/env bash
# Builds llama.cpp's llama-bench and llama-quantize natively (-DGGML_NATIVE=ON) from the source that
# node-llama-cpp ships (node_modules/node-llama-cpp/llama/gitRelease.bundle), i.e. the same llama.cpp
# version the parity tests run. The prebuilt addon can be slower than a native build (REFERENCE.md:
# about 2x for F16), so benchmarks report both. Needs cmake, g++ and ninja or make; about 7 minutes
# on 2 cores. The build lives under .qcat-work/ (git-ignored) and is never committed.
#
# Usage: tools/llama-ref/build-native.sh   -> prints the directory holding llama-bench and llama-quantize
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle="$here/node_modules/node-llama-cpp/llama/gitRelease.bundle"
work="${QCAT_WORK:-$root/.qcat-work}/llama.cpp"
jobs="${JOBS:-$(nproc)}"

if [ ! -f "$bundle" ]; then
  echo "missing $bundle: run 'npm ci --omit=optional --ignore-scripts' in $here" >&2
  exit 1
fi
if [ -x "$work/build/bin/llama-bench" ] && [ -x "$work/build/bin/llama-quantize" ] \
    && [ "$work/build/bin/llama-bench" -nt "$bundle" ]; then
  echo "$work/build/bin"
  exit 0
fi
mkdir -p "$work"
if [ ! -d "$work/src/.git" ]; then
  rm -rf "$work/src"
  git clone -q "$bundle" "$work/src" >&2
fi
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cmake -S "$work/src" -B "$work/build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
  -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF >&2
cmake --build "$work/build" --target llama-bench llama-quantize -j "$jobs" >&2
echo "$work/build/bin"
