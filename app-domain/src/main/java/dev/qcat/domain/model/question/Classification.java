package dev.qcat.domain.model.question;

import java.util.List;
import java.util.Objects;

/**
 * What a classifier answered for one question.
 *
 * @param topK categories by falling calibrated confidence, at least one. Never null.
 * @param modelVersionId the model version that answered
 * @param errorBound upper bound on the confidence error caused by pruning, fraction in [0, 1]
 */
public record Classification(List<ScoredCategory> topK, long modelVersionId, double errorBound) {
  public Classification {
    Objects.requireNonNull(topK, "topK is required.");
    if (topK.isEmpty()) {
      throw new IllegalArgumentException("topK must hold at least one category");
    }
    topK = List.copyOf(topK);
  }

  /**
   * @return the most likely category. Never null.
   */
  public ScoredCategory best() {
    return topK.get(0);
  }
}
