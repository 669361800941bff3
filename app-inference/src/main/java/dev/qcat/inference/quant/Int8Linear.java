package dev.qcat.inference.quant;

import ai.djl.ndarray.NDArray;
import dev.qcat.inference.model.Linear;

/**
 * A linear layer served from a Q8_0 weight (int8 codes and a scale per block of 32 inputs; 1.125
 * bytes per weight resident instead of 4). See {@link QuantizedLinear} for how it computes.
 */
public final class Int8Linear extends QuantizedLinear {

  /**
   * @param weight quantized weight, shape (out, in), type {@link QuantType#Q8_0}
   * @param bias shape (out), float32, or null
   * @throws IllegalArgumentException if the weight is not Q8_0
   */
  public Int8Linear(QuantizedMatrix weight, NDArray bias) {
    super(require(weight, QuantType.Q8_0), bias);
  }

  /**
   * Quantizes a float32 layer.
   *
   * @param name tensor name, for error messages
   * @param base the layer, weight (out, in) float32 with in a multiple of 32
   * @return the quantized layer, sharing {@code base}'s bias. Never null.
   * @throws IllegalArgumentException naming the tensor if its rows do not split into blocks of 32
   */
  public static Int8Linear of(String name, Linear base) {
    return new Int8Linear(QuantizedLinear.quantizeBase(name, base, QuantType.Q8_0), base.bias());
  }

  static QuantizedMatrix require(QuantizedMatrix w, QuantType type) {
    if (w.type() != type) {
      throw new IllegalArgumentException("expected a " + type + " weight but got " + w.type());
    }
    return w;
  }
}
