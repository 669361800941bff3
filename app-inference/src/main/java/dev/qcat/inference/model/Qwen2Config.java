package dev.qcat.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Hyperparameters of a Qwen2 decoder, with the names of HF {@code config.json} in camelCase.
 *
 * <p>Reference: HF {@code transformers.models.qwen2.configuration_qwen2.Qwen2Config}. Only the
 * architecture this engine implements is accepted: {@code model_type} {@code qwen2}, {@code
 * hidden_act} {@code silu}, no {@code rope_scaling}, no sliding-window attention.
 *
 * @param vocabSize rows of the embedding and of the LM head, in tokens
 * @param hiddenSize width of the residual stream
 * @param intermediateSize width of the SwiGLU MLP
 * @param numHiddenLayers number of decoder layers
 * @param numAttentionHeads query heads; must divide {@code hiddenSize}
 * @param numKeyValueHeads key/value heads (grouped-query attention); must divide {@code
 *     numAttentionHeads}
 * @param maxPositionEmbeddings longest sequence the model was trained for, in tokens
 * @param ropeTheta rotary embedding base θ
 * @param rmsNormEps ε of every RMSNorm
 * @param tieWordEmbeddings whether the LM head reuses {@code model.embed_tokens.weight}
 * @param bosTokenId {@code bos_token_id} (Qwen2.5: 151643; never added to prompts)
 * @param eosTokenId {@code eos_token_id} (Qwen2.5 Instruct: 151645 {@code <|im_end|>})
 * @param torchDtype dtype the weights are stored in: {@code float32}, {@code float16} or {@code
 *     bfloat16}; computation is always float32
 */
public record Qwen2Config(
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int maxPositionEmbeddings,
    double ropeTheta,
    double rmsNormEps,
    boolean tieWordEmbeddings,
    int bosTokenId,
    int eosTokenId,
    String torchDtype) {

  /** The model type this engine implements. */
  public static final String MODEL_TYPE = "qwen2";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Validates every field; messages name the field, the value found and the one expected. */
  public Qwen2Config {
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("num_attention_heads", numAttentionHeads);
    positive("num_key_value_heads", numKeyValueHeads);
    positive("max_position_embeddings", maxPositionEmbeddings);
    if (hiddenSize % numAttentionHeads != 0) {
      throw new IllegalArgumentException(
          "hidden_size="
              + hiddenSize
              + " is not divisible by num_attention_heads="
              + numAttentionHeads
              + " (expected a multiple)");
    }
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads="
              + numAttentionHeads
              + " is not divisible by num_key_value_heads="
              + numKeyValueHeads
              + " (expected a divisor)");
    }
    if ((hiddenSize / numAttentionHeads) % 2 != 0) {
      throw new IllegalArgumentException(
          "head_dim=" + (hiddenSize / numAttentionHeads) + " is odd; rotary embedding needs even");
    }
    if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) {
      throw new IllegalArgumentException("rope_theta=" + ropeTheta + " (expected > 0)");
    }
    if (!(rmsNormEps > 0) || rmsNormEps >= 1) {
      throw new IllegalArgumentException("rms_norm_eps=" + rmsNormEps + " (expected in (0, 1))");
    }
    checkTokenId("bos_token_id", bosTokenId, vocabSize);
    checkTokenId("eos_token_id", eosTokenId, vocabSize);
    Objects.requireNonNull(torchDtype, "torch_dtype is required.");
    if (!torchDtype.equals("float32")
        && !torchDtype.equals("float16")
        && !torchDtype.equals("bfloat16")) {
      throw new IllegalArgumentException(
          "torch_dtype=\"" + torchDtype + "\" (expected float32, float16 or bfloat16)");
    }
  }

  /**
   * @return the width of one attention head, {@code hiddenSize / numAttentionHeads}
   */
  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /**
   * @return query heads per key/value head, {@code numAttentionHeads / numKeyValueHeads}
   */
  public int numKeyValueGroups() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /**
   * @return a copy with another vocabulary size, in tokens
   */
  public Qwen2Config withVocabSize(int newVocabSize) {
    return new Qwen2Config(
        newVocabSize,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        maxPositionEmbeddings,
        ropeTheta,
        rmsNormEps,
        tieWordEmbeddings,
        bosTokenId,
        eosTokenId,
        torchDtype);
  }

  /**
   * @return a copy with another storage dtype ({@code float32}, {@code float16}, {@code bfloat16})
   */
  public Qwen2Config withTorchDtype(String newTorchDtype) {
    return new Qwen2Config(
        vocabSize,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        maxPositionEmbeddings,
        ropeTheta,
        rmsNormEps,
        tieWordEmbeddings,
        bosTokenId,
        eosTokenId,
        newTorchDtype);
  }

  /**
   * The real Qwen2.5-0.5B(-Instruct) shapes (../shared/REFERENCE.md): hidden 896, 24 layers, 14
   * query and 2 key/value heads, intermediate 4864, vocab 151,936, θ = 1e6, tied embeddings.
   *
   * @return the configuration. Never null.
   */
  public static Qwen2Config qwen25_05b() {
    return new Qwen2Config(
        151936, 896, 4864, 24, 14, 2, 32768, 1_000_000.0, 1e-6, true, 151643, 151645, "bfloat16");
  }

  /**
   * A tiny configuration for tests: 2 layers, hidden 64, 4 query and 2 key/value heads (head_dim
   * 16), intermediate 128, Qwen's vocabulary (151,936 tokens) and special ids.
   *
   * @return the configuration. Never null.
   */
  public static Qwen2Config tiny() {
    return new Qwen2Config(
        151936, 64, 128, 2, 4, 2, 32768, 1_000_000.0, 1e-6, true, 151643, 151645, "float32");
  }

  /**
   * Reads an HF {@code config.json}.
   *
   * @param file path of {@code config.json}
   * @return the validated configuration. Never null.
   * @throws UncheckedIOException if the file is missing or unreadable (the message names it)
   * @throws IllegalArgumentException if a field is missing or invalid (the message names the file,
   *     the field, the value found and the one expected)
   */
  public static Qwen2Config read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new UncheckedIOException("missing " + file.toAbsolutePath(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a JSON object");
    }
    try {
      return fromJson(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses the fields of an HF {@code config.json} tree.
   *
   * @param root the JSON object
   * @return the validated configuration. Never null.
   * @throws IllegalArgumentException if a field is missing or invalid
   */
  public static Qwen2Config fromJson(JsonNode root) {
    String modelType = root.path("model_type").asText(null);
    if (!MODEL_TYPE.equals(modelType)) {
      throw new IllegalArgumentException(
          "model_type=" + quoted(root.get("model_type")) + " but expected \"qwen2\"");
    }
    String act = root.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw new IllegalArgumentException("hidden_act=\"" + act + "\" but expected \"silu\"");
    }
    JsonNode ropeScaling = root.get("rope_scaling");
    if (ropeScaling != null && !ropeScaling.isNull()) {
      throw new IllegalArgumentException(
          "rope_scaling=" + ropeScaling + " is not supported (expected null)");
    }
    if (root.path("use_sliding_window").asBoolean(false)) {
      throw new IllegalArgumentException(
          "use_sliding_window=true is not supported (expected false)");
    }
    int hidden = requiredInt(root, "hidden_size");
    return new Qwen2Config(
        requiredInt(root, "vocab_size"),
        hidden,
        requiredInt(root, "intermediate_size"),
        requiredInt(root, "num_hidden_layers"),
        requiredInt(root, "num_attention_heads"),
        root.has("num_key_value_heads")
            ? requiredInt(root, "num_key_value_heads")
            : requiredInt(root, "num_attention_heads"),
        root.has("max_position_embeddings") ? requiredInt(root, "max_position_embeddings") : 32768,
        root.path("rope_theta").asDouble(10000.0),
        root.path("rms_norm_eps").asDouble(1e-6),
        root.path("tie_word_embeddings").asBoolean(false),
        tokenId(root, "bos_token_id", 151643),
        tokenId(root, "eos_token_id", 151643),
        root.path("torch_dtype").asText("float32"));
  }

  /**
   * @return this configuration as an HF {@code config.json} tree (the fields HF writes for
   *     Qwen2.5). Never null.
   */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add("Qwen2ForCausalLM");
    o.put("attention_dropout", 0.0);
    o.put("bos_token_id", bosTokenId);
    o.put("eos_token_id", eosTokenId);
    o.put("hidden_act", "silu");
    o.put("hidden_size", hiddenSize);
    o.put("initializer_range", 0.02);
    o.put("intermediate_size", intermediateSize);
    o.put("max_position_embeddings", maxPositionEmbeddings);
    o.put("max_window_layers", numHiddenLayers);
    o.put("model_type", MODEL_TYPE);
    o.put("num_attention_heads", numAttentionHeads);
    o.put("num_hidden_layers", numHiddenLayers);
    o.put("num_key_value_heads", numKeyValueHeads);
    o.put("rms_norm_eps", rmsNormEps);
    o.putNull("rope_scaling");
    o.put("rope_theta", ropeTheta);
    o.put("sliding_window", maxPositionEmbeddings);
    o.put("tie_word_embeddings", tieWordEmbeddings);
    o.put("torch_dtype", torchDtype);
    o.put("transformers_version", "4.43.1");
    o.put("use_cache", true);
    o.put("use_sliding_window", false);
    o.put("vocab_size", vocabSize);
    return o;
  }

  /**
   * Writes this configuration as {@code config.json}.
   *
   * @param file destination path
   * @throws UncheckedIOException if the file cannot be written
   */
  public void write(Path file) {
    try {
      Files.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static int requiredInt(JsonNode root, String name) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException(name + " is missing (expected an integer)");
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new IllegalArgumentException(name + "=" + n + " (expected an integer)");
    }
    return n.intValue();
  }

  private static int tokenId(JsonNode root, String name, int fallback) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (n.isArray() && n.size() > 0) {
      n = n.get(0);
    }
    if (!n.isIntegralNumber()) {
      throw new IllegalArgumentException(name + "=" + n + " (expected a token id)");
    }
    return n.intValue();
  }

  private static String quoted(JsonNode n) {
    return n == null ? "(missing)" : n.toString();
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + "=" + value + " (expected > 0)");
    }
  }

  private static void checkTokenId(String name, int id, int vocabSize) {
    if (id < 0 || id >= vocabSize) {
      throw new IllegalArgumentException(
          name + "=" + id + " is outside the vocabulary (expected in [0, " + vocabSize + "))");
    }
  }
}
