package dev.qcat.application;

import dev.qcat.application.Views.ReviewView;
import dev.qcat.domain.model.review.ReviewConflictException;
import dev.qcat.domain.model.review.ReviewStatus;
import dev.qcat.domain.model.review.ReviewTaskRepository.Order;
import jakarta.ejb.Local;
import java.util.List;

/** The review queue: list, claim, resolve. */
@Local
public interface ReviewService {

  /**
   * @param status null for all
   * @param taxonomyId null for all
   * @return at most {@code max} tasks. Never null.
   */
  List<ReviewView> list(ReviewStatus status, Long taxonomyId, Order order, int first, int max);

  ReviewView find(long id) throws NotFoundException;

  /**
   * Reserves a task for the reviewer.
   *
   * @throws ReviewConflictException if resolved or claimed by someone else
   */
  ReviewView claim(long id, String reviewer) throws NotFoundException, ReviewConflictException;

  /**
   * Records the reviewer's category and adds the question as an Example (source REVIEW, split
   * TRAIN) to the taxonomy's feedback dataset. Of two concurrent resolves exactly one succeeds.
   *
   * @throws ReviewConflictException if already resolved (nothing is overwritten)
   * @throws IllegalArgumentException if the category is not an active one of the taxonomy
   */
  ReviewView resolve(long id, String category, String reviewer)
      throws NotFoundException, ReviewConflictException;

  /**
   * @return tasks not yet resolved (OPEN + CLAIMED)
   */
  long queueDepth();
}
