package dev.qcat.inference.scoring;

/**
 * One category's score for one prompt.
 *
 * @param category the category name, never null
 * @param index the category's position in the taxonomy given to {@link CategoryScorer}
 * @param logProbability natural log of P(category | prompt), the product of the token probabilities
 *     of the category's tokens and the closing end token; {@code Double.NEGATIVE_INFINITY} when the
 *     category was pruned
 * @param confidence P(category | prompt) / Σ over the scored categories, a fraction in [0, 1]; 0
 *     when pruned
 */
public record CategoryScore(String category, int index, double logProbability, double confidence) {

  /**
   * @return whether the category's branch was pruned (its probability was not computed)
   */
  public boolean pruned() {
    return logProbability == Double.NEGATIVE_INFINITY;
  }
}
