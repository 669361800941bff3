package dev.qcat.inference.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.model.RandomCheckpoint;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import dev.qcat.inference.training.PromptEncoder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CategoryScorer} on the real Qwen2 forward pass (tiny random checkpoint, byte-level
 * tokenizer): tree scoring on the shared KV cache equals scoring each full label sequence with a
 * plain forward pass.
 */
class CategoryScorerQwen2Test {

  private static final List<String> LABELS =
      List.of("Card", "Card arrival", "Card linking", "Cash", "Exchange rate", "Exchange via app");

  @TempDir static Path dir;
  static Qwen2Model model;
  static Qwen2Tokenizer tokenizer;
  static PromptEncoder encoder;
  static int[][] labelTokens;

  @BeforeAll
  static void load() {
    RandomCheckpoint.write(
        dir,
        RandomCheckpoint.preset("tiny"),
        SafetensorsDtype.F32,
        11,
        RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
        null);
    model = Qwen2Model.load(dir);
    tokenizer = Qwen2Tokenizer.load(dir.resolve(HfCheckpoint.TOKENIZER));
    encoder = PromptEncoder.chatMl(tokenizer);
    labelTokens = LABELS.stream().map(encoder::labelTokens).toArray(int[][]::new);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
    model.close();
  }

  private static int[] prompt(String question) {
    return encoder.prompt(
        new SeedExample(0, "Categorize the following user query.", question, Optional.empty()));
  }

  @Test
  void treeScoresEqualPlainForwardPassesOverEachFullSequence() {
    // "Card" is a prefix of "Card arrival"; "Card arrival" and "Card linking" share "Card ".
    assertTrue(labelTokens[1].length > labelTokens[0].length);
    int[] prompt = prompt("Where is my new card?");
    Classification c =
        new CategoryScorer(
                model, LABELS, labelTokens, encoder.endTokenId(), ScoringOptions.defaults())
            .classify(prompt);
    double maxDiff = 0;
    for (int l = 0; l < LABELS.size(); l++) {
      int[] full = Arrays.copyOf(labelTokens[l], labelTokens[l].length + 1);
      full[labelTokens[l].length] = encoder.endTokenId();
      double naive = 0;
      for (int i = 0; i < full.length; i++) {
        int[] seq = Arrays.copyOf(prompt, prompt.length + i);
        System.arraycopy(full, 0, seq, prompt.length, i);
        naive += model.logProbs(new int[][] {seq})[0][full[i]];
      }
      maxDiff = Math.max(maxDiff, Math.abs(naive - c.scores().get(l).logProbability()));
    }
    assertTrue(maxDiff < 1e-3, "max |Δ log P(label)| = " + maxDiff);
    double sum = c.scores().stream().mapToDouble(CategoryScore::confidence).sum();
    assertEquals(1.0, sum, 1e-9);
  }

  @Test
  void batchedResultsEqualOneByOneOnTheModel() {
    CategoryScorer scorer =
        new CategoryScorer(
            model, LABELS, labelTokens, encoder.endTokenId(), ScoringOptions.defaults());
    int[][] prompts = {
      prompt("Where is my new card?"),
      prompt("What exchange rate do you use when I pay abroad in dollars?"),
      prompt("cash")
    };
    List<Classification> batched = scorer.classifyBatch(prompts);
    for (int b = 0; b < prompts.length; b++) {
      Classification one = scorer.classify(prompts[b]);
      assertEquals(one.category(), batched.get(b).category(), "prompt " + b);
      for (int l = 0; l < LABELS.size(); l++) {
        assertEquals(
            one.scores().get(l).logProbability(),
            batched.get(b).scores().get(l).logProbability(),
            1e-4,
            "prompt " + b + " label " + LABELS.get(l));
      }
    }
  }
}
