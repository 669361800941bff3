package dev.qcat.inference.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.GgufReader;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * llama.cpp (node-llama-cpp 3.21.1, CPU) loads qcat's Q8_0 and Q4_0 GGUF exports of a tiny random
 * Qwen2 checkpoint with the real Qwen2.5 tokenizer, and gives the same last-position distribution
 * as qcat's float32 forward pass on the weights read back from that file (so only llama.cpp's own
 * arithmetic differs: it also quantizes the activations to Q8_0 before each quantized dot product,
 * ../shared/REFERENCE.md).
 *
 * <p>Checked per prompt: the same top token, and max |Δ log p| over the whole vocabulary ≤ {@value
 * #Q8_0_TOLERANCE} (Q8_0) / {@value #Q4_0_TOLERANCE} (Q4_0), natural log. The difference is the
 * same for both weight types (0.07–0.11 measured), so it comes from llama.cpp's Q8_0 activations,
 * not from the exported weights; an export error would change the model outright.
 */
@Tag("llama")
@DisabledIfSystemProperty(
    named = "qcat.skipLlama",
    matches = "true",
    disabledReason = "llama.cpp parity skipped (qcat.skipLlama=true)")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuantizedLlamaCppTest {

  /** Measured here: 0.066–0.114 for both types, the same for Q8_0 and Q4_0 weights. */
  static final double Q8_0_TOLERANCE = 0.2;

  static final double Q4_0_TOLERANCE = 0.2;
  static final long SEED = 20240607L;

  static final List<String> TEXTS =
      List.of(
          "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
              + "<|im_start|>user\nCategorize the following user query.\n"
              + "My card has not arrived yet<|im_end|>\n<|im_start|>assistant\n",
          "What is the capital of France?",
          "Überweisung nach Zürich — ¿por qué tarda?",
          "Hi");

  @TempDir static Path dir;

  private LlamaCppReference llama;
  private Qwen2Config config;
  private Path checkpoint;
  private int[][] prompts;

  @BeforeAll
  void writeTinyCheckpoint() {
    llama = LlamaCppReference.locate();
    checkpoint = dir.resolve("tiny");
    config =
        RandomCheckpoint.write(
            checkpoint,
            Qwen2Config.tiny(),
            SafetensorsDtype.F32,
            SEED,
            RandomCheckpoint.TokenizerKind.QWEN,
            llama.qwenTokenizerJson());
    try (Qwen2Tokenizer tokenizer =
        Qwen2Tokenizer.load(checkpoint.resolve(HfCheckpoint.TOKENIZER))) {
      prompts = TEXTS.stream().map(tokenizer::encode).toArray(int[][]::new);
    }
  }

  @AfterAll
  void done() {}

  @ParameterizedTest
  @EnumSource(
      value = GgufType.class,
      names = {"Q8_0", "Q4_0"})
  void llamaCppLoadsTheQuantizedExportAndAgrees(GgufType type) throws IOException {
    Path gguf = dir.resolve("tiny-" + type + ".gguf");
    Map<String, FloatTensor> dequantized = new LinkedHashMap<>();
    try (HfCheckpoint ckpt = HfCheckpoint.load(checkpoint)) {
      Qwen2GgufExporter.export(ckpt, type, gguf);
      try (GgufReader r = GgufReader.open(gguf)) {
        for (String name : ckpt.tensorNames()) {
          String g = Qwen2GgufExporter.ggufName(name).orElseThrow();
          if (r.tensor(g).isEmpty()) {
            continue; // tied lm_head
          }
          dequantized.put(name, new FloatTensor(ckpt.tensor(name).shape(), r.readTensor(g)));
        }
      }
    }
    float[][] qcat;
    try (Qwen2Model model =
        Qwen2Model.fromTensors(config, dequantized::get, Qwen2Model.Backend.TORCH)) {
      qcat = model.logProbs(prompts);
    }
    List<double[]> ref = llama.lastPositionLogProbs(gguf, Arrays.asList(prompts), 2);
    List<String> report = new ArrayList<>();
    double worst = 0;
    for (int b = 0; b < prompts.length; b++) {
      double d = LlamaCppReference.maxAbsDiff(qcat[b], ref.get(b));
      worst = Math.max(worst, d);
      int top = argmax(qcat[b]);
      int llamaTop = argmax(ref.get(b));
      double mean = 0;
      for (int i = 0; i < qcat[b].length; i++) {
        mean += Math.abs(qcat[b][i] - ref.get(b)[i]) / qcat[b].length;
      }
      report.add(
          String.format(
              "prompt %d (%d tokens): max |Δ log p| %.3g, mean %.3g, top %d / llama %d, margin %.3g",
              b, prompts[b].length, d, mean, top, llamaTop, margin(qcat[b])));
      double tol = type == GgufType.Q8_0 ? Q8_0_TOLERANCE : Q4_0_TOLERANCE;
      if (margin(qcat[b]) > tol) {
        assertEquals(top, llamaTop, "top token of prompt " + b + ": " + report);
      } else {
        // a near-tie on random weights: llama.cpp's Q8 activations may pick the runner-up, which
        // must then be within the tolerance of qcat's top
        assertTrue(
            qcat[b][llamaTop] >= qcat[b][top] - tol, "top token of prompt " + b + ": " + report);
      }
    }
    System.out.println("qcat on dequantized " + type + " vs llama.cpp " + type + ": " + report);
    double tol = type == GgufType.Q8_0 ? Q8_0_TOLERANCE : Q4_0_TOLERANCE;
    assertTrue(worst <= tol, type + " exceeds " + tol + ": " + report);
  }

  static int argmax(float[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  static int argmax(double[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Gap between the best and second-best log-probability, natural log. */
  static double margin(float[] x) {
    float[] s = x.clone();
    Arrays.sort(s);
    return s[s.length - 1] - s[s.length - 2];
  }
}
