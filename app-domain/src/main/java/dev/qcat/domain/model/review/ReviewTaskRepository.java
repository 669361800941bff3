package dev.qcat.domain.model.review;

import java.util.List;
import java.util.Optional;

/** Stores and lists review tasks. */
public interface ReviewTaskRepository {

  /** Sort orders of the review queue. */
  enum Order {
    CONFIDENCE_ASC,
    CONFIDENCE_DESC,
    CREATED_ASC
  }

  Optional<ReviewTask> find(long id);

  Optional<ReviewTask> findByPrediction(long predictionId);

  /**
   * @param status the status to keep, or null for all
   * @param taxonomyId the taxonomy to keep, or null for all
   * @return at most {@code max} tasks from {@code first}. Never null.
   */
  List<ReviewTask> list(ReviewStatus status, Long taxonomyId, Order order, int first, int max);

  long count(ReviewStatus status);

  void store(ReviewTask task);

  /** Writes pending changes now, so that an optimistic-lock failure surfaces here. */
  void flush();
}
