package dev.qcat.inference.quant;

import dev.qcat.inference.io.HalfFloats;
import java.nio.ByteBuffer;

/**
 * GGML {@code Q8_0}: blocks of {@value #BLOCK_SIZE} consecutive values along a row, each stored as
 * one IEEE binary16 scale {@code d = max|x| / 127} followed by {@value #BLOCK_SIZE} signed bytes
 * {@code q = roundf(x / d)} (rounded half away from zero), {@value #BLOCK_BYTES} bytes per block
 * (8.5 bits per value). A value decodes as {@code q · d} with {@code d} read back from binary16.
 *
 * <p>The arithmetic follows llama.cpp {@code ggml/src/ggml-quants.c} {@code quantize_row_q8_0_ref}
 * and {@code dequantize_row_q8_0} step by step (the reciprocal {@code 1/d} is taken in float32 from
 * the unrounded {@code d}, then {@code d} is rounded to binary16 for storage), so blocks written
 * here are byte-identical to llama.cpp's. Layout: {@code block_q8_0} in {@code ggml-common.h}.
 *
 * <p>Error bound, per value: {@code |x - q·d16| ≤ d/2 + 127·|d - d16| ≤ d·(1/2 + 127·2^-11)}.
 */
public final class Q8_0 {

  /** Values per block, along the innermost (input) dimension. */
  public static final int BLOCK_SIZE = 32;

  /** Bytes per block: a 2-byte binary16 scale and 32 int8 codes. */
  public static final int BLOCK_BYTES = 2 + BLOCK_SIZE;

  private Q8_0() {}

  /**
   * Quantizes one block.
   *
   * @param x source values, float32
   * @param from index of the block's first value in {@code x}
   * @param qs destination for the 32 codes, each in [-127, 127]
   * @param qsFrom index of the first code in {@code qs}
   * @return the block scale {@code d} as binary16 bits
   */
  public static short quantizeBlock(float[] x, int from, byte[] qs, int qsFrom) {
    float amax = 0f;
    for (int j = 0; j < BLOCK_SIZE; j++) {
      amax = Math.max(amax, Math.abs(x[from + j]));
    }
    float d = amax / 127f;
    float id = d != 0f ? 1f / d : 0f;
    for (int j = 0; j < BLOCK_SIZE; j++) {
      qs[qsFrom + j] = (byte) roundHalfAwayFromZero(x[from + j] * id);
    }
    return HalfFloats.floatToF16(d);
  }

  /**
   * C {@code roundf}: nearest integer, halfway cases away from zero (Java's {@link Math#round}
   * rounds -2.5 to -2, roundf to -3).
   */
  static int roundHalfAwayFromZero(float v) {
    double r = Math.floor(Math.abs((double) v) + 0.5); // exact: a float fits a double
    return (int) Math.copySign(r, v);
  }

  /**
   * Writes {@code count} values as GGUF/GGML Q8_0 blocks.
   *
   * @param src float32 values
   * @param from index of the first value
   * @param count number of values, a multiple of {@value #BLOCK_SIZE}
   * @param dst little-endian buffer with at least {@code count / 32 · 34} bytes remaining; advanced
   * @throws IllegalArgumentException if {@code count} is not a multiple of {@value #BLOCK_SIZE}
   */
  public static void quantize(float[] src, int from, int count, ByteBuffer dst) {
    checkCount(count);
    byte[] qs = new byte[BLOCK_SIZE];
    for (int b = from, end = from + count; b < end; b += BLOCK_SIZE) {
      dst.putShort(quantizeBlock(src, b, qs, 0));
      dst.put(qs);
    }
  }

  /**
   * Reads {@code count} values stored as Q8_0 blocks.
   *
   * @param src little-endian buffer positioned at the first block; advanced
   * @param dst float32 destination
   * @param from index of the first value in {@code dst}
   * @param count number of values, a multiple of {@value #BLOCK_SIZE}
   * @throws IllegalArgumentException if {@code count} is not a multiple of {@value #BLOCK_SIZE}
   */
  public static void dequantize(ByteBuffer src, float[] dst, int from, int count) {
    checkCount(count);
    for (int b = from, end = from + count; b < end; b += BLOCK_SIZE) {
      float d = HalfFloats.f16ToFloat(src.getShort());
      for (int j = 0; j < BLOCK_SIZE; j++) {
        dst[b + j] = src.get() * d;
      }
    }
  }

  /**
   * Checks that a tensor can be stored in blocks of {@value #BLOCK_SIZE} along its rows.
   *
   * @param tensor tensor name, for the message
   * @param shape PyTorch shape, rows along the last dimension
   * @param type the block type's name, for the message ({@code Q8_0}, {@code Q4_0})
   * @throws IllegalArgumentException naming the tensor and its shape if the last dimension is not a
   *     multiple of {@value #BLOCK_SIZE}
   */
  public static void checkRowLength(String tensor, long[] shape, String type) {
    long row = shape.length == 0 ? 0 : shape[shape.length - 1];
    if (row <= 0 || row % BLOCK_SIZE != 0) {
      throw new IllegalArgumentException(
          "cannot store "
              + tensor
              + " of shape "
              + java.util.Arrays.toString(shape)
              + " as "
              + type
              + ": its rows hold "
              + row
              + " values, not a multiple of the "
              + BLOCK_SIZE
              + "-value block");
    }
  }

  private static void checkCount(int count) {
    if (count % BLOCK_SIZE != 0) {
      throw new IllegalArgumentException(
          "expected a multiple of " + BLOCK_SIZE + " values but got " + count);
    }
  }
}
