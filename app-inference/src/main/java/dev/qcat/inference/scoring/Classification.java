package dev.qcat.inference.scoring;

import java.util.List;

/**
 * The scored taxonomy for one prompt: the best category, its confidence, the top-k list, whether
 * the prediction goes to review, and what pruning cost.
 *
 * <p>Error bound. Let M be the total probability P(c | prompt) of the pruned categories and S that
 * of the scored ones. Every pruned category lies under a pruned trie node whose prefix probability
 * is below ε, and the probabilities of the categories under a node sum to at most the node's prefix
 * probability, so M ≤ {@code errorBound} = Σ over pruned nodes of their prefix probability ≤ {@code
 * prunedLabels} × ε. The reported confidences are P(c)/S (0 for pruned c); the exact ones are
 * P(c)/(S + M); for every category c the two differ by at most M/(S + M) ≤ {@code
 * confidenceErrorBound} = errorBound / S.
 *
 * @param category the most probable category, never null
 * @param confidence its confidence, a fraction in [0, 1]
 * @param topK the best categories by confidence, best first, at most k of them, never null
 * @param needsReview whether {@code confidence} is below the review threshold
 * @param prunedLabels how many categories were pruned (not scored), ≥ 0
 * @param errorBound upper bound on the total unnormalised probability mass of the pruned categories
 *     (see above), a probability in [0, prunedLabels × ε]; 0 when nothing was pruned
 * @param confidenceErrorBound upper bound on |reported − exact| confidence of any category (see
 *     above), ≥ 0; 0 when nothing was pruned
 * @param scores one score per category in taxonomy order, never null
 */
public record Classification(
    String category,
    double confidence,
    List<CategoryScore> topK,
    boolean needsReview,
    int prunedLabels,
    double errorBound,
    double confidenceErrorBound,
    List<CategoryScore> scores) {

  /** Copies the lists. */
  public Classification {
    topK = List.copyOf(topK);
    scores = List.copyOf(scores);
  }

  /**
   * @return the index of {@link #category} in the taxonomy
   */
  public int index() {
    return topK.get(0).index();
  }
}
