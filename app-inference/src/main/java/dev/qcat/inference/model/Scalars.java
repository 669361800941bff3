package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication and division by a scalar that stay correct under autograd.
 *
 * <p>DJL 0.36's PyTorch {@code NDArray.mul(Number)} and {@code div(Number)} wrap the number in a
 * tensor that aliases a Java direct buffer ({@code torch::from_blob}), compute, and close that
 * tensor at once. Outside autograd this is harmless. Inside a {@code GradientCollector}, libtorch's
 * {@code MulBackward0}/{@code DivBackward0} keep the scalar tensor for the backward pass while
 * nothing on the Java side keeps its buffer: once the garbage collector frees it, backward reads
 * freed memory. Training then gave different results for the same seed, or NaN, depending on when
 * the collector ran.
 *
 * <p>Here the scalar is made by {@code torch::full} ({@code NDManager.full}), so libtorch owns its
 * storage and the saved copy stays valid however long autograd keeps it.
 */
public final class Scalars {

  private Scalars() {}

  /**
   * @param x any shape, float32
   * @param s the factor
   * @return x · s, same shape and dtype, attached to {@code x}'s manager; differentiable
   */
  public static NDArray mul(NDArray x, float s) {
    try (NDArray c = x.getManager().full(new Shape(), s, x.getDataType())) {
      return x.mul(c);
    }
  }

  /**
   * @param x any shape, float32
   * @param s the divisor, non-zero
   * @return x / s, same shape and dtype, attached to {@code x}'s manager; differentiable
   */
  public static NDArray div(NDArray x, float s) {
    try (NDArray c = x.getManager().full(new Shape(), s, x.getDataType())) {
      return x.div(c);
    }
  }
}
