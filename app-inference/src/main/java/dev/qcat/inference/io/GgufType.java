package dev.qcat.inference.io;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * GGML tensor data types that qcat writes into and reads from GGUF files, with their GGML type ids
 * and block layout. A type stores values in blocks of {@link #blockSize()} values taking {@link
 * #blockBytes()} bytes each; F32 and F16 have blocks of one value. Quantized types (Q8_0, Q4_0:
 * blocks of 32 values along the innermost dimension) are added as further constants that implement
 * {@link #encode} and {@link #decode} for whole blocks.
 *
 * <p>Reference: ggml {@code ggml.h} {@code enum ggml_type} and {@code type_traits} (type ids and
 * block sizes); IEEE 754-2008 binary16 for F16.
 */
public enum GgufType {
  /** IEEE binary32, 4 bytes per value, little-endian. GGML type id 0. */
  F32(0, 1, 4) {
    @Override
    void encode(float[] src, int from, int count, ByteBuffer dst) {
      dst.asFloatBuffer().put(src, from, count); // the view keeps dst's little-endian order
      dst.position(dst.position() + count * Float.BYTES);
    }

    @Override
    void decode(ByteBuffer src, float[] dst, int from, int count) {
      src.asFloatBuffer().get(dst, from, count);
      src.position(src.position() + count * Float.BYTES);
    }
  },

  /**
   * IEEE binary16, 2 bytes per value, little-endian; float32 is rounded to nearest, ties to even
   * (as ggml's {@code GGML_FP32_TO_FP16} and numpy's {@code astype(float16)}) by {@link
   * HalfFloats#floatToF16}. GGML type id 1.
   */
  F16(1, 1, 2) {
    @Override
    void encode(float[] src, int from, int count, ByteBuffer dst) {
      for (int i = from, end = from + count; i < end; i++) {
        dst.putShort(HalfFloats.floatToF16(src[i]));
      }
    }

    @Override
    void decode(ByteBuffer src, float[] dst, int from, int count) {
      for (int i = from, end = from + count; i < end; i++) {
        dst[i] = HalfFloats.f16ToFloat(src.getShort());
      }
    }
  },

  /**
   * GGML Q4_0: blocks of 32 values, a binary16 scale and 16 bytes of 4-bit codes (18 bytes per
   * block), bit-exact with llama.cpp's {@code quantize_row_q4_0_ref}; see {@link
   * dev.qcat.inference.quant.Q4_0}. GGML type id 2.
   */
  Q4_0(2, dev.qcat.inference.quant.Q4_0.BLOCK_SIZE, dev.qcat.inference.quant.Q4_0.BLOCK_BYTES) {
    @Override
    void encode(float[] src, int from, int count, ByteBuffer dst) {
      dev.qcat.inference.quant.Q4_0.quantize(src, from, count, dst);
    }

    @Override
    void decode(ByteBuffer src, float[] dst, int from, int count) {
      dev.qcat.inference.quant.Q4_0.dequantize(src, dst, from, count);
    }
  },

  /**
   * GGML Q8_0: blocks of 32 values, a binary16 scale and 32 int8 codes (34 bytes per block),
   * bit-exact with llama.cpp's {@code quantize_row_q8_0_ref}; see {@link
   * dev.qcat.inference.quant.Q8_0}. GGML type id 8.
   */
  Q8_0(8, dev.qcat.inference.quant.Q8_0.BLOCK_SIZE, dev.qcat.inference.quant.Q8_0.BLOCK_BYTES) {
    @Override
    void encode(float[] src, int from, int count, ByteBuffer dst) {
      dev.qcat.inference.quant.Q8_0.quantize(src, from, count, dst);
    }

    @Override
    void decode(ByteBuffer src, float[] dst, int from, int count) {
      dev.qcat.inference.quant.Q8_0.dequantize(src, dst, from, count);
    }
  };

  private final int ggmlId;
  private final int blockSize;
  private final int blockBytes;

  GgufType(int ggmlId, int blockSize, int blockBytes) {
    this.ggmlId = ggmlId;
    this.blockSize = blockSize;
    this.blockBytes = blockBytes;
  }

  /**
   * @return the GGML type id stored in a GGUF tensor info ({@code enum ggml_type})
   */
  public int ggmlId() {
    return ggmlId;
  }

  /**
   * @return the number of values in one block, in values (1 for F32 and F16)
   */
  public int blockSize() {
    return blockSize;
  }

  /**
   * @return the size of one block, in bytes
   */
  public int blockBytes() {
    return blockBytes;
  }

  /**
   * Size of a tensor's data in this type.
   *
   * @param ne GGUF dimensions, innermost first; the innermost must be a multiple of {@link
   *     #blockSize()}
   * @return data size, in bytes, before alignment padding
   * @throws IllegalArgumentException if {@code ne[0]} is not a multiple of the block size
   */
  public long byteSize(long[] ne) {
    if (ne.length == 0 || ne[0] % blockSize != 0) {
      throw new IllegalArgumentException(
          "expected the innermost dimension to be a multiple of "
              + blockSize
              + " for "
              + this
              + " but ne="
              + Arrays.toString(ne));
    }
    long elements = 1;
    for (long n : ne) {
      elements = Math.multiplyExact(elements, n);
    }
    return Math.multiplyExact(elements / blockSize, (long) blockBytes);
  }

  /**
   * Writes {@code count} values (a whole number of blocks) in this type.
   *
   * @param src float32 values
   * @param from index of the first value in {@code src}
   * @param count number of values, a multiple of {@link #blockSize()}
   * @param dst little-endian buffer with at least {@code count / blockSize * blockBytes} bytes
   *     remaining
   */
  abstract void encode(float[] src, int from, int count, ByteBuffer dst);

  /**
   * Reads {@code count} values (a whole number of blocks) stored in this type as float32.
   *
   * @param src little-endian buffer positioned at the first block
   * @param dst float32 destination
   * @param from index of the first value in {@code dst}
   * @param count number of values, a multiple of {@link #blockSize()}
   */
  abstract void decode(ByteBuffer src, float[] dst, int from, int count);

  /**
   * @param ggmlId a GGML type id from a tensor info
   * @return the type with that id, or empty if qcat does not handle it
   */
  public static Optional<GgufType> fromGgmlId(int ggmlId) {
    for (GgufType type : values()) {
      if (type.ggmlId == ggmlId) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
