package dev.qcat.inference.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.GgufReader;
import dev.qcat.inference.io.GgufTokenizerMetadata;
import dev.qcat.inference.io.GgufType;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.Qwen2GgufExporter;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.model.RandomCheckpoint;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * qcat against llama.cpp on the same random weights (issue 2, item 5): a tiny random Qwen2
 * checkpoint (2 layers, hidden 64, 4 query / 2 key-value heads, the real Qwen2.5 tokenizer and its
 * 151,936-token vocabulary) is exported to GGUF and run by llama.cpp through {@code
 * tools/llama-ref/logprobs.mjs} (node-llama-cpp 3.21.1, flash attention off, F32 KV cache).
 *
 * <p>Tolerances, max |Δ log p| over the whole vocabulary at the last position, natural log:
 *
 * <ul>
 *   <li>F32 GGUF vs qcat's {@link Qwen2Model} (prompts run as one padded batch): ≤ 1e-4.
 *   <li>F32 GGUF vs a naive float64 forward pass ({@link NaiveQwen2}): ≤ 1e-4; this separates
 *       export errors from forward-pass errors.
 *   <li>F16 GGUF vs the naive forward pass on the same weights rounded to F16 (read back from the
 *       GGUF): ≤ 1e-2. Measured here: about 2e-6, so the prebuilt CPU kernels keep the activations
 *       in float32. ggml kernels that round activations to F16 before an F16 dot product (a
 *       relative error of 2^-11 per activation; other CPUs or builds) would miss 1e-4, hence the
 *       looser bound: this test checks that the F16 file loads and means the same model.
 * </ul>
 *
 * <p>Needs Node.js and {@code npm ci} in {@code tools/llama-ref}; fails with that instruction when
 * the packages are missing, unless {@code -Dqcat.skipLlama=true}.
 */
@Tag("llama")
@DisabledIfSystemProperty(
    named = "qcat.skipLlama",
    matches = "true",
    disabledReason = "llama.cpp parity skipped (qcat.skipLlama=true)")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LlamaCppParityTest {

  static final double F32_TOLERANCE = 1e-4;
  static final double F16_TOLERANCE = 1e-2;
  static final long SEED = 20240607L;

  /** ChatML with special tokens, non-ASCII text, and a short one so the batch is padded. */
  static final List<String> TEXTS =
      List.of(
          "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
              + "<|im_start|>user\nCategorize the following user query.\n"
              + "My card has not arrived yet<|im_end|>\n<|im_start|>assistant\n",
          "Überweisung nach Zürich — ¿por qué tarda? 日本語のテキスト 🚀 naïve café",
          "What is the capital of France?",
          "Hi");

  /**
   * More texts for tokenizer agreement only: whitespace runs, digits, contractions, CR/LF, emoji,
   * CJK, Greek, adjacent and non-special added tokens.
   */
  static final List<String> MORE_TEXTS =
      List.of(
          "  leading spaces and   runs\n\n\nof newlines\t\ttabs",
          "Numbers 1234567 and 3.14159, dates 2024-06-07",
          "I'm sure you've got what they'd said; HELLO World's CAPS'LL",
          "<|im_start|>user\nIs <tool_call> a token?<|im_end|>\n<|endoftext|>",
          "emoji 👍🏽 and CJK 你好，世界！ and Ελληνικά",
          "trailing space ",
          "a\r\nb\rc",
          "<|im_start|><|im_end|><|im_start|>",
          "x<|fim_prefix|>y<|file_sep|>z");

  /** REFERENCE.md's check value for DJL; llama.cpp must give the same ids. */
  static final String CHECK_TEXT = "<|im_start|>user\nHi é<|im_end|>";

  /** Not NFC: "e" + combining acute, and the Angstrom sign (NFC: Å). */
  static final String DECOMPOSED = "decomposed e\u0301 and Angstrom \u212B";

  static final String END_OF_SENTENCE = "</s> <s>";

  @TempDir static Path dir;

  private LlamaCppReference llama;
  private Qwen2Config config;
  private Map<String, FloatTensor> weights;
  private Path f32;
  private Path f16;
  private Qwen2Tokenizer tokenizer;
  private int[][] prompts;
  private List<double[]> llamaF32;
  private Map<String, int[]> llamaTokens;

  @BeforeAll
  void exportTinyCheckpointAndRunLlamaCpp() throws IOException {
    llama = LlamaCppReference.locate(); // fails, saying to run npm ci, if packages are missing
    Path checkpoint = dir.resolve("tiny");
    config =
        RandomCheckpoint.write(
            checkpoint,
            Qwen2Config.tiny(),
            SafetensorsDtype.F32,
            SEED,
            RandomCheckpoint.TokenizerKind.QWEN,
            llama.qwenTokenizerJson());
    f32 = dir.resolve("tiny-f32.gguf");
    f16 = dir.resolve("tiny-f16.gguf");
    weights = new LinkedHashMap<>();
    try (HfCheckpoint ckpt = HfCheckpoint.load(checkpoint)) {
      Qwen2GgufExporter.export(ckpt, GgufType.F32, f32);
      Qwen2GgufExporter.export(ckpt, GgufType.F16, f16);
      for (String name : ckpt.tensorNames()) {
        weights.put(name, ckpt.tensor(name));
      }
    }
    tokenizer = Qwen2Tokenizer.load(checkpoint.resolve(HfCheckpoint.TOKENIZER));
    prompts = TEXTS.stream().map(tokenizer::encode).toArray(int[][]::new);
    // One llama.cpp run (one load of the GGUF) answers the log-probabilities and every
    // tokenization.
    List<String> texts = tokenizationTexts();
    LlamaCppReference.Result result =
        llama.run(
            f32,
            new LlamaCppReference.Request(2, Arrays.asList(prompts), texts, Optional.empty()),
            Duration.ofMinutes(5));
    llamaF32 = result.logProbs();
    llamaTokens = new LinkedHashMap<>();
    for (int i = 0; i < texts.size(); i++) {
      llamaTokens.put(texts.get(i), result.tokens().get(i));
    }
  }

  private static List<String> tokenizationTexts() {
    List<String> texts = new ArrayList<>(TEXTS);
    texts.addAll(MORE_TEXTS);
    texts.add(CHECK_TEXT);
    texts.add(DECOMPOSED);
    texts.add(Normalizer.normalize(DECOMPOSED, Normalizer.Form.NFC));
    texts.add(END_OF_SENTENCE);
    return texts;
  }

  @AfterAll
  void closeTokenizer() {
    if (tokenizer != null) {
      tokenizer.close();
    }
  }

  @Test
  void qcatMatchesLlamaCppInOnePaddedBatch() {
    float[][] qcat;
    try (Qwen2Model model = Qwen2Model.fromTensors(config, weights::get)) {
      qcat = model.logProbs(prompts);
    }
    assertTrue(
        Arrays.stream(prompts).mapToInt(p -> p.length).distinct().count() > 1,
        "the batch must hold prompts of unequal lengths");
    List<String> report = new ArrayList<>();
    double worst = 0;
    for (int b = 0; b < prompts.length; b++) {
      double d = LlamaCppReference.maxAbsDiff(qcat[b], llamaF32.get(b));
      report.add(
          String.format("prompt %d (%d tokens): max |Δ log p| = %.3g", b, prompts[b].length, d));
      worst = Math.max(worst, d);
    }
    System.out.println("qcat vs llama.cpp F32: " + report);
    assertTrue(
        worst <= F32_TOLERANCE, "qcat vs llama.cpp F32 exceeds " + F32_TOLERANCE + ": " + report);
  }

  @Test
  void exportedF32GgufMatchesNaiveFloat64Forward() {
    NaiveQwen2 naive = new NaiveQwen2(config, weights);
    List<String> report = new ArrayList<>();
    double worst = 0;
    for (int b = 0; b < prompts.length; b++) {
      double[] expected = naive.lastPositionLogProbs(prompts[b]);
      double d = maxAbsDiff(expected, llamaF32.get(b));
      report.add(String.format("prompt %d: %.3g", b, d));
      worst = Math.max(worst, d);
    }
    System.out.println("llama.cpp F32 vs naive float64: " + report);
    assertTrue(
        worst <= F32_TOLERANCE,
        "llama.cpp F32 vs float64 exceeds " + F32_TOLERANCE + ": " + report);
  }

  @Test
  void f16GgufLoadsAndAgreesToF16Precision() throws IOException {
    Map<String, FloatTensor> rounded = new LinkedHashMap<>();
    try (GgufReader r = GgufReader.open(f16)) {
      assertEquals(1, r.getLong("general.file_type"));
      for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
        String name = Qwen2GgufExporter.ggufName(e.getKey()).orElseThrow();
        rounded.put(e.getKey(), new FloatTensor(e.getValue().shape(), r.readTensor(name)));
      }
    }
    List<double[]> llamaF16 = llama.lastPositionLogProbs(f16, Arrays.asList(prompts), 2);
    NaiveQwen2 naive = new NaiveQwen2(config, rounded);
    List<String> report = new ArrayList<>();
    double worst = 0;
    for (int b = 0; b < prompts.length; b++) {
      double d = maxAbsDiff(naive.lastPositionLogProbs(prompts[b]), llamaF16.get(b));
      report.add(String.format("prompt %d: %.3g", b, d));
      worst = Math.max(worst, d);
    }
    System.out.println("llama.cpp F16 vs naive float64 on F16 weights: " + report);
    assertTrue(worst <= F16_TOLERANCE, "llama.cpp F16 exceeds " + F16_TOLERANCE + ": " + report);
  }

  @Test
  void djlAndLlamaCppTokenizeTextsAlike() {
    List<String> texts = new ArrayList<>(TEXTS);
    texts.addAll(MORE_TEXTS);
    texts.add(CHECK_TEXT);
    for (String text : texts) {
      assertArrayEquals(
          tokenizer.encode(text), llamaTokens.get(text), "token ids of text: " + text);
    }
    // REFERENCE.md check values
    assertArrayEquals(new int[] {3838, 374, 279, 6722, 315, 9625, 30}, prompts[2]);
    assertArrayEquals(
        new int[] {151644, 872, 198, 13048, 3958, 151645}, llamaTokens.get(CHECK_TEXT));
  }

  /**
   * Two known differences, pinned so that a change on either side is noticed: HF's tokenizer
   * applies the NFC normalizer of {@code tokenizer.json} and llama.cpp does not, so llama.cpp
   * agrees only on NFC text; and llama.cpp marks the ordinary BPE token {@code </s>} (id 128247) as
   * a control token by its spelling ({@code llama-vocab.cpp}, "control-looking token"), so with
   * special tokens parsed it reads {@code </s>} as one token where HF reads plain text.
   */
  @Test
  void tokenizersDifferOnlyOnNonNfcTextAndTheSpellingOfEndOfSentence() {
    String nfc = Normalizer.normalize(DECOMPOSED, Normalizer.Form.NFC);
    assertFalse(Arrays.equals(tokenizer.encode(DECOMPOSED), llamaTokens.get(DECOMPOSED)));
    assertArrayEquals(tokenizer.encode(DECOMPOSED), llamaTokens.get(nfc));
    assertArrayEquals(new int[] {522, 82, 29, 366, 82, 29}, tokenizer.encode(END_OF_SENTENCE));
    assertArrayEquals(new int[] {128247, 366, 82, 29}, llamaTokens.get(END_OF_SENTENCE));
  }

  @Test
  void ggufCarriesTheRealTokenizerAndChatTemplate() throws IOException {
    try (GgufReader r = GgufReader.open(f32)) {
      List<String> tokens = r.getStringArray("tokenizer.ggml.tokens");
      int[] types = r.getInt32Array("tokenizer.ggml.token_type");
      assertEquals(151936, tokens.size());
      assertEquals("<|endoftext|>", tokens.get(151643));
      assertEquals("<|im_start|>", tokens.get(151644));
      assertEquals("[PAD151665]", tokens.get(151665));
      assertEquals(GgufTokenizerMetadata.TYPE_NORMAL, types[3838]);
      assertEquals(GgufTokenizerMetadata.TYPE_CONTROL, types[151644]);
      assertEquals(GgufTokenizerMetadata.TYPE_CONTROL, types[151659]); // <|fim_prefix|>
      assertEquals(GgufTokenizerMetadata.TYPE_USER_DEFINED, types[151657]); // <tool_call>
      assertEquals(GgufTokenizerMetadata.TYPE_USER_DEFINED, types[151935]);
      assertEquals(151387, r.getStringArray("tokenizer.ggml.merges").size());
      assertEquals("Ġ Ġ", r.getStringArray("tokenizer.ggml.merges").get(0));
      assertEquals(151643, r.getLong("tokenizer.ggml.bos_token_id"));
      assertEquals(151645, r.getLong("tokenizer.ggml.eos_token_id"));
      assertEquals(151643, r.getLong("tokenizer.ggml.padding_token_id"));
      assertTrue(r.getString("tokenizer.chat_template").contains("<|im_start|>"));
      assertTrue(r.tensor("output.weight").isEmpty(), "tied embeddings: no output.weight");
    }
  }

  @Test
  void timesAPromptAloneAndScoresItInOneRun() throws IOException {
    LlamaCppReference.Result r = llama.timeAndScorePrompt(f32, prompts[0], 3, 1, 2);
    LlamaCppReference.PromptTiming t = r.timing().orElseThrow();
    assertEquals(prompts[0].length, t.promptTokens());
    assertEquals(3, t.runsMs().length);
    assertTrue(
        t.minMs() > 0 && t.minMs() <= t.medianMs() && t.medianMs() <= t.p95Ms(), t.toString());
    assertEquals(0, maxAbsDiff(llamaF32.get(0), r.logProbs().get(0)), 1e-9, "same answer twice");
  }

  private static double maxAbsDiff(double[] a, double[] b) {
    assertEquals(a.length, b.length, "vocabulary sizes");
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
