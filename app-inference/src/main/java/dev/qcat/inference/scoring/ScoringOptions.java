package dev.qcat.inference.scoring;

/**
 * Settings of {@link CategoryScorer}.
 *
 * @param epsilon prune threshold on a trie branch's prefix probability, a probability in [0, 1); 0
 *     scores every label exactly
 * @param threshold confidence below which a classification needs review, a fraction in [0, 1]
 *     (DESIGN.md §2: default 0.75)
 * @param topK how many best categories a classification lists, ≥ 1
 */
public record ScoringOptions(double epsilon, double threshold, int topK) {

  /** Default review threshold (DESIGN.md §2 routing), a fraction in [0, 1]. */
  public static final double DEFAULT_THRESHOLD = 0.75;

  /** Default number of categories listed per classification. */
  public static final int DEFAULT_TOP_K = 3;

  /**
   * @throws IllegalArgumentException if a value is outside its range
   */
  public ScoringOptions {
    if (!(epsilon >= 0 && epsilon < 1)) {
      throw new IllegalArgumentException("expected epsilon in [0, 1) but got " + epsilon);
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("expected threshold in [0, 1] but got " + threshold);
    }
    if (topK < 1) {
      throw new IllegalArgumentException("expected topK >= 1 but got " + topK);
    }
  }

  /**
   * @return exact scoring (epsilon 0), threshold 0.75, top-3. Never null.
   */
  public static ScoringOptions defaults() {
    return new ScoringOptions(0, DEFAULT_THRESHOLD, DEFAULT_TOP_K);
  }

  /**
   * @param epsilon the new prune threshold, a probability in [0, 1)
   * @return a copy with {@code epsilon} replaced. Never null.
   */
  public ScoringOptions withEpsilon(double epsilon) {
    return new ScoringOptions(epsilon, threshold, topK);
  }

  /**
   * @param threshold the new review threshold, a fraction in [0, 1]
   * @return a copy with {@code threshold} replaced. Never null.
   */
  public ScoringOptions withThreshold(double threshold) {
    return new ScoringOptions(epsilon, threshold, topK);
  }

  /**
   * @param topK the new list length, ≥ 1
   * @return a copy with {@code topK} replaced. Never null.
   */
  public ScoringOptions withTopK(int topK) {
    return new ScoringOptions(epsilon, threshold, topK);
  }
}
