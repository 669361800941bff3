package dev.qcat.inference.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.Qwen2Model;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A Qwen2 model with a LoRA adapter inside its linear projections: every target module of every
 * layer is a {@link LoraLinear}, and the modules to save (embeddings, LM head) are trainable in
 * full. This is what the trainer trains and what {@code --adapter} serves.
 *
 * <p>Life cycle: {@link #create} (fresh adapter: A Kaiming-uniform from a seed, B zero) or {@link
 * #load} (an adapter from {@link LoraAdapter}); {@link #trainableParameters()} are the arrays the
 * optimizer updates, by their adapter key; {@link #toAdapter()} copies them to the heap for saving;
 * {@link #merge()} folds the update into the base weights for serving or export; {@link #close()}
 * frees the model and the adapter together.
 *
 * <p>With tied embeddings ({@code tie_word_embeddings}), {@code embed_tokens} and {@code lm_head}
 * are one array in qcat: training either trains both, and both requested keys are saved with the
 * same values. (PEFT unties them when only one is listed; qcat keeps the tie.)
 */
public final class LoraModel implements AutoCloseable {

  private final Qwen2Model model;
  private final LoraConfig config;
  private final Map<String, LoraLinear> layers;
  private final Map<String, NDArray> trainable;

  private LoraModel(
      Qwen2Model model, LoraConfig config, Map<String, LoraLinear> layers, Map<String, NDArray> t) {
    this.model = model;
    this.config = config;
    this.layers = Collections.unmodifiableMap(layers);
    this.trainable = Collections.unmodifiableMap(t);
  }

  /**
   * Loads a base checkpoint directory with a fresh adapter.
   *
   * @param baseDir HF checkpoint directory
   * @param config the adapter's hyperparameters
   * @param seed seed of the A matrices; the same seed gives the same initial adapter
   * @return the model; the caller closes it. Never null.
   */
  public static LoraModel create(Path baseDir, LoraConfig config, long seed) {
    try (HfCheckpoint ckpt = HfCheckpoint.load(baseDir)) {
      return create(ckpt.config(), ckpt::tensor, config, seed);
    }
  }

  /**
   * Builds a model from base tensors with a fresh adapter.
   *
   * @param base the base configuration
   * @param tensors base tensors by HF name, float32
   * @param config the adapter's hyperparameters
   * @param seed seed of the A matrices
   * @return the model; the caller closes it. Never null.
   */
  public static LoraModel create(
      Qwen2Config base, Function<String, FloatTensor> tensors, LoraConfig config, long seed) {
    return build(base, tensors, config, seed, null);
  }

  /**
   * Loads a base checkpoint directory with a saved adapter.
   *
   * @param baseDir HF checkpoint directory
   * @param adapter the adapter (e.g. from {@link PeftAdapterIO#load})
   * @return the model, unmerged, in evaluation mode; the caller closes it. Never null.
   * @throws IllegalArgumentException if the adapter does not fit the base model
   */
  public static LoraModel load(Path baseDir, LoraAdapter adapter) {
    try (HfCheckpoint ckpt = HfCheckpoint.load(baseDir)) {
      return load(ckpt.config(), ckpt::tensor, adapter);
    }
  }

  /**
   * Builds a model from base tensors with a saved adapter.
   *
   * @param base the base configuration
   * @param tensors base tensors by HF name, float32
   * @param adapter the adapter
   * @return the model, unmerged, in evaluation mode; the caller closes it. Never null.
   * @throws IllegalArgumentException if the adapter does not fit the base model
   */
  public static LoraModel load(
      Qwen2Config base, Function<String, FloatTensor> tensors, LoraAdapter adapter) {
    adapter.checkAgainst(base);
    return build(base, tensors, adapter.config(), 0, adapter);
  }

  private static LoraModel build(
      Qwen2Config base,
      Function<String, FloatTensor> tensors,
      LoraConfig config,
      long seed,
      LoraAdapter adapter) {
    Objects.requireNonNull(config, "config is required.");
    Map<String, LoraLinear> layers = new LinkedHashMap<>();
    Function<String, FloatTensor> source = tensors;
    if (adapter != null) {
      source =
          name -> {
            if (name.equals(CheckpointKeys.EMBED_TOKENS)) {
              FloatTensor t = saved(adapter, base, "embed_tokens");
              if (t != null) {
                return t;
              }
            }
            if (name.equals(CheckpointKeys.LM_HEAD)) {
              FloatTensor t = adapter.savedModule("lm_head").orElse(null);
              if (t != null) {
                return t;
              }
            }
            return tensors.apply(name);
          };
    }
    Qwen2Model model =
        Qwen2Model.fromTensors(
            base,
            source,
            (layer, module, plain) -> {
              if (!config.targetModules().contains(module)) {
                return plain;
              }
              LoraLinear l;
              if (adapter == null) {
                l =
                    LoraLinear.create(
                        plain.weight().getManager(),
                        plain.weight(),
                        plain.bias(),
                        config,
                        seed * 1_000_003L + layer * 31L + module.hashCode());
              } else {
                FloatTensor a =
                    adapter
                        .loraA(layer, module)
                        .orElseThrow(
                            () ->
                                new IllegalArgumentException(
                                    "adapter lacks " + LoraAdapter.loraAKey(layer, module)));
                FloatTensor b = adapter.loraB(layer, module).orElseThrow();
                var m = plain.weight().getManager();
                l =
                    new LoraLinear(
                        plain.weight(),
                        plain.bias(),
                        m.create(a.data(), new Shape(a.shape())),
                        m.create(b.data(), new Shape(b.shape())),
                        config.alpha(),
                        config.dropout());
              }
              layers.put(layer + "." + module, l);
              return l;
            });
    Map<String, NDArray> trainable = new LinkedHashMap<>();
    for (Map.Entry<String, LoraLinear> e : layers.entrySet()) {
      int dot = e.getKey().indexOf('.');
      int layer = Integer.parseInt(e.getKey().substring(0, dot));
      String module = e.getKey().substring(dot + 1);
      trainable.put(LoraAdapter.loraAKey(layer, module), e.getValue().loraA());
      trainable.put(LoraAdapter.loraBKey(layer, module), e.getValue().loraB());
    }
    for (String module : config.modulesToSave()) {
      NDArray w = module.equals("embed_tokens") ? model.embedTokens() : model.lmHead().weight();
      w.setRequiresGradient(true);
      trainable.put(LoraAdapter.savedModuleKey(module), w);
    }
    return new LoraModel(model, config, layers, trainable);
  }

  private static FloatTensor saved(LoraAdapter adapter, Qwen2Config base, String module) {
    FloatTensor t = adapter.savedModule(module).orElse(null);
    if (t == null && base.tieWordEmbeddings()) {
      // tied: a saved LM head is the embedding too
      t = adapter.savedModule("lm_head").orElse(null);
    }
    return t;
  }

  /**
   * @return the model; its projections are the LoRA layers. Never null.
   */
  public Qwen2Model model() {
    return model;
  }

  /**
   * @return the adapter's hyperparameters. Never null.
   */
  public LoraConfig config() {
    return config;
  }

  /**
   * @return the LoRA layers by {@code "layer.module"} (e.g. {@code "0.q_proj"}). Never null.
   */
  public Map<String, LoraLinear> loraLayers() {
    return layers;
  }

  /**
   * @return the arrays training updates, by adapter key ({@link LoraAdapter}), in a fixed order: A
   *     and B of each target, then the modules to save. Each requires a gradient. Never null.
   */
  public Map<String, NDArray> trainableParameters() {
    return trainable;
  }

  /**
   * @return the number of trainable values (a tied module counted once)
   */
  public long trainableParameterCount() {
    java.util.Set<NDArray> seen =
        Collections.newSetFromMap(new java.util.IdentityHashMap<>()); // tied arrays count once
    long n = 0;
    for (NDArray a : trainable.values()) {
      if (seen.add(a)) {
        n += a.getShape().size();
      }
    }
    return n;
  }

  /**
   * Sets training mode (dropout on the LoRA path) on every LoRA layer.
   *
   * @param training true to train, false to evaluate
   */
  public void setTraining(boolean training) {
    layers.values().forEach(l -> l.setTraining(training));
  }

  /** Folds every update into its base weight ({@link LoraLinear#merge}). */
  public void merge() {
    layers.values().forEach(LoraLinear::merge);
  }

  /** Takes every update out of its base weight ({@link LoraLinear#unmerge}). */
  public void unmerge() {
    layers.values().forEach(LoraLinear::unmerge);
  }

  /**
   * Copies the current adapter to the heap.
   *
   * @return the adapter, float32. Never null.
   */
  public LoraAdapter toAdapter() {
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    trainable.forEach(
        (k, v) -> t.put(k, new FloatTensor(v.getShape().getShape(), v.toFloatArray())));
    return new LoraAdapter(config, t);
  }

  /**
   * Overwrites the trainable arrays with an adapter's values (e.g. a checkpoint being resumed).
   *
   * @param adapter an adapter with exactly this model's keys and shapes
   * @throws IllegalArgumentException if a key or shape differs
   */
  public void setAdapter(LoraAdapter adapter) {
    if (!adapter.tensors().keySet().equals(trainable.keySet())) {
      throw new IllegalArgumentException(
          "adapter keys " + adapter.tensors().keySet() + " differ from " + trainable.keySet());
    }
    for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
      FloatTensor t = adapter.tensors().get(e.getKey());
      if (!new Shape(t.shape()).equals(e.getValue().getShape())) {
        throw new IllegalArgumentException(
            e.getKey() + " has shape " + new Shape(t.shape()) + " but " + e.getValue().getShape());
      }
      e.getValue().set(t.data());
    }
  }

  /** Frees the model, its weights and the adapter. */
  @Override
  public void close() {
    model.close();
  }
}
