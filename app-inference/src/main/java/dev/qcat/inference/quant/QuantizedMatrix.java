package dev.qcat.inference.quant;

import dev.qcat.inference.io.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A row-major float32 matrix of shape (rows, cols) held only in a GGML block format: codes in one
 * {@code byte[]} (Q8_0: one signed byte per value; Q4_0: two values per byte, packed as in GGUF)
 * and one scale per block of 32 values of a row, kept as the float32 value of the block's binary16
 * scale (so decoding equals llama.cpp's {@code dequantize_row_q8_0 / _q4_0} exactly). Resident
 * size: Q8_0 1.125 bytes per value, Q4_0 0.625 bytes per value, on the Java heap.
 *
 * <p>Immutable after {@link #quantize}; {@link #dequantizeRows} may be called from any thread.
 */
public final class QuantizedMatrix {

  /** Values per block along a row. */
  public static final int BLOCK = 32;

  private final QuantType type;
  private final int rows;
  private final int cols;
  private final byte[] codes;
  private final float[] scales;

  private QuantizedMatrix(QuantType type, int rows, int cols, byte[] codes, float[] scales) {
    this.type = type;
    this.rows = rows;
    this.cols = cols;
    this.codes = codes;
    this.scales = scales;
  }

  /**
   * Quantizes a float32 matrix.
   *
   * @param name tensor name, for error messages (e.g. {@code model.layers.0.mlp.up_proj.weight})
   * @param shape (rows, cols), PyTorch order
   * @param data row-major float32 values, length rows · cols
   * @param type block format
   * @return the quantized matrix. Never null.
   * @throws IllegalArgumentException naming the tensor and its shape if it is not 2-D, {@code cols}
   *     is not a multiple of 32, the data length differs, or it has 2^31 values or more
   */
  public static QuantizedMatrix quantize(String name, long[] shape, float[] data, QuantType type) {
    Objects.requireNonNull(name, "name is required.");
    Objects.requireNonNull(shape, "shape is required.");
    Objects.requireNonNull(data, "data is required.");
    Objects.requireNonNull(type, "type is required.");
    if (shape.length != 2) {
      throw new IllegalArgumentException(
          "cannot quantize " + name + " of shape " + Arrays.toString(shape) + ": expected 2-D");
    }
    Q8_0.checkRowLength(name, shape, type.name());
    long n = shape[0] * shape[1];
    if (n != data.length || n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "cannot quantize "
              + name
              + " of shape "
              + Arrays.toString(shape)
              + ": got "
              + data.length
              + " values");
    }
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    int blocks = (int) (n / BLOCK);
    float[] scales = new float[blocks];
    byte[] codes;
    if (type == QuantType.Q8_0) {
      codes = new byte[(int) n];
      for (int b = 0; b < blocks; b++) {
        scales[b] = HalfFloats.f16ToFloat(Q8_0.quantizeBlock(data, b * BLOCK, codes, b * BLOCK));
      }
    } else {
      codes = new byte[(int) (n / 2)];
      for (int b = 0; b < blocks; b++) {
        scales[b] =
            HalfFloats.f16ToFloat(Q4_0.quantizeBlock(data, b * BLOCK, codes, b * BLOCK / 2));
      }
    }
    return new QuantizedMatrix(type, rows, cols, codes, scales);
  }

  /**
   * Decodes whole rows into float32.
   *
   * @param firstRow first row to decode, in [0, rows)
   * @param count number of rows, firstRow + count ≤ rows
   * @param dst destination, row-major (count, cols), written from index 0
   */
  public void dequantizeRows(int firstRow, int count, float[] dst) {
    dequantizeRows(firstRow, count, dst, 0);
  }

  /**
   * Decodes whole rows into float32 at an offset.
   *
   * @param firstRow first row to decode, in [0, rows)
   * @param count number of rows, firstRow + count ≤ rows
   * @param dst destination, row-major (count, cols), written from index {@code dstFrom}
   * @param dstFrom index in {@code dst} of the first decoded value
   */
  public void dequantizeRows(int firstRow, int count, float[] dst, int dstFrom) {
    int blocksPerRow = cols / BLOCK;
    int firstBlock = firstRow * blocksPerRow;
    int blocks = count * blocksPerRow;
    if (type == QuantType.Q8_0) {
      for (int b = 0; b < blocks; b++) {
        float d = scales[firstBlock + b];
        int src = (firstBlock + b) * BLOCK;
        int out = dstFrom + b * BLOCK;
        for (int j = 0; j < BLOCK; j++) {
          dst[out + j] = codes[src + j] * d;
        }
      }
    } else {
      int half = BLOCK / 2;
      for (int b = 0; b < blocks; b++) {
        float d = scales[firstBlock + b];
        int src = (firstBlock + b) * half;
        int out = dstFrom + b * BLOCK;
        // two passes with contiguous stores, which C2 vectorizes (one interleaved pass did not)
        for (int j = 0; j < half; j++) {
          dst[out + j] = ((codes[src + j] & 0x0f) - 8) * d;
        }
        for (int j = 0; j < half; j++) {
          dst[out + half + j] = (((codes[src + j] >> 4) & 0x0f) - 8) * d;
        }
      }
    }
  }

  /**
   * Copies the raw Q8_0 codes and block scales of whole rows, for a caller that dequantizes them
   * with vectorized tensor operations instead of {@link #dequantizeRows}.
   *
   * @param firstRow first row, in [0, rows)
   * @param count number of rows, firstRow + count ≤ rows
   * @param codesDst receives count · cols int8 codes, row-major (count, cols), from its position;
   *     advanced
   * @param scalesDst receives count · cols / 32 block scales d (float32, value = code · d), from
   *     its position; advanced
   * @throws IllegalStateException if this matrix is not Q8_0
   * @throws java.nio.BufferOverflowException if a destination has too little room
   */
  public void copyQ8_0Rows(int firstRow, int count, ByteBuffer codesDst, FloatBuffer scalesDst) {
    if (type != QuantType.Q8_0) {
      throw new IllegalStateException("raw codes are copied for Q8_0 only, not " + type);
    }
    int blocksPerRow = cols / BLOCK;
    codesDst.put(codes, firstRow * cols, count * cols);
    scalesDst.put(scales, firstRow * blocksPerRow, count * blocksPerRow);
  }

  /**
   * @return the block format. Never null.
   */
  public QuantType type() {
    return type;
  }

  /**
   * @return number of rows (output features of a linear layer, tokens of an embedding)
   */
  public int rows() {
    return rows;
  }

  /**
   * @return number of columns (input features, hidden size), a multiple of 32
   */
  public int cols() {
    return cols;
  }

  /**
   * @return heap bytes held by codes and scales, in bytes (array headers excluded)
   */
  public long residentBytes() {
    return codes.length + 4L * scales.length;
  }
}
