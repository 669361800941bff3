package dev.qcat.inference.lora;

import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.model.Qwen2Config;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The weights of one LoRA adapter on a Qwen2 model, held on the Java heap: for each targeted linear
 * layer, {@code lora_A} (r×in) and {@code lora_B} (out×r), plus the full weights of any {@code
 * modulesToSave}. Tensor names are the base model's module paths, i.e. PEFT's keys without the
 * {@code base_model.model.} prefix: {@code model.layers.3.self_attn.q_proj.lora_A.weight}, {@code
 * model.embed_tokens.weight}, {@code lm_head.weight}.
 *
 * <p>This is what {@link PeftAdapterIO} reads and writes and what the trainer produces; {@link
 * #mergedWeight} folds it into a base checkpoint tensor for quantization and GGUF export.
 *
 * @param config the adapter's hyperparameters
 * @param tensors tensors by name, float32; checked by the constructor
 */
public record LoraAdapter(LoraConfig config, Map<String, FloatTensor> tensors) {

  /** Layer-indexed LoRA key: {@code %d} layer, first {@code %s} block, second {@code %s} module. */
  public static final String LORA_A = "model.layers.%d.%s.%s.lora_A.weight";

  /** Layer-indexed LoRA key for B, same placeholders as {@link #LORA_A}. */
  public static final String LORA_B = "model.layers.%d.%s.%s.lora_B.weight";

  private static final Pattern LORA_KEY =
      Pattern.compile(
          "model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.([a-z_]+)\\.lora_([AB])\\.weight");

  /** Names of the module-to-save tensors, by module short name. */
  private static final Map<String, String> SAVED_KEYS =
      Map.of("embed_tokens", CheckpointKeys.EMBED_TOKENS, "lm_head", CheckpointKeys.LM_HEAD);

  /**
   * Checks that every tensor is a LoRA matrix of a target module or a module to save, that A and B
   * come in pairs with rank {@code config.r()}, and that their shapes chain (A: r×in, B: out×r).
   *
   * @throws IllegalArgumentException naming the first offending tensor
   */
  public LoraAdapter {
    Objects.requireNonNull(config, "config is required.");
    Objects.requireNonNull(tensors, "tensors is required.");
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      String key = e.getKey();
      long[] shape = e.getValue().shape();
      Matcher m = LORA_KEY.matcher(key);
      if (m.matches()) {
        String module = m.group(3);
        String block = blockOf(module);
        if (!m.group(2).equals(block) || !config.targetModules().contains(module)) {
          throw new IllegalArgumentException(
              key + " is not a LoRA matrix of a target module " + config.targetModules());
        }
        boolean isA = m.group(4).equals("A");
        String other =
            isA ? key.replace(".lora_A.", ".lora_B.") : key.replace(".lora_B.", ".lora_A.");
        if (!tensors.containsKey(other)) {
          throw new IllegalArgumentException(key + " has no partner " + other);
        }
        if (shape.length != 2) {
          throw new IllegalArgumentException(
              key + " has shape " + Arrays.toString(shape) + " (expected 2-D)");
        }
        long rank = isA ? shape[0] : shape[1];
        if (rank != config.r()) {
          throw new IllegalArgumentException(
              key
                  + " has shape "
                  + Arrays.toString(shape)
                  + " but the adapter's rank is r="
                  + config.r());
        }
      } else if (SAVED_KEYS.containsValue(key)) {
        String module = key.equals(CheckpointKeys.LM_HEAD) ? "lm_head" : "embed_tokens";
        if (!config.modulesToSave().contains(module)) {
          throw new IllegalArgumentException(
              key + " is present but '" + module + "' is not in modules_to_save");
        }
      } else {
        throw new IllegalArgumentException(
            "unexpected tensor "
                + key
                + " (expected LoRA matrices like "
                + loraAKey(0, "q_proj")
                + " or modules to save "
                + SAVED_KEYS.values()
                + ")");
      }
    }
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  /**
   * @param module a target module short name such as {@code q_proj} or {@code down_proj}
   * @return {@code self_attn} or {@code mlp}. Never null.
   * @throws IllegalArgumentException if the module is not a Qwen2 linear projection
   */
  public static String blockOf(String module) {
    if (LoraConfig.ATTENTION_MODULES.contains(module)) {
      return "self_attn";
    }
    if (LoraConfig.MLP_MODULES.contains(module)) {
      return "mlp";
    }
    throw new IllegalArgumentException(
        "unknown module '"
            + module
            + "' (expected one of "
            + LoraConfig.DEFAULT_TARGET_MODULES
            + ")");
  }

  /**
   * @param layer decoder layer index, from 0
   * @param module target module short name
   * @return the key of that module's A, e.g. {@code model.layers.0.self_attn.q_proj.lora_A.weight}
   */
  public static String loraAKey(int layer, String module) {
    return String.format(LORA_A, layer, blockOf(module), module);
  }

  /**
   * @param layer decoder layer index, from 0
   * @param module target module short name
   * @return the key of that module's B
   */
  public static String loraBKey(int layer, String module) {
    return String.format(LORA_B, layer, blockOf(module), module);
  }

  /**
   * @param layer decoder layer index, from 0
   * @param module target module short name
   * @return the base checkpoint key of that module's weight, e.g. {@code
   *     model.layers.0.mlp.up_proj.weight}
   */
  public static String baseWeightKey(int layer, String module) {
    return String.format("model.layers.%d.%s.%s.weight", layer, blockOf(module), module);
  }

  /**
   * @param module {@code embed_tokens} or {@code lm_head}
   * @return the checkpoint key of that module's weight
   * @throws IllegalArgumentException if the module cannot be saved
   */
  public static String savedModuleKey(String module) {
    String key = SAVED_KEYS.get(module);
    if (key == null) {
      throw new IllegalArgumentException(
          "unknown module to save '" + module + "' (supported: " + SAVED_KEYS.keySet() + ")");
    }
    return key;
  }

  /**
   * @param layer decoder layer index
   * @param module target module short name
   * @return A, shape (r, in), if the adapter has that module
   */
  public Optional<FloatTensor> loraA(int layer, String module) {
    return Optional.ofNullable(tensors.get(loraAKey(layer, module)));
  }

  /**
   * @param layer decoder layer index
   * @param module target module short name
   * @return B, shape (out, r), if the adapter has that module
   */
  public Optional<FloatTensor> loraB(int layer, String module) {
    return Optional.ofNullable(tensors.get(loraBKey(layer, module)));
  }

  /**
   * @param module {@code embed_tokens} or {@code lm_head}
   * @return the trained full weight, if the adapter saves that module
   */
  public Optional<FloatTensor> savedModule(String module) {
    return Optional.ofNullable(tensors.get(savedModuleKey(module)));
  }

  /**
   * @return the decoder layer indices that carry LoRA matrices, ascending. Never null.
   */
  public TreeSet<Integer> layers() {
    TreeSet<Integer> layers = new TreeSet<>();
    for (String key : tensors.keySet()) {
      Matcher m = LORA_KEY.matcher(key);
      if (m.matches()) {
        layers.add(Integer.parseInt(m.group(1)));
      }
    }
    return layers;
  }

  /**
   * Checks the adapter against a base model: layer indices exist and every A/B shape fits the
   * module's weight shape (A: r × in, B: out × r); saved modules have the base shapes.
   *
   * @param base the base model's configuration
   * @throws IllegalArgumentException naming the first tensor that does not fit
   */
  public void checkAgainst(Qwen2Config base) {
    Map<String, CheckpointKeys.Expected> expected = CheckpointKeys.expected(base);
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      String key = e.getKey();
      long[] shape = e.getValue().shape();
      Matcher m = LORA_KEY.matcher(key);
      if (m.matches()) {
        int layer = Integer.parseInt(m.group(1));
        if (layer >= base.numHiddenLayers()) {
          throw new IllegalArgumentException(
              key
                  + " targets layer "
                  + layer
                  + " but the base has num_hidden_layers="
                  + base.numHiddenLayers());
        }
        long[] w = expected.get(baseWeightKey(layer, m.group(3))).shape();
        long[] want =
            m.group(4).equals("A") ? new long[] {config.r(), w[1]} : new long[] {w[0], config.r()};
        if (!Arrays.equals(shape, want)) {
          throw new IllegalArgumentException(
              key
                  + " has shape "
                  + Arrays.toString(shape)
                  + " but the base weight "
                  + Arrays.toString(w)
                  + " and r="
                  + config.r()
                  + " need "
                  + Arrays.toString(want));
        }
      } else {
        long[] want =
            key.equals(CheckpointKeys.LM_HEAD)
                ? new long[] {base.vocabSize(), base.hiddenSize()}
                : expected.get(key).shape();
        if (!Arrays.equals(shape, want)) {
          throw new IllegalArgumentException(
              key
                  + " has shape "
                  + Arrays.toString(shape)
                  + " but the base needs "
                  + Arrays.toString(want));
        }
      }
    }
  }

  /**
   * The base tensor with this adapter applied, computed on the heap in double precision and rounded
   * once to float32: {@code W + scaling·B·A} for a target module's weight, the saved weight for a
   * module to save, {@code W} unchanged otherwise. Used to merge before quantization and export.
   *
   * @param key base checkpoint key, e.g. {@code model.layers.0.self_attn.q_proj.weight}
   * @param weight the base tensor under that key, float32
   * @return the merged tensor (a new one when changed, {@code weight} itself when not). Never null.
   * @throws IllegalArgumentException if shapes do not chain
   */
  public FloatTensor mergedWeight(String key, FloatTensor weight) {
    for (String module : config.modulesToSave()) {
      if (key.equals(savedModuleKey(module)) && tensors.containsKey(key)) {
        return tensors.get(key);
      }
    }
    Matcher m =
        Pattern.compile("model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.([a-z_]+)\\.weight")
            .matcher(key);
    if (!m.matches()) {
      return weight;
    }
    String aKey = key.replace(".weight", ".lora_A.weight");
    String bKey = key.replace(".weight", ".lora_B.weight");
    FloatTensor a = tensors.get(aKey);
    FloatTensor b = tensors.get(bKey);
    if (a == null || b == null) {
      return weight;
    }
    return new FloatTensor(weight.shape().clone(), merge(weight, a, b, config.scaling()));
  }

  /**
   * The base checkpoint with this adapter merged in, tensor by tensor ({@link #mergedWeight}): feed
   * it to {@code Qwen2Model.fromTensors} (any GEMM backend) to serve or quantize a merged model, or
   * to the GGUF exporter. With tied embeddings a saved {@code lm_head} (qcat keeps the tie) is the
   * embedding when no {@code embed_tokens} was saved.
   *
   * @param config the base configuration
   * @param base base tensors by HF name, float32
   * @return merged tensors by HF name, computed on demand. Never null.
   */
  public java.util.function.Function<String, FloatTensor> applyTo(
      Qwen2Config config, java.util.function.Function<String, FloatTensor> base) {
    Objects.requireNonNull(config, "config is required.");
    Objects.requireNonNull(base, "base is required.");
    return name -> {
      if (name.equals(CheckpointKeys.EMBED_TOKENS)
          && config.tieWordEmbeddings()
          && !tensors.containsKey(CheckpointKeys.EMBED_TOKENS)
          && tensors.containsKey(CheckpointKeys.LM_HEAD)) {
        return tensors.get(CheckpointKeys.LM_HEAD);
      }
      FloatTensor t = base.apply(name);
      return t == null ? null : mergedWeight(name, t);
    };
  }

  /**
   * A checkpoint's tensors with this adapter merged in: {@link #checkAgainst} its configuration,
   * then {@link #applyTo} its tensors.
   *
   * @param checkpoint the open base checkpoint; must stay open while the result is used
   * @return merged tensors by HF name, float32, computed on demand. Never null.
   * @throws IllegalArgumentException if the adapter does not fit the base model
   */
  public java.util.function.Function<String, FloatTensor> mergedInto(HfCheckpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint is required.");
    checkAgainst(checkpoint.config());
    return applyTo(checkpoint.config(), checkpoint::tensor);
  }

  /**
   * {@code W + scaling·B·A}, accumulated in double, rounded once to float32.
   *
   * @param w weight, shape (out, in)
   * @param a A, shape (r, in)
   * @param b B, shape (out, r)
   * @param scaling {@code alpha / r}
   * @return merged values, row-major (out, in). Never null.
   * @throws IllegalArgumentException if shapes do not chain
   */
  static float[] merge(FloatTensor w, FloatTensor a, FloatTensor b, double scaling) {
    long[] sw = w.shape();
    long[] sa = a.shape();
    long[] sb = b.shape();
    if (sw.length != 2
        || sa.length != 2
        || sb.length != 2
        || sa[1] != sw[1]
        || sb[0] != sw[0]
        || sb[1] != sa[0]) {
      throw new IllegalArgumentException(
          "cannot merge: W "
              + Arrays.toString(sw)
              + ", A "
              + Arrays.toString(sa)
              + ", B "
              + Arrays.toString(sb)
              + " (expected W (out, in), A (r, in), B (out, r))");
    }
    int out = (int) sw[0];
    int in = (int) sw[1];
    int r = (int) sa[0];
    float[] wd = w.data();
    float[] ad = a.data();
    float[] bd = b.data();
    float[] merged = new float[wd.length];
    double[] row = new double[in];
    for (int o = 0; o < out; o++) {
      Arrays.fill(row, 0);
      for (int k = 0; k < r; k++) {
        double bk = bd[o * r + k];
        if (bk == 0) {
          continue;
        }
        int aOff = k * in;
        for (int i = 0; i < in; i++) {
          row[i] += bk * ad[aOff + i];
        }
      }
      int wOff = o * in;
      for (int i = 0; i < in; i++) {
        merged[wOff + i] = (float) (wd[wOff + i] + scaling * row[i]);
      }
    }
    return merged;
  }
}
