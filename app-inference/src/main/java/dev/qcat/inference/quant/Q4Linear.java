package dev.qcat.inference.quant;

import ai.djl.ndarray.NDArray;
import dev.qcat.inference.model.Linear;

/**
 * A linear layer served from a Q4_0 weight (4-bit codes and a scale per block of 32 inputs; 0.625
 * bytes per weight resident instead of 4). See {@link QuantizedLinear} for how it computes.
 */
public final class Q4Linear extends QuantizedLinear {

  /**
   * @param weight quantized weight, shape (out, in), type {@link QuantType#Q4_0}
   * @param bias shape (out), float32, or null
   * @throws IllegalArgumentException if the weight is not Q4_0
   */
  public Q4Linear(QuantizedMatrix weight, NDArray bias) {
    super(Int8Linear.require(weight, QuantType.Q4_0), bias);
  }

  /**
   * Quantizes a float32 layer.
   *
   * @param name tensor name, for error messages
   * @param base the layer, weight (out, in) float32 with in a multiple of 32
   * @return the quantized layer, sharing {@code base}'s bias. Never null.
   * @throws IllegalArgumentException naming the tensor if its rows do not split into blocks of 32
   */
  public static Q4Linear of(String name, Linear base) {
    return new Q4Linear(QuantizedLinear.quantizeBase(name, base, QuantType.Q4_0), base.bias());
  }
}
