package dev.qcat.domain.model.evaluation;

import java.util.Objects;

/**
 * The figures of one category in an evaluation (scikit-learn's {@code
 * precision_recall_fscore_support} conventions with {@code zero_division=0}).
 *
 * @param category category name
 * @param precision TP / (TP + FP), fraction in [0, 1]; 0 when never predicted
 * @param recall TP / (TP + FN), fraction in [0, 1]; 0 when never present
 * @param f1 harmonic mean of precision and recall, fraction in [0, 1]
 * @param support number of evaluated examples whose true category is this one
 */
public record CategoryMetrics(
    String category, double precision, double recall, double f1, long support) {

  public CategoryMetrics {
    Objects.requireNonNull(category, "category is required.");
    if (support < 0) {
      throw new IllegalArgumentException("support must be >= 0 but was " + support);
    }
  }
}
