package dev.qcat.inference.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.GgufType;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.Qwen2GgufExporter;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.model.RandomCheckpoint;
import dev.qcat.inference.scoring.CategoryScorer;
import dev.qcat.inference.scoring.Classification;
import dev.qcat.inference.scoring.ScoringOptions;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import dev.qcat.inference.training.PromptEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * llama.cpp's category scores ({@link LlamaCppReference#scoreLabels}, the native label-scorer, and
 * {@link LlamaCppReference#scoreLabelsWithNode}, the Node harness) against qcat's {@link
 * CategoryScorer} on the F32 GGUF of a tiny random Qwen2 with the real tokenizer: the same ChatML
 * prompts, labels that share first tokens and one that is a prefix of another. The scores are sums
 * of a few log-probabilities each within the engine parity (≤ 1e-4 per token, measured ~5e-6).
 */
@Tag("llama")
@DisabledIfSystemProperty(
    named = "qcat.skipLlama",
    matches = "true",
    disabledReason = "llama.cpp parity skipped (qcat.skipLlama=true)")
class LabelScorerLlamaCppTest {

  static final List<String> LABELS =
      List.of("Card", "Card arrival", "Card payment fee charged", "Exchange rate", "Cash");

  @TempDir static Path dir;

  @Test
  void llamaCppScoresTheCategoriesAsQcatDoes() throws IOException {
    Assumptions.assumeTrue(
        onPath("g++") && onPath("git"), "label-scorer needs g++ and git to be built");
    LlamaCppReference llama = LlamaCppReference.locate();
    Path checkpoint = dir.resolve("tiny");
    Qwen2Config config =
        RandomCheckpoint.write(
            checkpoint,
            Qwen2Config.tiny(),
            SafetensorsDtype.F32,
            31,
            RandomCheckpoint.TokenizerKind.QWEN,
            llama.qwenTokenizerJson());
    Path gguf = dir.resolve("tiny-F32.gguf");
    try (HfCheckpoint c = HfCheckpoint.load(checkpoint)) {
      Qwen2GgufExporter.export(c, GgufType.F32, gguf);
    }
    int[][] prompts;
    int[][] labelTokens = new int[LABELS.size()][];
    List<Classification> qcat;
    try (Qwen2Model model = Qwen2Model.load(checkpoint);
        Qwen2Tokenizer tok = Qwen2Tokenizer.load(checkpoint.resolve(HfCheckpoint.TOKENIZER))) {
      PromptEncoder enc = PromptEncoder.chatMl(tok);
      prompts =
          List.of("Where is my new card?", "What rate for euros?", "Überweisung — ¿por qué?")
              .stream()
              .map(
                  q ->
                      enc.prompt(
                          new SeedExample(
                              0, "Categorize the following user query.", q, Optional.empty())))
              .toArray(int[][]::new);
      int[][] bare = LABELS.stream().map(enc::labelTokens).toArray(int[][]::new);
      for (int i = 0; i < bare.length; i++) {
        labelTokens[i] = Arrays.copyOf(bare[i], bare[i].length + 1);
        labelTokens[i][bare[i].length] = enc.endTokenId();
      }
      qcat =
          new CategoryScorer(model, LABELS, bare, enc.endTokenId(), ScoringOptions.defaults())
              .classifyBatch(prompts);
    }
    List<double[]> nativeScores = llama.scoreLabels(gguf, labelTokens, Arrays.asList(prompts), 2);
    List<double[]> nodeScores =
        llama.scoreLabelsWithNode(gguf, labelTokens, Arrays.asList(prompts).subList(0, 1), 1);
    double worst = 0;
    for (int p = 0; p < prompts.length; p++) {
      for (int l = 0; l < LABELS.size(); l++) {
        double q = qcat.get(p).scores().get(l).logProbability();
        worst = Math.max(worst, Math.abs(q - nativeScores.get(p)[l]));
      }
      assertEquals(qcat.get(p).index(), argmax(nativeScores.get(p)), "top category, prompt " + p);
    }
    double nodeVsNative = 0;
    for (int l = 0; l < LABELS.size(); l++) {
      nodeVsNative =
          Math.max(nodeVsNative, Math.abs(nodeScores.get(0)[l] - nativeScores.get(0)[l]));
    }
    System.out.printf(
        "label scores: max |qcat - llama.cpp label-scorer| %.3g, |node harness - label-scorer| %.3g%n",
        worst, nodeVsNative);
    assertTrue(worst < 5e-4, "qcat vs label-scorer " + worst);
    assertTrue(nodeVsNative < 5e-4, "node vs label-scorer " + nodeVsNative);
  }

  static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    return path != null
        && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
            .anyMatch(d -> java.nio.file.Files.isExecutable(Path.of(d, exe)));
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
}
