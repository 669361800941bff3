package dev.qcat.inference.quant;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.model.Linear;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.Qwen2Model;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The per-projection Hessians GPTQ needs ({@link Gptq}): H = Σ x·xᵀ over every input row x that
 * reaches a linear projection while a float32 model runs a calibration workload (for qcat, the
 * classification of sample questions: prompt and label trie, as served).
 *
 * <p>Projections that read the same input share one Hessian: {@code q_proj}, {@code k_proj} and
 * {@code v_proj} (the attention's normed input), {@code gate_proj} and {@code up_proj} (the MLP's
 * normed input). The sums are kept in float32 by libtorch ({@code xᵀ·x} per forward call, added in
 * place), then handed out as doubles.
 *
 * <p>Source: Frantar et al. 2023 (GPTQ), §3: the layer-wise objective ‖WX − ŴX‖² has Hessian 2XXᵀ.
 */
public final class CalibrationHessians {

  private CalibrationHessians() {}

  /**
   * Builds a float32 model from {@code tensors}, runs {@code workload} on it and returns the sum of
   * x·xᵀ of each projection's inputs.
   *
   * @param config the configuration
   * @param tensors HF name → float32 tensor (the adapter already merged, e.g. {@code
   *     LoraAdapter#applyTo}); called once per tensor
   * @param workload runs the model over calibration inputs (without padding: a padded position's
   *     input would count like a real one); must run it at least once
   * @return HF weight name (e.g. {@code model.layers.0.self_attn.q_proj.weight}) → (in, in)
   *     row-major float32 sum of x·xᵀ, for every projection (one array shared by projections with
   *     the same input). Never null.
   * @throws IllegalStateException if the workload never ran the model
   */
  public static Map<String, float[]> collect(
      Qwen2Config config, Function<String, FloatTensor> tensors, Consumer<Qwen2Model> workload) {
    Objects.requireNonNull(workload, "workload is required.");
    Map<String, NDArray> sums = new HashMap<>();
    Map<String, String> sharedWith = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      try (Qwen2Model model =
          Qwen2Model.fromTensors(
              config,
              tensors,
              (layer, module, base) -> {
                String name = weightName(layer, module);
                String owner = weightName(layer, inputOwner(module));
                sharedWith.put(name, owner);
                if (!owner.equals(name)) {
                  return base;
                }
                NDArray sum = manager.zeros(new Shape(base.inFeatures(), base.inFeatures()));
                sums.put(name, sum);
                return new Recorder(base, sum);
              })) {
        workload.accept(model);
      }
      Map<String, float[]> out = new LinkedHashMap<>();
      Map<String, float[]> byOwner = new HashMap<>();
      for (Map.Entry<String, String> e : sharedWith.entrySet()) {
        float[] h =
            byOwner.computeIfAbsent(
                e.getValue(),
                owner -> {
                  NDArray sum = sums.get(owner);
                  float[] f = sum.toFloatArray();
                  sum.close(); // one float32 copy at a time: 2.5 GB of sums at the 0.5B shapes
                  return f;
                });
        out.put(e.getKey(), h);
      }
      if (out.values().stream().allMatch(h -> isZero(h))) {
        throw new IllegalStateException(
            "the calibration workload did not run the model: no projection saw an input");
      }
      return out;
    }
  }

  private static boolean isZero(float[] h) {
    for (float v : h) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  private static String inputOwner(String module) {
    return switch (module) {
      case "k_proj", "v_proj" -> "q_proj";
      case "up_proj" -> "gate_proj";
      default -> module;
    };
  }

  static String weightName(int layer, String module) {
    boolean mlp =
        module.equals("gate_proj") || module.equals("up_proj") || module.equals("down_proj");
    return CheckpointKeys.layer(
        "model.layers.%d." + (mlp ? "mlp." : "self_attn.") + module + ".weight", layer);
  }

  /** The plain projection, adding each input's x·xᵀ to a running sum on the way. */
  private static final class Recorder extends Linear {
    private final NDArray sum;

    Recorder(Linear base, NDArray sum) {
      super(base.weight(), base.bias());
      this.sum = sum;
    }

    @Override
    public NDArray forward(NDArray x) {
      try (NDManager scope = x.getManager().newSubManager()) {
        NDArray rows = x.reshape(-1, inFeatures());
        rows.attach(scope);
        NDArray xtx = rows.transpose().matMul(rows);
        xtx.attach(scope);
        sum.addi(xtx.toType(DataType.FLOAT32, false));
      }
      return super.forward(x);
    }
  }
}
