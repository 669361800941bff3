package dev.qcat.inference.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.scoring.TreeLanguageModel;
import dev.qcat.inference.scoring.TreeSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The Qwen2 causal language model, exactly as HF {@code modeling_qwen2.Qwen2ForCausalLM}: token
 * embedding; numHiddenLayers × {@link Qwen2DecoderLayer}; final {@link RMSNorm}; LM head (the
 * embedding matrix when {@code tieWordEmbeddings}). Computed in float32 on DJL NDArrays (PyTorch
 * engine), whatever dtype the checkpoint stores.
 *
 * <p>Shapes: B sequences, T new tokens per sequence, S cache slots, V vocabulary size. Batches are
 * right-padded internally; padding never changes a real token's result (attention mask, and
 * positions counted per sequence). The LM head is applied only to the hidden rows whose
 * log-probabilities are asked for, never to every position.
 *
 * <p>Life cycle: {@link #load} or {@link #fromTensors} copies the weights into native memory owned
 * by this model; calls then run in per-call sub-managers that are closed before returning, so
 * memory does not grow across calls; {@link #close} frees the weights. Calls are not thread-safe.
 * This class also implements the scoring contract {@link TreeLanguageModel}.
 */
public final class Qwen2Model implements TreeLanguageModel, AutoCloseable {

  /**
   * Which GEMM runs the linear layers and the LM head. Both compute the same function in float32;
   * they differ in speed and in autograd support.
   */
  public enum Backend {
    /** libtorch ({@link Linear}); records autograd history, needed for training and LoRA. */
    TORCH,
    /** OpenBLAS {@code cblas_sgemm} ({@link OpenBlasLinear}); inference only, faster on CPU. */
    OPENBLAS;

    /**
     * System property that overrides {@link #defaultBackend()}: {@code torch} or {@code openblas}.
     */
    public static final String PROPERTY = "qcat.linear.backend";

    /**
     * The default is TORCH: on a quiet 2-core machine OpenBLAS is the faster GEMM (2.3× at the
     * model's shapes, ../shared/REFERENCE.md), but its worker threads spin after each call and
     * fight libtorch's OpenMP threads, so OPENBLAS should run with {@code
     * -Dai.djl.pytorch.num_threads=1} (elementwise ops single-threaded) and {@code
     * -Dqcat.openblas.threads=<cores>}; choose it explicitly, with those settings.
     *
     * @return the backend named by the system property {@value #PROPERTY}, else TORCH. Never null.
     * @throws IllegalArgumentException if the property names no backend
     */
    public static Backend defaultBackend() {
      String p = System.getProperty(PROPERTY);
      if (p != null && !p.isBlank()) {
        return Backend.valueOf(p.trim().toUpperCase(java.util.Locale.ROOT));
      }
      return TORCH;
    }

    /**
     * @param weight (out, in), float32
     * @param bias (out), float32, or null
     * @return a linear layer on this backend. Never null.
     */
    public Linear linear(NDArray weight, NDArray bias) {
      return this == OPENBLAS ? new OpenBlasLinear(weight, bias) : new Linear(weight, bias);
    }
  }

  /** Additive mask value for disallowed keys; exp of it underflows to exactly 0 in float32. */
  static final float MASKED = -1e9f;

  /** Rows of LM-head logits computed at once, bounding memory at HEAD_CHUNK × V floats. */
  private static final int HEAD_CHUNK = 64;

  private final Qwen2Config config;
  private final NDManager manager;
  private final NDArray embedTokens;
  private final List<Qwen2DecoderLayer> layers;
  private final RMSNorm norm;
  private final Linear lmHead;
  private final RotaryEmbedding rotaryEmb;
  private final Backend backend;
  private final TokenEmbedding tokenEmbedding; // null: embedTokens looked up by libtorch

  private Qwen2Model(
      Qwen2Config config,
      NDManager manager,
      NDArray embedTokens,
      List<Qwen2DecoderLayer> layers,
      RMSNorm norm,
      Linear lmHead,
      Backend backend,
      TokenEmbedding tokenEmbedding) {
    this.backend = backend;
    this.tokenEmbedding = tokenEmbedding;
    this.config = config;
    this.manager = manager;
    this.embedTokens = embedTokens;
    this.layers = layers;
    this.norm = norm;
    this.lmHead = lmHead;
    this.rotaryEmb = new RotaryEmbedding(config.headDim(), config.ropeTheta());
  }

  /**
   * Loads an HF checkpoint directory ({@link HfCheckpoint}).
   *
   * @param dir the checkpoint directory
   * @return the model; the caller closes it. Never null.
   * @throws java.io.UncheckedIOException if a file is missing (the message names it)
   * @throws IllegalArgumentException if a file is inconsistent (the message names file, value found
   *     and value expected)
   */
  public static Qwen2Model load(Path dir) {
    return load(dir, Backend.defaultBackend());
  }

  /**
   * Loads an HF checkpoint directory with a chosen GEMM backend.
   *
   * @param dir the checkpoint directory
   * @param backend GEMM of the linear layers and LM head
   * @return the model; the caller closes it. Never null.
   * @throws java.io.UncheckedIOException if a file is missing (the message names it)
   * @throws IllegalArgumentException if a file is inconsistent
   */
  public static Qwen2Model load(Path dir, Backend backend) {
    try (HfCheckpoint ckpt = HfCheckpoint.load(dir)) {
      return fromTensors(ckpt.config(), ckpt::tensor, backend, (layer, module, base) -> base);
    }
  }

  /**
   * Builds a model from tensors named as in an HF checkpoint ({@link CheckpointKeys}).
   *
   * @param config the configuration
   * @param tensors gives each tensor by name, float32; called once per tensor
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a tensor's shape differs from what {@code config} expects
   */
  public static Qwen2Model fromTensors(Qwen2Config config, Function<String, FloatTensor> tensors) {
    return fromTensors(config, tensors, Backend.defaultBackend(), (layer, module, base) -> base);
  }

  /**
   * Builds a model from tensors named as in an HF checkpoint, with a chosen GEMM backend.
   *
   * @param config the configuration
   * @param tensors gives each tensor by name, float32; called once per tensor
   * @param backend GEMM of the linear layers and LM head
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a tensor's shape differs from what {@code config} expects
   */
  public static Qwen2Model fromTensors(
      Qwen2Config config, Function<String, FloatTensor> tensors, Backend backend) {
    return fromTensors(config, tensors, backend, (layer, module, base) -> base);
  }

  /**
   * Chooses the layer that stands in for each linear projection while a model is built, e.g. a
   * {@code dev.qcat.inference.lora.LoraLinear} around the plain layer (LoRA) or a quantized layer.
   */
  @FunctionalInterface
  public interface ProjectionFactory {
    /**
     * @param layer decoder layer index, from 0
     * @param module HF short name: {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code o_proj},
     *     {@code gate_proj}, {@code up_proj} or {@code down_proj}
     * @param base the plain layer holding the checkpoint's weight and bias (in the model's manager)
     * @return the layer to use, with the same input and output widths. Never null.
     */
    Linear create(int layer, String module, Linear base);
  }

  /**
   * Builds a model from tensors, letting {@code projections} replace each linear projection (the
   * LoRA hook).
   *
   * @param config the configuration
   * @param tensors gives each tensor by name, float32; called once per tensor
   * @param projections chooses the layer for each projection
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a tensor's shape differs from what {@code config} expects
   */
  public static Qwen2Model fromTensors(
      Qwen2Config config, Function<String, FloatTensor> tensors, ProjectionFactory projections) {
    return fromTensors(config, tensors, Backend.TORCH, projections);
  }

  /**
   * Builds a model from tensors with a chosen GEMM backend for the plain layers, letting {@code
   * projections} replace each linear projection.
   *
   * @param config the configuration
   * @param tensors gives each tensor by name, float32; called once per tensor
   * @param backend GEMM of the plain linear layers (the {@code base} given to {@code projections})
   *     and of the LM head
   * @param projections chooses the layer for each projection
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a tensor's shape differs from what {@code config} expects
   */
  public static Qwen2Model fromTensors(
      Qwen2Config config,
      Function<String, FloatTensor> tensors,
      Backend backend,
      ProjectionFactory projections) {
    return fromTensors(config, tensors, backend, projections, null);
  }

  /**
   * The token embedding in a form other than a float32 NDArray (e.g. quantized, {@code
   * dev.qcat.inference.quant.QuantizedEmbedding}): the lookup of token rows and the LM head.
   */
  public interface TokenEmbedding {
    /**
     * @param ids token ids, shape (B, T), int64, each in [0, V)
     * @return the embedding rows, shape (B, T, hiddenSize), float32, attached to {@code ids}'
     *     manager. Never null.
     */
    NDArray lookup(NDArray ids);

    /**
     * @return the LM head, (hiddenSize) → (V); over the same matrix when embeddings are tied. Never
     *     null.
     */
    Linear lmHead();
  }

  /** Builds the {@link TokenEmbedding} of a model from the checkpoint's float32 tensors. */
  @FunctionalInterface
  public interface EmbeddingFactory {
    /**
     * @param embedTokens {@code model.embed_tokens.weight}, shape (V, hiddenSize), float32
     * @param lmHead {@code lm_head.weight}, shape (V, hiddenSize), float32, or null when tied
     * @return the embedding and LM head to serve with. Never null.
     */
    TokenEmbedding create(FloatTensor embedTokens, FloatTensor lmHead);
  }

  /**
   * Builds a model whose token embedding and LM head come from {@code embeddings} (no float32
   * embedding NDArray is created; {@link #embedTokens()} then throws) and whose projections come
   * from {@code projections}: the hook for quantized serving.
   *
   * @param config the configuration
   * @param tensors gives each tensor by name, float32; called once per tensor
   * @param backend GEMM of the plain linear layers (the {@code base} given to {@code projections})
   * @param projections chooses the layer for each projection
   * @param embeddings builds the embedding and LM head, or null for the float32 NDArray ones
   * @return the model; the caller closes it. Never null.
   * @throws IllegalArgumentException if a tensor's shape differs from what {@code config} expects
   */
  public static Qwen2Model fromTensors(
      Qwen2Config config,
      Function<String, FloatTensor> tensors,
      Backend backend,
      ProjectionFactory projections,
      EmbeddingFactory embeddings) {
    Objects.requireNonNull(config, "config is required.");
    Objects.requireNonNull(backend, "backend is required.");
    Objects.requireNonNull(projections, "projections are required.");
    NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      var expected = CheckpointKeys.expected(config);
      Function<String, FloatTensor> checked =
          name -> {
            FloatTensor t = tensors.apply(name);
            long[] want = expected.get(name).shape();
            if (t == null || !Arrays.equals(t.shape(), want)) {
              throw new IllegalArgumentException(
                  name
                      + " has shape "
                      + (t == null ? "(missing)" : Arrays.toString(t.shape()))
                      + " but "
                      + expected.get(name).because()
                      + " expects "
                      + Arrays.toString(want));
            }
            return t;
          };
      Function<String, NDArray> load =
          name -> {
            FloatTensor t = checked.apply(name);
            return manager.create(t.data(), new Shape(t.shape()));
          };
      TokenEmbedding tokenEmbedding =
          embeddings == null
              ? null
              : embeddings.create(
                  checked.apply(CheckpointKeys.EMBED_TOKENS),
                  config.tieWordEmbeddings() ? null : checked.apply(CheckpointKeys.LM_HEAD));
      NDArray embed = embeddings == null ? load.apply(CheckpointKeys.EMBED_TOKENS) : null;
      List<Qwen2DecoderLayer> layers = new ArrayList<>();
      for (int i = 0; i < config.numHiddenLayers(); i++) {
        final int li = i;
        Function<String, NDArray> l = pattern -> load.apply(CheckpointKeys.layer(pattern, li));
        ProjectionFactory p = projections;
        Qwen2Attention attn =
            new Qwen2Attention(
                config,
                p.create(
                    i,
                    "q_proj",
                    backend.linear(
                        l.apply(CheckpointKeys.Q_PROJ_WEIGHT),
                        l.apply(CheckpointKeys.Q_PROJ_BIAS))),
                p.create(
                    i,
                    "k_proj",
                    backend.linear(
                        l.apply(CheckpointKeys.K_PROJ_WEIGHT),
                        l.apply(CheckpointKeys.K_PROJ_BIAS))),
                p.create(
                    i,
                    "v_proj",
                    backend.linear(
                        l.apply(CheckpointKeys.V_PROJ_WEIGHT),
                        l.apply(CheckpointKeys.V_PROJ_BIAS))),
                p.create(i, "o_proj", backend.linear(l.apply(CheckpointKeys.O_PROJ_WEIGHT), null)));
        Qwen2MLP mlp =
            new Qwen2MLP(
                p.create(
                    i, "gate_proj", backend.linear(l.apply(CheckpointKeys.GATE_PROJ_WEIGHT), null)),
                p.create(
                    i, "up_proj", backend.linear(l.apply(CheckpointKeys.UP_PROJ_WEIGHT), null)),
                p.create(
                    i,
                    "down_proj",
                    backend.linear(l.apply(CheckpointKeys.DOWN_PROJ_WEIGHT), null)));
        layers.add(
            new Qwen2DecoderLayer(
                new RMSNorm(l.apply(CheckpointKeys.INPUT_LAYERNORM), config.rmsNormEps()),
                attn,
                new RMSNorm(l.apply(CheckpointKeys.POST_ATTENTION_LAYERNORM), config.rmsNormEps()),
                mlp));
      }
      RMSNorm norm = new RMSNorm(load.apply(CheckpointKeys.NORM), config.rmsNormEps());
      Linear head =
          tokenEmbedding != null
              ? tokenEmbedding.lmHead()
              : backend.linear(
                  config.tieWordEmbeddings() ? embed : load.apply(CheckpointKeys.LM_HEAD), null);
      return new Qwen2Model(
          config, manager, embed, List.copyOf(layers), norm, head, backend, tokenEmbedding);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Sets the CPU threads of both GEMM backends for this process (libtorch's intra-op pool, which
   * also runs the elementwise ops, and OpenBLAS's pool). On a loaded machine one thread each is
   * much faster than two, because every multi-threaded op waits at a barrier for a descheduled
   * thread; with {@link Backend#OPENBLAS} use {@code (1, cores)}.
   *
   * @param torchThreads libtorch intra-op threads, ≥ 1
   * @param openBlasThreads OpenBLAS threads, ≥ 1; ignored where OpenBLAS does not load
   * @throws IllegalArgumentException if a count is below 1
   */
  public static void setThreads(int torchThreads, int openBlasThreads) {
    if (torchThreads < 1 || openBlasThreads < 1) {
      throw new IllegalArgumentException(
          "threads (" + torchThreads + ", " + openBlasThreads + ") (expected >= 1)");
    }
    ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch before the call below
    ai.djl.pytorch.jni.JniUtils.setNumThreads(torchThreads);
    if (OpenBlasLinear.isAvailable()) {
      OpenBlasLinear.setThreads(openBlasThreads);
    }
  }

  /**
   * @return the configuration. Never null.
   */
  public Qwen2Config config() {
    return config;
  }

  /**
   * @return the GEMM backend of the plain linear layers and the LM head. Never null.
   */
  public Backend backend() {
    return backend;
  }

  @Override
  public int vocabSize() {
    return config.vocabSize();
  }

  /**
   * @return the decoder layers, in order. Never null.
   */
  public List<Qwen2DecoderLayer> layers() {
    return layers;
  }

  /**
   * Next-token log-probabilities after each sequence of a batch.
   *
   * @param batchTokenIds token ids per sequence, unequal lengths allowed, each of length ≥ 1
   * @return for each sequence, the log-softmax over the full vocabulary at its last position,
   *     float32, natural log, shape (B, V). Never null.
   * @throws IllegalArgumentException if a sequence is empty or an id is outside [0, V)
   */
  public float[][] logProbs(int[][] batchTokenIds) {
    try (KvCache cache = newCache(batchTokenIds.length)) {
      return extend(cache, batchTokenIds);
    }
  }

  /**
   * Next-token log-probabilities at chosen positions of each sequence (e.g. every answer token for
   * an evaluation loss), computing the LM head only for those positions.
   *
   * @param batchTokenIds token ids per sequence, unequal lengths allowed, each of length ≥ 1
   * @param positions for each sequence, the positions (0-based token indices) whose next-token
   *     distribution is wanted
   * @return [sequence][position index][token], full-vocabulary log-softmax, float32. Never null.
   * @throws IllegalArgumentException if a position is outside its sequence
   */
  public float[][][] logProbs(int[][] batchTokenIds, int[][] positions) {
    if (positions.length != batchTokenIds.length) {
      throw new IllegalArgumentException(
          positions.length + " position lists for " + batchTokenIds.length + " sequences");
    }
    int[] rowsPer = new int[positions.length];
    int total = 0;
    for (int b = 0; b < positions.length; b++) {
      for (int p : positions[b]) {
        if (p < 0 || p >= batchTokenIds[b].length) {
          throw new IllegalArgumentException(
              "position " + p + " outside sequence " + b + " of length " + batchTokenIds[b].length);
        }
      }
      rowsPer[b] = positions[b].length;
      total += rowsPer[b];
    }
    int t = maxLength(batchTokenIds);
    int[] rows = new int[total];
    int k = 0;
    for (int b = 0; b < positions.length; b++) {
      for (int p : positions[b]) {
        rows[k++] = b * t + p;
      }
    }
    try (KvCache cache = newCache(batchTokenIds.length);
        NDManager call = manager.newSubManager()) {
      NDArray hidden = forwardPadded(call, cache, batchTokenIds);
      float[][] flat = headLogProbs(hidden.reshape(-1, config.hiddenSize()), rows, null);
      float[][][] out = new float[positions.length][][];
      k = 0;
      for (int b = 0; b < positions.length; b++) {
        out[b] = Arrays.copyOfRange(flat, k, k + rowsPer[b]);
        k += rowsPer[b];
      }
      return out;
    }
  }

  /**
   * @param batchSize number of sequences, B
   * @return an empty KV cache for this model; the caller closes it. Never null.
   */
  public KvCache newCache(int batchSize) {
    return new KvCache(manager, config.numHiddenLayers(), batchSize);
  }

  /**
   * Appends tokens to every sequence of a KV cache and returns the next-token log-probabilities
   * after each. An empty cache makes this a batched prompt pass; one token per row makes it a
   * decoding step. Rows may receive different numbers of tokens (padding slots are masked).
   *
   * @param cache the cache, B rows; grows by max(tokens[b].length) slots
   * @param tokens new token ids per row, each of length ≥ 1
   * @return per row, the full-vocabulary log-softmax after its last new token, shape (B, V),
   *     float32. Never null.
   * @throws IllegalArgumentException if {@code tokens.length != B}, a row is empty, or an id is
   *     outside [0, V)
   */
  public float[][] extend(KvCache cache, int[][] tokens) {
    int t = maxLength(tokens);
    int[] rows = new int[tokens.length];
    for (int b = 0; b < tokens.length; b++) {
      rows[b] = b * t + tokens[b].length - 1;
    }
    try (NDManager call = manager.newSubManager()) {
      NDArray hidden = forwardPadded(call, cache, tokens);
      return headLogProbs(hidden.reshape(-1, config.hiddenSize()), rows, null);
    }
  }

  /**
   * Forward pass for training and teacher-forced evaluation: runs right-padded token rows with a
   * causal mask (no cache is kept) and returns the final-normed hidden states of chosen grid rows.
   * Every operation is differentiable, so inside a {@code GradientCollector} the result carries the
   * autograd graph back to any weight that requires a gradient (LoRA matrices, embeddings).
   *
   * @param call manager that the result and every intermediate attach to; the caller closes it
   *     after backward
   * @param tokens token ids per sequence, unequal lengths allowed, each of length ≥ 1
   * @param rows indices into the flattened (B·T) grid, T = the longest sequence: row b·T + t is
   *     position t of sequence b
   * @return hidden states after the final norm, shape (rows.length, hiddenSize), float32. Never
   *     null.
   * @throws IllegalArgumentException if a sequence is empty or an id is outside [0, V)
   */
  public NDArray normedHiddenStates(NDManager call, int[][] tokens, int[] rows) {
    try (KvCache cache = newCache(tokens.length)) {
      NDArray hidden = forwardPadded(call, cache, tokens);
      NDArray idx = call.create(rows).toType(DataType.INT64, false);
      // (B, T, hiddenSize) -> (B·T, hiddenSize) -> (rows, hiddenSize)
      NDArray h = hidden.reshape(-1, config.hiddenSize()).get(new NDIndex("{}", idx));
      return norm.forward(h);
    }
  }

  /**
   * @return the LM head (its weight is {@link #embedTokens()} when embeddings are tied). Never
   *     null.
   */
  public Linear lmHead() {
    return lmHead;
  }

  /**
   * @return the token embedding, shape (V, hiddenSize), float32. Never null.
   * @throws IllegalStateException if the model was built with an {@link EmbeddingFactory} (e.g. a
   *     quantized embedding), which keeps no float32 embedding
   */
  public NDArray embedTokens() {
    if (embedTokens == null) {
      throw new IllegalStateException(
          "this model's token embedding is not a float32 NDArray (built with an"
              + " EmbeddingFactory, e.g. quantized)");
    }
    return embedTokens;
  }

  /**
   * @return the token embedding built by an {@link EmbeddingFactory} (e.g. quantized), or empty
   *     when it is the float32 NDArray of {@link #embedTokens()}. Never null.
   */
  public java.util.Optional<TokenEmbedding> tokenEmbedding() {
    return java.util.Optional.ofNullable(tokenEmbedding);
  }

  /** Opens a tree-scoring session: the prompts run once, batched; see {@link TreeSession}. */
  @Override
  public TreeSession startSession(int[][] prompts) {
    return new Qwen2TreeSession(this, prompts);
  }

  /** Frees the weights. */
  @Override
  public void close() {
    manager.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Internals shared with Qwen2TreeSession.

  /**
   * Right-pads {@code tokens} into a (B, T) grid and runs it on top of {@code cache} with a causal
   * mask over each row's valid cache slots and its own new tokens.
   *
   * @return hidden states after the final layer (before the final norm), (B, T, hiddenSize)
   */
  NDArray forwardPadded(NDManager call, KvCache cache, int[][] tokens) {
    int b = tokens.length;
    if (b != cache.batchSize()) {
      throw new IllegalArgumentException(
          tokens.length + " token rows for a cache of " + cache.batchSize() + " rows");
    }
    int t = maxLength(tokens);
    int s0 = cache.length();
    int s = s0 + t;
    int[] ids = new int[b * t];
    int[] pos = new int[b * t];
    float[] mask = new float[b * t * s];
    Arrays.fill(mask, MASKED);
    boolean[][] valid = new boolean[b][t];
    for (int r = 0; r < b; r++) {
      int len = tokens[r].length;
      int start = cache.validCount(r);
      for (int q = 0; q < t; q++) {
        int base = (r * t + q) * s;
        if (q < len) {
          ids[r * t + q] = checkToken(tokens[r][q]);
          pos[r * t + q] = start + q;
          valid[r][q] = true;
          for (int j = 0; j < s0; j++) {
            if (cache.isValid(r, j)) {
              mask[base + j] = 0f;
            }
          }
          for (int j = 0; j <= q; j++) {
            mask[base + s0 + j] = 0f;
          }
        } else {
          mask[base + s0 + q] = 0f; // padding query: attends to itself only, result unused
        }
      }
    }
    return forward(call, cache, b, t, ids, pos, mask, valid);
  }

  /**
   * The decoder on a (B, T) grid of new tokens with an explicit mask.
   *
   * @param call per-call manager; every intermediate and the result are attached to it
   * @param cache KV cache with S0 slots; T slots are appended and recorded with {@code valid}
   * @param ids token ids, row-major (B, T)
   * @param pos positions, row-major (B, T), in tokens
   * @param mask additive mask, row-major (B, T, S0 + T)
   * @param valid whether each new slot is a real token of its row's sequence
   * @return hidden states after the final layer, (B, T, hiddenSize), float32, before the final norm
   */
  NDArray forward(
      NDManager call,
      KvCache cache,
      int b,
      int t,
      int[] ids,
      int[] pos,
      float[] mask,
      boolean[][] valid) {
    int s = cache.length() + t;
    NDArray idArray = call.create(ids, new Shape(b, t)).toType(DataType.INT64, false);
    NDArray x =
        tokenEmbedding != null
            ? tokenEmbedding.lookup(idArray)
            : idArray
                .getNDArrayInternal()
                .embedding(idArray, embedTokens, SparseFormat.DENSE)
                .singletonOrThrow();
    NDArray[] cs = rotaryEmb.cosSin(call, pos, b, t);
    NDArray maskArray = call.create(mask, new Shape(b, 1, t, s));
    // Without autograd (inference), each layer's intermediates are freed when the layer is done
    // instead of when the call ends, so peak memory does not grow with rows × layers; with autograd
    // (training) they are the graph backward needs and stay until the caller closes its manager.
    boolean keepIntermediates = ai.djl.pytorch.jni.JniUtils.isGradMode();
    for (int i = 0; i < layers.size(); i++) {
      if (keepIntermediates) {
        x = layers.get(i).forward(x, cs[0], cs[1], maskArray, cache, i);
        continue;
      }
      try (NDManager layerScope = call.newSubManager()) {
        x.tempAttach(layerScope);
        NDArray out = layers.get(i).forward(x, cs[0], cs[1], maskArray, cache, i);
        out.attach(call);
        x = out;
      }
    }
    cache.commitSlots(valid, t);
    return x;
  }

  /**
   * Final norm, LM head and log-softmax for selected hidden rows, in chunks of {@link #HEAD_CHUNK}
   * rows.
   *
   * @param hidden (N, hiddenSize), float32, before the final norm
   * @param rows indices into the first dimension of {@code hidden}
   * @param wanted per selected row, the token ids to return; null for the full vocabulary
   * @return per selected row, log-probabilities (full vocabulary, or aligned with {@code
   *     wanted[i]})
   */
  float[][] headLogProbs(NDArray hidden, int[] rows, int[][] wanted) {
    int v = config.vocabSize();
    float[][] out = new float[rows.length][];
    for (int start = 0; start < rows.length; start += HEAD_CHUNK) {
      int n = Math.min(HEAD_CHUNK, rows.length - start);
      try (NDManager chunk = hidden.getManager().newSubManager()) {
        NDArray idx =
            chunk.create(Arrays.copyOfRange(rows, start, start + n)).toType(DataType.INT64, false);
        NDArray h = hidden.get(chunk, new NDIndex("{}", idx));
        NDArray logp = lmHead.forward(norm.forward(h)).logSoftmax(-1); // (n, V)
        if (wanted == null) {
          float[] all = logp.toFloatArray();
          for (int i = 0; i < n; i++) {
            out[start + i] = Arrays.copyOfRange(all, i * v, (i + 1) * v);
          }
        } else {
          int w = 1;
          for (int i = 0; i < n; i++) {
            w = Math.max(w, wanted[start + i].length);
          }
          long[] cols = new long[n * w];
          for (int i = 0; i < n; i++) {
            int[] want = wanted[start + i];
            for (int j = 0; j < want.length; j++) {
              cols[i * w + j] = checkToken(want[j]);
            }
          }
          float[] got = logp.gather(chunk.create(cols, new Shape(n, w)), 1).toFloatArray();
          for (int i = 0; i < n; i++) {
            out[start + i] = Arrays.copyOfRange(got, i * w, i * w + wanted[start + i].length);
          }
        }
      }
    }
    return out;
  }

  int checkToken(int id) {
    if (id < 0 || id >= config.vocabSize()) {
      throw new IllegalArgumentException(
          "token id " + id + " is outside the vocabulary [0, " + config.vocabSize() + ")");
    }
    return id;
  }

  NDManager manager() {
    return manager;
  }

  private static int maxLength(int[][] tokens) {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("empty batch (expected at least one sequence)");
    }
    int t = 0;
    for (int b = 0; b < tokens.length; b++) {
      if (tokens[b] == null || tokens[b].length == 0) {
        throw new IllegalArgumentException("sequence " + b + " is empty (expected ≥ 1 token)");
      }
      t = Math.max(t, tokens[b].length);
    }
    return t;
  }
}
