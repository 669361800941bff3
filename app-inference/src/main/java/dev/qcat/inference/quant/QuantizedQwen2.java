package dev.qcat.inference.quant;

import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.lora.LoraAdapter;
import dev.qcat.inference.model.Linear;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.Qwen2Model;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Builds a {@link Qwen2Model} served from quantized weights: every linear projection becomes an
 * {@link Int8Linear} (Q8_0) or {@link Q4Linear} (Q4_0), and the token embedding (and the tied LM
 * head) a {@link QuantizedEmbedding}, by default in {@link QuantType#defaultOutputType()} (Q8_0,
 * also for a Q4_0 mix, as llama-quantize keeps the output tensor at higher precision) or, when
 * asked, in the projections' type ("pure"); norms and biases stay float32. LoRA adapters must be
 * merged into the weights first (DESIGN.md §3).
 *
 * <p>Memory: each projection's float32 weight exists only while it is quantized (one at a time; its
 * native memory is freed right after), so the resident model is about 1.125 (Q8_0) or 0.625 (Q4_0)
 * bytes per weight on the Java heap (the embedding at its own type's rate) plus the float32 norms
 * and biases. Measure it as the process's RSS ({@code VmRSS} in {@code /proc/self/status}) after a
 * full GC, against the same figure for the float32 model.
 */
public final class QuantizedQwen2 {

  private QuantizedQwen2() {}

  /**
   * Loads an HF checkpoint directory and quantizes it while loading.
   *
   * @param dir the checkpoint directory
   * @param type block format of the projections and the embedding
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a file is inconsistent, or a weight's rows do not split
   *     into blocks of 32 (the message names the tensor and its shape)
   */
  public static Qwen2Model load(Path dir, QuantType type) {
    return load(dir, null, type);
  }

  /**
   * Loads an HF checkpoint directory, merges a LoRA adapter into its float32 weights (W +
   * (alpha/r)·B·A, saved modules replacing the base ones; {@link LoraAdapter#applyTo}) and only
   * then quantizes each merged weight, so the quantization error is that of the fine-tuned weights,
   * not base error plus an unquantized update.
   *
   * @param dir the base checkpoint directory
   * @param adapter the adapter to merge first, or null for the base model alone
   * @param type block format of the projections and the embedding
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a file is inconsistent, the adapter does not fit the base
   *     model, or a weight's rows do not split into blocks of 32 (the message names the tensor)
   */
  public static Qwen2Model load(Path dir, LoraAdapter adapter, QuantType type) {
    Objects.requireNonNull(type, "type is required.");
    return load(dir, adapter, type, type.defaultOutputType());
  }

  /**
   * Like {@link #load(Path, LoraAdapter, QuantType)} with the token embedding (tied LM head) in
   * {@code outputType}; {@code outputType == type} quantizes every matrix alike.
   *
   * @param dir the base checkpoint directory
   * @param adapter the adapter to merge first, or null for the base model alone
   * @param type block format of the projections
   * @param outputType block format of the token embedding and the LM head
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a file is inconsistent, the adapter does not fit the base
   *     model, or a weight's rows do not split into blocks of 32 (the message names the tensor)
   */
  public static Qwen2Model load(
      Path dir, LoraAdapter adapter, QuantType type, QuantType outputType) {
    Objects.requireNonNull(type, "type is required.");
    Objects.requireNonNull(outputType, "outputType is required.");
    try (HfCheckpoint ckpt = HfCheckpoint.load(dir)) {
      if (adapter == null) {
        return fromTensors(ckpt.config(), ckpt::tensor, type, outputType);
      }
      adapter.checkAgainst(ckpt.config());
      return fromTensors(
          ckpt.config(), adapter.applyTo(ckpt.config(), ckpt::tensor), type, outputType);
    }
  }

  /**
   * Builds a quantized model from float32 tensors named as in an HF checkpoint.
   *
   * @param config the configuration
   * @param tensors gives each tensor by name, float32; called once per tensor
   * @param type block format of the projections and the embedding
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a tensor has the wrong shape, or a weight's rows do not
   *     split into blocks of 32 (the message names the tensor and its shape)
   */
  public static Qwen2Model fromTensors(
      Qwen2Config config, Function<String, FloatTensor> tensors, QuantType type) {
    Objects.requireNonNull(type, "type is required.");
    return fromTensors(config, tensors, type, type.defaultOutputType());
  }

  /**
   * Like {@link #fromTensors(Qwen2Config, Function, QuantType)} with the token embedding (tied LM
   * head) in {@code outputType}.
   *
   * @param config the configuration
   * @param tensors gives each tensor by name, float32; called once per tensor
   * @param type block format of the projections
   * @param outputType block format of the token embedding and the LM head
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a tensor has the wrong shape, or a weight's rows do not
   *     split into blocks of 32 (the message names the tensor and its shape)
   */
  public static Qwen2Model fromTensors(
      Qwen2Config config,
      Function<String, FloatTensor> tensors,
      QuantType type,
      QuantType outputType) {
    Objects.requireNonNull(type, "type is required.");
    Objects.requireNonNull(outputType, "outputType is required.");
    return Qwen2Model.fromTensors(
        config,
        tensors,
        Qwen2Model.Backend.TORCH,
        (layer, module, base) -> quantize(layer, module, base, type),
        QuantizedEmbedding.factory(outputType));
  }

  /**
   * The projections' weights rounded by GPTQ ({@link Gptq#round}) onto {@code type}'s block grid,
   * each with its calibration Hessian; the other tensors (embedding, norms, biases) unchanged.
   * Quantizing the result ({@link #fromTensors(Qwen2Config, Function, QuantType, QuantType)}) or
   * exporting it as a GGUF of {@code type} stores GPTQ's codes, since round-to-nearest reproduces
   * them exactly.
   *
   * @param tensors HF name → float32 tensor, the adapter already merged
   * @param hessians HF weight name → its Hessian ({@link CalibrationHessians#collect})
   * @param type the block grid of the projections
   * @return HF name → float32 tensor; each projection rounded when first asked for. Never null.
   * @throws IllegalArgumentException (from the returned function) if a projection has no Hessian of
   *     its width, or its Hessian is not positive definite after dampening
   */
  public static Function<String, FloatTensor> gptqRounded(
      Function<String, FloatTensor> tensors, Map<String, float[]> hessians, QuantType type) {
    Objects.requireNonNull(tensors, "tensors are required.");
    Objects.requireNonNull(hessians, "hessians are required.");
    Objects.requireNonNull(type, "type is required.");
    return name -> {
      FloatTensor t = tensors.apply(name);
      float[] h = hessians.get(name);
      if (t == null || !PROJECTION.matcher(name).matches()) {
        return t;
      }
      if (h == null) {
        throw new IllegalArgumentException(
            "cannot GPTQ-round " + name + ": the calibration collected no Hessian for it");
      }
      return Gptq.round(name, t, h, type, Gptq.DEFAULT_DAMP);
    };
  }

  private static final Pattern PROJECTION =
      Pattern.compile("model\\.layers\\.\\d+\\.(self_attn|mlp)\\.[a-z_]+_proj\\.weight");

  private static Linear quantize(int layer, String module, Linear base, QuantType type) {
    String name = CalibrationHessians.weightName(layer, module);
    Linear q = type == QuantType.Q8_0 ? Int8Linear.of(name, base) : Q4Linear.of(name, base);
    base.weight().close(); // frees the float32 copy now; the bias stays with the model
    return q;
  }
}
