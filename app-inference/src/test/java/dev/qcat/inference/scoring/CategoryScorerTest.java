package dev.qcat.inference.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CategoryScorerTest {

  // Hand-made vocabulary: 0 "Card", 1 " arrival", 2 " linking", 3 "Cash", 4 <|im_end|>, 5 other.
  private static final int END = 4;
  private static final int V = 6;

  /** The distributions of the hand-checked case, keyed by the path since the prompt. */
  private static FakeTreeModel handModel() {
    Map<String, double[]> table = new HashMap<>();
    table.put("[]", new double[] {0.5, 0, 0, 0.3, 0.1, 0.1});
    table.put("[0]", new double[] {0, 0.5, 0.05, 0, 0.4, 0.05});
    table.put("[0, 1]", new double[] {0, 0, 0, 0, 0.9, 0.1});
    table.put("[0, 2]", new double[] {0, 0, 0, 0, 0.8, 0.2});
    table.put("[3]", new double[] {0, 0, 0, 0, 0.5, 0.5});
    return new FakeTreeModel(
        V,
        (prompt, path) -> {
          double[] p = table.get(Arrays.toString(path));
          if (p == null) {
            throw new AssertionError("unexpected path " + Arrays.toString(path));
          }
          return p;
        });
  }

  @Test
  void prefixLabelIsToldApartByTheEndToken() {
    FakeTreeModel model = handModel();
    CategoryScorer scorer =
        new CategoryScorer(
            model,
            List.of("Card", "Card arrival", "Cash"),
            new int[][] {{0}, {0, 1}, {3}},
            END,
            ScoringOptions.defaults());
    Classification c = scorer.classify(new int[] {5, 5});
    // P(Card) = 0.5·0.4 = 0.2; P(Card arrival) = 0.5·0.5·0.9 = 0.225; P(Cash) = 0.3·0.5 = 0.15.
    double z = 0.2 + 0.225 + 0.15;
    assertEquals("Card arrival", c.category());
    assertEquals(0.225 / z, c.confidence(), 1e-6);
    assertEquals(0.2 / z, c.scores().get(0).confidence(), 1e-6);
    assertEquals(Math.log(0.2), c.scores().get(0).logProbability(), 1e-6);
    assertEquals(0.15 / z, c.scores().get(2).confidence(), 1e-6);
    assertEquals(List.of("Card arrival", "Card", "Cash"), names(c.topK()));
    assertTrue(c.needsReview()); // 0.391 < 0.75
    assertEquals(0, c.prunedLabels());
    assertEquals(0, c.errorBound());
    // Exact scoring: depth 1 from the prompt, then the whole trie ("Card", "Cash" and " arrival"
    // after "Card") in one call.
    assertEquals(1, model.expandCalls);
    assertEquals(List.of(3), model.expandSizes);
  }

  @Test
  void sharedFirstTokensAreComputedOnce() {
    FakeTreeModel model = handModel();
    CategoryScorer scorer =
        new CategoryScorer(
            model,
            List.of("Card arrival", "Card linking", "Card"),
            new int[][] {{0, 1}, {0, 2}, {0}},
            END,
            ScoringOptions.defaults());
    Classification c = scorer.classify(new int[] {5});
    // One node for the shared "Card" with " arrival" and " linking", in one call.
    assertEquals(List.of(3), model.expandSizes);
    double pa = 0.5 * 0.5 * 0.9;
    double pl = 0.5 * 0.05 * 0.8;
    double pc = 0.5 * 0.4;
    assertEquals(pa / (pa + pl + pc), c.scores().get(0).confidence(), 1e-6);
    assertEquals(pl / (pa + pl + pc), c.scores().get(1).confidence(), 1e-6);
    assertEquals(6, scorer.trieSize()); // Card, arrival, linking, 3 end leaves
  }

  @Test
  void matchesNaiveProductOverRandomLabels() {
    FakeTreeModel model = FakeTreeModel.random(40, 1.0);
    int[][] labels = randomLabels(30, 40, 7);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      names.add("c" + i);
    }
    CategoryScorer scorer =
        new CategoryScorer(model, names, labels, 39, ScoringOptions.defaults().withTopK(5));
    int[] prompt = {1, 2, 3, 4};
    Classification c = scorer.classify(prompt);
    double[] naive = naiveLogP(model, prompt, labels, 39);
    double logZ = CategoryScorer.logSumExp(naive);
    double maxDiff = 0;
    for (int i = 0; i < labels.length; i++) {
      maxDiff =
          Math.max(maxDiff, Math.abs(Math.exp(naive[i] - logZ) - c.scores().get(i).confidence()));
      assertEquals(naive[i], c.scores().get(i).logProbability(), 1e-4, "log P of label " + i);
    }
    assertTrue(maxDiff < 1e-5, "max |Δ confidence| = " + maxDiff);
    assertEquals(5, c.topK().size());
    for (int i = 1; i < 5; i++) {
      assertTrue(c.topK().get(i - 1).confidence() >= c.topK().get(i).confidence());
    }
    assertEquals(1, model.expandCalls); // exact: the whole trie in one call
  }

  @Test
  void prunedScoresStayWithinTheReportedBound() {
    FakeTreeModel model = FakeTreeModel.random(30, 2.5);
    int[][] labels = randomLabels(60, 30, 11);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      names.add("c" + i);
    }
    double eps = 1e-3;
    int totalPruned = 0;
    for (int p = 0; p < 8; p++) {
      int[] prompt = {p, p + 1};
      Classification exact =
          new CategoryScorer(model, names, labels, 29, ScoringOptions.defaults()).classify(prompt);
      Classification pruned =
          new CategoryScorer(model, names, labels, 29, ScoringOptions.defaults().withEpsilon(eps))
              .classify(prompt);
      totalPruned += pruned.prunedLabels();
      double missing = 0;
      double maxConfDiff = 0;
      for (int i = 0; i < labels.length; i++) {
        CategoryScore e = exact.scores().get(i);
        CategoryScore q = pruned.scores().get(i);
        if (q.pruned()) {
          missing += Math.exp(e.logProbability());
        } else {
          assertEquals(e.logProbability(), q.logProbability(), 1e-9);
        }
        maxConfDiff = Math.max(maxConfDiff, Math.abs(e.confidence() - q.confidence()));
      }
      assertTrue(
          missing <= pruned.errorBound() * (1 + 1e-9), missing + " > " + pruned.errorBound());
      assertTrue(pruned.errorBound() <= pruned.prunedLabels() * eps);
      assertTrue(
          maxConfDiff <= pruned.confidenceErrorBound() + 1e-12,
          maxConfDiff + " > " + pruned.confidenceErrorBound());
      double margin = exact.topK().get(0).confidence() - exact.topK().get(1).confidence();
      if (margin > 2 * pruned.confidenceErrorBound()) {
        assertEquals(
            exact.category(), pruned.category(), "a margin above 2×bound keeps the winner");
      }
    }
    assertTrue(totalPruned > 0, "the case must actually prune");
  }

  @Test
  void batchedResultsEqualOneByOne() {
    FakeTreeModel model = FakeTreeModel.random(25, 1.5);
    int[][] labels = randomLabels(20, 25, 3);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      names.add("c" + i);
    }
    int[][] prompts = {{1}, {2, 3, 4, 5, 6}, {7, 8}, {9, 10, 11}, {1}};
    for (double eps : new double[] {0, 1e-3}) {
      CategoryScorer scorer =
          new CategoryScorer(model, names, labels, 24, ScoringOptions.defaults().withEpsilon(eps));
      model.expandCalls = 0;
      List<Classification> batched = scorer.classifyBatch(prompts);
      int longest = Arrays.stream(labels).mapToInt(l -> l.length).max().orElseThrow();
      assertTrue(
          eps == 0 ? model.expandCalls == 1 : model.expandCalls <= longest,
          "exact: one expand call; pruned: one per level");
      for (int b = 0; b < prompts.length; b++) {
        assertEquals(scorer.classify(prompts[b]), batched.get(b), "prompt " + b);
      }
    }
  }

  @Test
  void answersEvenWhenEveryBranchIsBelowEpsilon() {
    FakeTreeModel model = FakeTreeModel.random(50, 0.1);
    int[][] labels = randomLabels(10, 50, 5);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      names.add("c" + i);
    }
    Classification c =
        new CategoryScorer(model, names, labels, 49, ScoringOptions.defaults().withEpsilon(0.5))
            .classify(new int[] {3});
    assertFalse(c.topK().get(0).pruned());
    assertTrue(c.prunedLabels() > 0 && c.prunedLabels() < labels.length);
    assertTrue(c.confidenceErrorBound() > 0);
  }

  @Test
  void needsReviewFollowsTheThreshold() {
    CategoryScorer low =
        new CategoryScorer(
            handModel(),
            List.of("Card", "Card arrival", "Cash"),
            new int[][] {{0}, {0, 1}, {3}},
            END,
            ScoringOptions.defaults().withThreshold(0.3));
    assertFalse(low.classify(new int[] {5}).needsReview());
  }

  @Test
  void rejectsInvalidTaxonomies() {
    FakeTreeModel model = handModel();
    ScoringOptions o = ScoringOptions.defaults();
    assertThrows(
        IllegalArgumentException.class,
        () -> new CategoryScorer(model, List.of("a", "b"), new int[][] {{0}, {0}}, END, o));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CategoryScorer(model, List.of("a"), new int[][] {{0, END}}, END, o));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CategoryScorer(model, List.of("a"), new int[][] {{}}, END, o));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CategoryScorer(model, List.of("a", "a"), new int[][] {{0}, {3}}, END, o));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CategoryScorer(model, List.of("a"), new int[][] {{V}}, END, o));
    assertThrows(IllegalArgumentException.class, () -> new ScoringOptions(1, 0.75, 3));
  }

  /** Distinct random labels of 1–4 tokens over [0, vocab − 1), many sharing first tokens. */
  static int[][] randomLabels(int count, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (out.size() < count) {
      int len = 1 + r.nextInt(4);
      int[] l = new int[len];
      for (int i = 0; i < len; i++) {
        l[i] = i == 0 ? r.nextInt(4) : r.nextInt(vocab - 1); // few first tokens: shared prefixes
      }
      if (seen.add(Arrays.toString(l))) {
        out.add(l);
      }
    }
    return out.toArray(int[][]::new);
  }

  /** log P(label + end | prompt) straight from the distribution function, in double. */
  static double[] naiveLogP(FakeTreeModel model, int[] prompt, int[][] labels, int end) {
    double[] out = new double[labels.length];
    for (int c = 0; c < labels.length; c++) {
      int[] full = Arrays.copyOf(labels[c], labels[c].length + 1);
      full[labels[c].length] = end;
      double lp = 0;
      for (int i = 0; i < full.length; i++) {
        lp += Math.log(model.distribution.apply(prompt, Arrays.copyOf(full, i))[full[i]]);
      }
      out[c] = lp;
    }
    return out;
  }

  private static List<String> names(List<CategoryScore> scores) {
    return scores.stream().map(CategoryScore::category).toList();
  }
}
