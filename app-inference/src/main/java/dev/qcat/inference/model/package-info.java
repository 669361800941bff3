/**
 * The Qwen2 decoder (HF {@code modeling_qwen2}) on DJL NDArrays: {@link
 * dev.qcat.inference.model.Qwen2Config}, {@link dev.qcat.inference.model.Qwen2Model} and its parts
 * ({@code Qwen2DecoderLayer}, {@code Qwen2Attention}, {@code Qwen2MLP}, {@code RMSNorm}, {@code
 * RotaryEmbedding}), the KV cache, the tree-attention scoring session and the random-checkpoint
 * generator. Everything is computed in float32. File formats live in {@code io/}, tokenization and
 * prompts in {@code tokenizer/}; no Jakarta types here.
 */
package dev.qcat.inference.model;
