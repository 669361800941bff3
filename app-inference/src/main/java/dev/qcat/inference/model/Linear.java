package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * A linear layer y = x·Wᵀ + b, as PyTorch {@code nn.Linear}, on the libtorch GEMM ({@code
 * torch.nn.functional.linear}).
 *
 * <p>The weight and bias live in the model's long-lived manager; the result is attached to the
 * manager of {@code x}, so per-call arrays never leak into the model's manager.
 */
public class Linear {

  private final NDArray weight;
  private final NDArray bias;

  /**
   * @param weight shape (out, in), float32
   * @param bias shape (out), float32, or null for no bias
   */
  public Linear(NDArray weight, NDArray bias) {
    this.weight = Objects.requireNonNull(weight, "weight is required.");
    this.bias = bias;
    if (weight.getShape().dimension() != 2) {
      throw new IllegalArgumentException(
          "weight must be 2-D (out, in) but is " + weight.getShape());
    }
    if (bias != null && bias.getShape().size() != weight.getShape().get(0)) {
      throw new IllegalArgumentException(
          "bias has shape "
              + bias.getShape()
              + " but weight has "
              + weight.getShape().get(0)
              + " rows");
    }
  }

  /**
   * @param x input, shape (..., in), float32
   * @return shape (..., out), float32, attached to {@code x}'s manager
   * @throws IllegalArgumentException if the last dimension of {@code x} is not {@code in}
   */
  public NDArray forward(NDArray x) {
    if (x.getShape().getLastDimension() != inFeatures()) {
      throw new IllegalArgumentException(
          "expected input width " + inFeatures() + " but got shape " + x.getShape());
    }
    return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
  }

  /**
   * @return the weight, shape (out, in), float32. Never null.
   */
  public NDArray weight() {
    return weight;
  }

  /**
   * @return the bias, shape (out), or null when the layer has none
   */
  public NDArray bias() {
    return bias;
  }

  /**
   * @return input width
   */
  public long inFeatures() {
    return weight.getShape().get(1);
  }

  /**
   * @return output width
   */
  public long outFeatures() {
    return weight.getShape().get(0);
  }
}
