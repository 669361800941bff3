package dev.qcat.inference.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor held on the Java heap, row-major (C order), as read from or written to a
 * checkpoint file. It never holds bfloat16 or float16 values: those are widened on read.
 *
 * @param shape dimensions, outermost first (PyTorch order); empty for a scalar
 * @param data values in row-major order; length = product of {@code shape}
 */
public record FloatTensor(long[] shape, float[] data) {

  /** Validates that {@code data.length} equals the product of {@code shape}. */
  public FloatTensor {
    Objects.requireNonNull(shape, "shape is required.");
    Objects.requireNonNull(data, "data is required.");
    long n = numel(shape);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " holds "
              + n
              + " values but data has "
              + data.length);
    }
  }

  /**
   * @return the number of values, product of {@code shape}
   * @throws IllegalArgumentException if a dimension is negative
   */
  public static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
