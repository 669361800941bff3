package dev.qcat.inference.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code tokenizer.ggml.*} metadata of a byte-level BPE ("gpt2") tokenizer, built from a
 * Hugging Face {@code tokenizer.json} (and {@code tokenizer_config.json} next to it, if present),
 * in the form llama.cpp reads it.
 *
 * <p>Token types follow llama.cpp's {@code convert_hf_to_gguf.py}: 1 normal for the BPE vocabulary;
 * for added tokens 3 control when marked {@code "special"} or spelled {@code <|…|>}, else 4
 * user-defined; ids the tokenizer does not define (padding up to the model's vocabulary size) are
 * named {@code [PADn]} and typed 4 user-defined.
 *
 * @param tokens token strings by id, as in {@code tokenizer.json} (byte-level: a space is {@code
 *     Ġ}), {@code vocabSize} entries
 * @param tokenTypes llama token types by id, same length as {@code tokens}
 * @param merges BPE merges in rank order, each {@code "a b"}
 * @param bosTokenId beginning-of-sequence id (never added: {@code add_bos_token} is false)
 * @param eosTokenId end-of-sequence id
 * @param paddingTokenId padding id
 * @param chatTemplate the Jinja chat template of {@code tokenizer_config.json}, if any
 */
public record GgufTokenizerMetadata(
    List<String> tokens,
    int[] tokenTypes,
    List<String> merges,
    int bosTokenId,
    int eosTokenId,
    int paddingTokenId,
    Optional<String> chatTemplate) {

  /** llama token type of ordinary vocabulary entries ({@code LLAMA_TOKEN_TYPE_NORMAL}). */
  public static final int TYPE_NORMAL = 1;

  /** llama token type of special tokens such as {@code <|im_start|>}. */
  public static final int TYPE_CONTROL = 3;

  /** llama token type of non-special added tokens and padding entries. */
  public static final int TYPE_USER_DEFINED = 4;

  /** The special token Qwen2 uses as default BOS, EOS and padding. */
  public static final String ENDOFTEXT = "<|endoftext|>";

  /** Validates lengths and ids. */
  public GgufTokenizerMetadata {
    tokens = List.copyOf(tokens);
    tokenTypes = tokenTypes.clone();
    merges = List.copyOf(merges);
    Objects.requireNonNull(chatTemplate, "chatTemplate is required (may be empty).");
    if (tokens.size() != tokenTypes.length) {
      throw new IllegalArgumentException(
          "expected one token type per token (" + tokens.size() + ") but got " + tokenTypes.length);
    }
    if (merges.isEmpty()) {
      throw new IllegalArgumentException("expected a non-empty BPE merge list");
    }
    for (int id : new int[] {bosTokenId, eosTokenId, paddingTokenId}) {
      if (id < 0 || id >= tokens.size()) {
        throw new IllegalArgumentException(
            "special token id " + id + " is outside the vocabulary [0, " + tokens.size() + ")");
      }
    }
  }

  @Override
  public int[] tokenTypes() {
    return tokenTypes.clone();
  }

  /**
   * Reads a Hugging Face byte-level BPE tokenizer. Special ids are looked up as llama.cpp's
   * converter does: the {@code bos_token}, {@code eos_token} and {@code pad_token} of {@code
   * tokenizer_config.json} if set, else the ids from {@code config.json} passed in, else {@code
   * <|endoftext|>} (padding falls back to EOS).
   *
   * @param tokenizerJson path of {@code tokenizer.json}; {@code tokenizer_config.json} is read from
   *     the same directory when it exists
   * @param vocabSize the model's vocabulary size (rows of the embedding), in tokens; must cover
   *     every id the tokenizer defines
   * @param configBosTokenId {@code bos_token_id} of {@code config.json}, or null
   * @param configEosTokenId {@code eos_token_id} of {@code config.json}, or null
   * @return the metadata. Never null.
   * @throws IOException if a file cannot be read or parsed
   * @throws IllegalArgumentException if the tokenizer is not BPE, has no merges, has an id ≥ {@code
   *     vocabSize}, or gives two tokens the same id
   */
  public static GgufTokenizerMetadata fromHuggingFace(
      Path tokenizerJson, int vocabSize, Integer configBosTokenId, Integer configEosTokenId)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode root;
    try {
      root = json.readTree(tokenizerJson.toFile());
    } catch (IOException e) {
      throw new IOException("cannot parse " + tokenizerJson + ": " + e.getMessage(), e);
    }
    JsonNode model = root.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      throw new IllegalArgumentException(
          "expected model.type=BPE in " + tokenizerJson + " but found " + model.path("type"));
    }
    String[] tokens = new String[vocabSize];
    int[] types = new int[vocabSize];
    Map<String, Integer> idOf = new HashMap<>();
    for (Map.Entry<String, JsonNode> entry : model.path("vocab").properties()) {
      define(
          tokens,
          types,
          idOf,
          entry.getValue().asInt(),
          entry.getKey(),
          TYPE_NORMAL,
          tokenizerJson);
    }
    for (JsonNode added : root.path("added_tokens")) {
      String content = added.path("content").asText();
      int id = added.path("id").asInt();
      boolean control = added.path("special").asBoolean(false) || looksSpecial(content);
      int type = control ? TYPE_CONTROL : TYPE_USER_DEFINED;
      if (id >= 0 && id < vocabSize && content.equals(tokens[id])) {
        types[id] = type; // an added token that is also in the BPE vocabulary
        continue;
      }
      define(tokens, types, idOf, id, content, type, tokenizerJson);
    }
    for (int id = 0; id < vocabSize; id++) {
      if (tokens[id] == null) {
        tokens[id] = "[PAD" + id + "]";
        types[id] = TYPE_USER_DEFINED;
      }
    }
    List<String> merges = new ArrayList<>();
    for (JsonNode merge : model.path("merges")) {
      if (merge.isArray()) {
        if (merge.size() != 2) {
          throw new IllegalArgumentException(
              "expected merges as pairs in " + tokenizerJson + " but found " + merge);
        }
        merges.add(merge.get(0).asText() + " " + merge.get(1).asText());
      } else {
        merges.add(merge.asText());
      }
    }
    if (merges.isEmpty()) {
      throw new IllegalArgumentException("no BPE merges in " + tokenizerJson);
    }

    Path configPath = tokenizerJson.resolveSibling("tokenizer_config.json");
    JsonNode config = Files.isRegularFile(configPath) ? json.readTree(configPath.toFile()) : null;
    int endOfText = Optional.ofNullable(idOf.get(ENDOFTEXT)).orElse(-1);
    int bos = specialId(config, "bos_token", idOf, configBosTokenId, endOfText, "BOS", configPath);
    int eos = specialId(config, "eos_token", idOf, configEosTokenId, endOfText, "EOS", configPath);
    int pad = specialId(config, "pad_token", idOf, null, eos, "padding", configPath);
    Optional<String> template = Optional.empty();
    if (config != null && config.path("chat_template").isTextual()) {
      template = Optional.of(config.path("chat_template").asText());
    }
    return new GgufTokenizerMetadata(Arrays.asList(tokens), types, merges, bos, eos, pad, template);
  }

  private static void define(
      String[] tokens,
      int[] types,
      Map<String, Integer> idOf,
      int id,
      String token,
      int type,
      Path source) {
    if (id < 0 || id >= tokens.length) {
      throw new IllegalArgumentException(
          "token "
              + token
              + " has id "
              + id
              + " in "
              + source
              + " but the model's vocabulary size is "
              + tokens.length);
    }
    if (tokens[id] != null) {
      throw new IllegalArgumentException(
          "tokens " + tokens[id] + " and " + token + " share id " + id + " in " + source);
    }
    tokens[id] = token;
    types[id] = type;
    idOf.put(token, id);
  }

  /** True for tokens spelled like Qwen's control tokens, {@code <|…|>}. */
  static boolean looksSpecial(String token) {
    return token.length() > 4 && token.startsWith("<|") && token.endsWith("|>");
  }

  private static int specialId(
      JsonNode config,
      String field,
      Map<String, Integer> idOf,
      Integer fallbackId,
      int defaultId,
      String what,
      Path configPath) {
    if (config != null) {
      JsonNode value = config.path(field);
      String content = value.isTextual() ? value.asText() : value.path("content").asText(null);
      if (content != null) {
        Integer id = idOf.get(content);
        if (id == null) {
          throw new IllegalArgumentException(
              field + " " + content + " of " + configPath + " is not a token of the tokenizer");
        }
        return id;
      }
    }
    if (fallbackId != null) {
      return fallbackId;
    }
    if (defaultId < 0) {
      throw new IllegalArgumentException(
          "no " + what + " token: neither tokenizer_config.json, config.json nor " + ENDOFTEXT);
    }
    return defaultId;
  }

  /**
   * Adds the {@code tokenizer.ggml.*} keys (and {@code tokenizer.chat_template} if present).
   *
   * @param writer the GGUF being written
   * @param pre llama.cpp pre-tokenizer name, {@code "qwen2"} for Qwen2
   */
  public void writeTo(GgufWriter writer, String pre) {
    writer.putString("tokenizer.ggml.model", "gpt2");
    writer.putString("tokenizer.ggml.pre", pre);
    writer.putStringArray("tokenizer.ggml.tokens", tokens);
    writer.putInt32Array("tokenizer.ggml.token_type", tokenTypes);
    writer.putStringArray("tokenizer.ggml.merges", merges);
    writer.putUint32("tokenizer.ggml.bos_token_id", bosTokenId);
    writer.putUint32("tokenizer.ggml.eos_token_id", eosTokenId);
    writer.putUint32("tokenizer.ggml.padding_token_id", paddingTokenId);
    writer.putBool("tokenizer.ggml.add_bos_token", false);
    chatTemplate.ifPresent(t -> writer.putString("tokenizer.chat_template", t));
  }
}
