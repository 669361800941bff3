package dev.qcat.infrastructure.inference;

import dev.qcat.domain.model.question.ScoredCategory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Temperature scaling (Guo et al. 2017, "On Calibration of Modern Neural Networks"): confidence of
 * label c = exp(log P(c)/T) / Σ_k exp(log P(k)/T). With T = 1 this is DESIGN.md §2's P(c) / Σ_k
 * P(k). Computed with the max subtracted, in float64.
 */
public final class Calibration {

  private Calibration() {}

  /**
   * @param labels label names, same order as {@code logProbs}
   * @param logProbs natural-log probabilities, one per label; -∞ allowed, not all -∞
   * @param temperature T > 0
   * @param k how many categories to keep, ≥ 1
   * @return the k most confident labels by falling confidence, fractions in [0, 1]. Never null.
   * @throws IllegalArgumentException if the lengths differ, T ≤ 0 or every label is -∞
   */
  public static List<ScoredCategory> topK(
      List<String> labels, double[] logProbs, double temperature, int k) {
    if (labels.size() != logProbs.length) {
      throw new IllegalArgumentException(
          "expected " + labels.size() + " log-probabilities but got " + logProbs.length);
    }
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0 but was " + temperature);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double lp : logProbs) {
      max = Math.max(max, lp / temperature);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("every label has probability 0");
    }
    double[] p = new double[logProbs.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logProbs[i] / temperature - max);
      sum += p[i];
    }
    List<ScoredCategory> all = new ArrayList<>(p.length);
    for (int i = 0; i < p.length; i++) {
      all.add(new ScoredCategory(labels.get(i), Math.min(1.0, p[i] / sum)));
    }
    all.sort(Comparator.comparingDouble(ScoredCategory::confidence).reversed());
    return List.copyOf(all.subList(0, Math.min(Math.max(1, k), all.size())));
  }
}
