/**
 * Benchmarks and the independent reference they compare against: llama.cpp reached through the Node
 * harness in {@code tools/llama-ref} ({@link dev.qcat.inference.bench.LlamaCppReference}). Nothing
 * here is used to classify: the serving path never starts a Node process.
 */
package dev.qcat.inference.bench;
