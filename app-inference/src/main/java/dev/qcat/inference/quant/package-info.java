/**
 * Weight-only quantization for serving and export: the GGML block codecs {@link
 * dev.qcat.inference.quant.Q8_0} and {@link dev.qcat.inference.quant.Q4_0} (bit-exact with
 * llama.cpp's reference quantizers, so a GGUF written here equals one written by llama.cpp), the
 * quantized matrices built from them, and the linear layers and embedding lookup that serve a
 * {@link dev.qcat.inference.model.Qwen2Model} from those matrices without keeping float32 weights.
 * File-format framing (GGUF headers, tensor infos) stays in {@code io/}; no Jakarta types here.
 */
package dev.qcat.inference.quant;
