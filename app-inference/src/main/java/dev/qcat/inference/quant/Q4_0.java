package dev.qcat.inference.quant;

import dev.qcat.inference.io.HalfFloats;
import java.nio.ByteBuffer;

/**
 * GGML {@code Q4_0}: blocks of {@value #BLOCK_SIZE} consecutive values along a row, each stored as
 * one IEEE binary16 scale {@code d} and 16 bytes of 4-bit codes, {@value #BLOCK_BYTES} bytes per
 * block (4.5 bits per value). A value decodes as {@code (code - 8) · d}.
 *
 * <p>The scale comes from the signed value of largest magnitude, {@code d = max / -8}, so that
 * value maps exactly to code 0; codes are {@code min(15, trunc(x/d + 8.5))}, i.e. {@code x/d}
 * rounded half up and shifted by 8. Byte {@code j} of the block holds element {@code j} in its low
 * nibble and element {@code j + 16} in its high nibble. The arithmetic follows llama.cpp {@code
 * ggml/src/ggml-quants.c} {@code quantize_row_q4_0_ref} and {@code dequantize_row_q4_0} (reciprocal
 * in float32 from the unrounded {@code d}), so blocks are byte-identical to llama.cpp's. Layout:
 * {@code block_q4_0} in {@code ggml-common.h}.
 *
 * <p>Error bound, per value: {@code |d|/2} (plus the binary16 rounding of {@code d}, ≤ 8·|d|·2^-11)
 * except values of the opposite sign to {@code max} near {@code -max}, which are clamped to code 15
 * and err by up to {@code |d|}.
 */
public final class Q4_0 {

  /** Values per block, along the innermost (input) dimension. */
  public static final int BLOCK_SIZE = 32;

  /** Bytes per block: a 2-byte binary16 scale and 16 bytes of nibbles. */
  public static final int BLOCK_BYTES = 2 + BLOCK_SIZE / 2;

  private Q4_0() {}

  /**
   * Quantizes one block.
   *
   * @param x source values, float32
   * @param from index of the block's first value in {@code x}
   * @param qs destination for the 16 packed bytes
   * @param qsFrom index of the first byte in {@code qs}
   * @return the block scale {@code d} as binary16 bits
   */
  public static short quantizeBlock(float[] x, int from, byte[] qs, int qsFrom) {
    float amax = 0f;
    float max = 0f;
    for (int j = 0; j < BLOCK_SIZE; j++) {
      float v = x[from + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    float d = max / -8f;
    float id = d != 0f ? 1f / d : 0f;
    int half = BLOCK_SIZE / 2;
    for (int j = 0; j < half; j++) {
      int lo = Math.min(15, (int) (x[from + j] * id + 8.5f)); // (int) truncates, as C's cast
      int hi = Math.min(15, (int) (x[from + half + j] * id + 8.5f));
      qs[qsFrom + j] = (byte) (lo | (hi << 4));
    }
    return HalfFloats.floatToF16(d);
  }

  /**
   * Writes {@code count} values as GGUF/GGML Q4_0 blocks.
   *
   * @param src float32 values
   * @param from index of the first value
   * @param count number of values, a multiple of {@value #BLOCK_SIZE}
   * @param dst little-endian buffer with at least {@code count / 32 · 18} bytes remaining; advanced
   * @throws IllegalArgumentException if {@code count} is not a multiple of {@value #BLOCK_SIZE}
   */
  public static void quantize(float[] src, int from, int count, ByteBuffer dst) {
    checkCount(count);
    byte[] qs = new byte[BLOCK_SIZE / 2];
    for (int b = from, end = from + count; b < end; b += BLOCK_SIZE) {
      dst.putShort(quantizeBlock(src, b, qs, 0));
      dst.put(qs);
    }
  }

  /**
   * Reads {@code count} values stored as Q4_0 blocks.
   *
   * @param src little-endian buffer positioned at the first block; advanced
   * @param dst float32 destination
   * @param from index of the first value in {@code dst}
   * @param count number of values, a multiple of {@value #BLOCK_SIZE}
   * @throws IllegalArgumentException if {@code count} is not a multiple of {@value #BLOCK_SIZE}
   */
  public static void dequantize(ByteBuffer src, float[] dst, int from, int count) {
    checkCount(count);
    int half = BLOCK_SIZE / 2;
    for (int b = from, end = from + count; b < end; b += BLOCK_SIZE) {
      float d = HalfFloats.f16ToFloat(src.getShort());
      for (int j = 0; j < half; j++) {
        int q = src.get() & 0xff;
        dst[b + j] = ((q & 0x0f) - 8) * d;
        dst[b + half + j] = ((q >>> 4) - 8) * d;
      }
    }
  }

  private static void checkCount(int count) {
    if (count % BLOCK_SIZE != 0) {
      throw new IllegalArgumentException(
          "expected a multiple of " + BLOCK_SIZE + " values but got " + count);
    }
  }
}
