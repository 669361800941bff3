#!/usr/bin/env bash
# Reproduces "bfloat16 aborts the JVM" (../shared/REFERENCE.md) in a throw-away JVM, never the test
# JVM. Needs `mvn -pl app-inference package` (target/lib). Modes: f16 (works), totype, create.
# Cause, read from the backtrace (gdb) and the disassembly of libdjl_torch.so: DJL passes
# DataType.ordinal() as the dtype code (BFLOAT16 = 11) and the JNI glue's
# utils::GetScalarTypeFromDType(int) maps only codes 0..8; its default branch is a bare `throw;`
# with no active exception, so std::terminate aborts the process. libtorch and the CPU are not
# involved.
set -euo pipefail
cd "$(dirname "$0")"
CP=$(ls ../../app-inference/target/lib/*.jar | tr '\n' ':')
OUT=$(mktemp -d)
javac -d "$OUT" -cp "$CP" Bf16Probe.java
for mode in "${@:-f16 totype create}"; do
  for m in $mode; do
    echo "== $m"
    java -cp "$CP:$OUT" Bf16Probe "$m" 2>&1 | grep -v ' INFO \| WARN ' || echo "exit status $?"
  done
done
