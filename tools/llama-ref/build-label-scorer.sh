#!/usr/bin/env bash
# Builds label-scorer (label-scorer.cpp) against the prebuilt llama.cpp that node-llama-cpp ships
# (@node-llama-cpp/linux-x64: libllama, libggml), with llama.h / ggml headers taken from the same
# version's source bundle (node_modules/node-llama-cpp/llama/gitRelease.bundle). Needs g++ and git;
# a few seconds. The binary lives under .qcat-work/ (git-ignored) and is never committed.
#
# Usage: tools/llama-ref/build-label-scorer.sh   -> prints the path of the label-scorer binary
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle="$here/node_modules/node-llama-cpp/llama/gitRelease.bundle"
bins="$here/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
work="${QCAT_WORK:-$root/.qcat-work}/label-scorer"
out="$work/label-scorer"
if [ ! -f "$bundle" ] || [ ! -d "$bins" ]; then
  echo "missing $bundle or $bins: run 'npm ci' in $here" >&2
  exit 1
fi
if [ -x "$out" ] && [ "$out" -nt "$here/label-scorer.cpp" ] && [ "$out" -nt "$bundle" ]; then
  echo "$out"
  exit 0
fi
mkdir -p "$work"
if [ ! -d "$work/src/.git" ]; then
  rm -rf "$work/src"
  git clone -q --no-checkout "$bundle" "$work/src" >&2
fi
git -C "$work/src" checkout -q HEAD -- include ggml/include >&2
g++ -O2 -std=c++17 -o "$out" "$here/label-scorer.cpp" \
  -I"$work/src/include" -I"$work/src/ggml/include" \
  "$bins/libllama.v0.4.0.so" "$bins/libggml.v0.4.0.so" "$bins/libggml-base.so" \
  -Wl,-rpath,"$bins" >&2
echo "$out"
