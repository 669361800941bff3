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
  private final long inFeatures;
  private final long outFeatures;

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
    this.inFeatures = weight.getShape().get(1);
    this.outFeatures = weight.getShape().get(0);
  }

  /**
   * For subclasses that keep no float32 weight (quantized layers, {@code
   * dev.qcat.inference.quant.QuantizedLinear}); they override {@link #forward}, and {@link
   * #weight()} returns null.
   *
   * @param inFeatures input width, ≥ 1
   * @param outFeatures output width, ≥ 1
   * @param bias shape (outFeatures), float32, or null for no bias
   * @throws IllegalArgumentException if a width is below 1 or the bias length differs
   */
  protected Linear(long inFeatures, long outFeatures, NDArray bias) {
    if (inFeatures < 1 || outFeatures < 1) {
      throw new IllegalArgumentException(
          "expected widths >= 1 but got in=" + inFeatures + ", out=" + outFeatures);
    }
    if (bias != null && bias.getShape().size() != outFeatures) {
      throw new IllegalArgumentException(
          "bias has shape " + bias.getShape() + " but the layer has " + outFeatures + " outputs");
    }
    this.weight = null;
    this.bias = bias;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
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
   * @return the weight, shape (out, in), float32; null only for layers built with the protected
   *     width constructor (quantized layers keep no float32 weight)
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
    return inFeatures;
  }

  /**
   * @return output width
   */
  public long outFeatures() {
    return outFeatures;
  }
}
