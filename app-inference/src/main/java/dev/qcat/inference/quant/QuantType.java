package dev.qcat.inference.quant;

/**
 * The weight-only block formats qcat serves from and exports, named as in GGML. Both use blocks of
 * 32 values along a row (the input dimension of a linear layer, the hidden dimension of an
 * embedding row).
 */
public enum QuantType {
  /** {@link Q8_0}: int8 codes and a binary16 scale per block, 8.5 bits per weight in GGUF. */
  Q8_0,
  /** {@link Q4_0}: 4-bit codes and a binary16 scale per block, 4.5 bits per weight in GGUF. */
  Q4_0;

  /**
   * The type of the token embedding when it is also the LM head (tied embeddings, as in
   * Qwen2.5-0.5B) or of a separate LM head, unless quantization is asked to be pure: Q8_0 for both
   * types. Every label's score goes through this matrix, so 4-bit error in it moves all of them;
   * llama.cpp's {@code llama-quantize} likewise gives the output tensor a higher-precision type
   * than the rest (Q6_K for its Q4_0 mixes; with tied embeddings it treats {@code token_embd} as
   * the output tensor; reference: {@code src/llama-quant.cpp}, {@code llama_tensor_get_type}).
   *
   * @return the output tensor's type for this mix. Never null.
   */
  public QuantType defaultOutputType() {
    return Q8_0;
  }
}
