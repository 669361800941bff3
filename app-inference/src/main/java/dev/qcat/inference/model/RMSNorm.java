package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * Root-mean-square layer norm: y = x / sqrt(mean(x²) + eps) * weight, computed in float32.
 *
 * <p>Reference: Zhang &amp; Sennrich 2019, arXiv:1910.07467; HF {@code
 * modeling_qwen2.Qwen2RMSNorm}.
 */
public final class RMSNorm {

  private final NDArray weight;
  private final float eps;

  /**
   * @param weight shape (hiddenSize), float32
   * @param eps ε added to the mean square
   */
  public RMSNorm(NDArray weight, double eps) {
    this.weight = Objects.requireNonNull(weight, "weight is required.");
    this.eps = (float) eps;
  }

  /**
   * @param x hidden states, shape (..., hiddenSize), float32
   * @return same shape and dtype as {@code x}, attached to {@code x}'s manager
   * @throws IllegalArgumentException if {@code x.getShape().getLastDimension() != hiddenSize}
   */
  public NDArray forward(NDArray x) {
    if (x.getShape().getLastDimension() != weight.getShape().get(0)) {
      throw new IllegalArgumentException(
          "expected hiddenSize=" + weight.getShape().get(0) + " but got shape " + x.getShape());
    }
    NDArray variance = x.square().mean(new int[] {-1}, true);
    return x.div(variance.add(eps).sqrt()).mul(weight);
  }

  /**
   * @return the weight, shape (hiddenSize), float32. Never null.
   */
  public NDArray weight() {
    return weight;
  }
}
