package dev.qcat.domain.model.question;

import java.util.Objects;

/**
 * A category name with its calibrated confidence.
 *
 * @param category category name, exactly as in the taxonomy
 * @param confidence fraction in [0, 1]; over all categories of a taxonomy they sum to 1
 */
public record ScoredCategory(String category, double confidence) {
  public ScoredCategory {
    Objects.requireNonNull(category, "category is required.");
    if (!(confidence >= 0 && confidence <= 1.0000001)) {
      throw new IllegalArgumentException("confidence must be in [0, 1] but was " + confidence);
    }
  }
}
