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
  Q4_0
}
