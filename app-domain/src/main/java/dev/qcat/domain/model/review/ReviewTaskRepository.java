package dev.qcat.domain.model.review;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Stores and lists review tasks. */
public interface ReviewTaskRepository {

  /** Sort orders of the review queue. Ties are broken by id (oldest first). */
  enum Order {
    CONFIDENCE_ASC,
    CONFIDENCE_DESC,
    CREATED_ASC
  }

  Optional<ReviewTask> find(long id);

  Optional<ReviewTask> findByPrediction(long predictionId);

  /**
   * @return at most {@code max} tasks from {@code first} that pass the filter. Never null.
   */
  List<ReviewTask> list(ReviewFilter filter, Order order, int first, int max);

  /**
   * @return how many tasks pass the filter
   */
  long count(ReviewFilter filter);

  long count(ReviewStatus status);

  /**
   * The first OPEN task in {@code order} that passes the filter, locked for this transaction
   * ({@code select … for update skip locked}): concurrent callers each get a different task and
   * never wait for one another.
   *
   * @param excluded task ids to pass over (e.g. the ones the reviewer skipped); may be empty
   * @return the task, or empty when none is left
   */
  Optional<ReviewTask> lockNextOpen(ReviewFilter filter, Order order, Collection<Long> excluded);

  /**
   * The task {@code reviewer} has claimed and not resolved yet, first in {@code order}, if any.
   *
   * @param excluded task ids to pass over; may be empty
   */
  Optional<ReviewTask> findClaimedBy(
      String reviewer, ReviewFilter filter, Order order, Collection<Long> excluded);

  /**
   * Counts resolved tasks per reviewer and outcome, in all time and since {@code startOfToday}.
   *
   * @return one entry per reviewer who resolved anything, by name. Never null.
   */
  List<ReviewerCounts> countByReviewer(OffsetDateTime startOfToday);

  /**
   * Ends every claim made before {@code claimedBefore} in one statement (bulk update; the tasks
   * become OPEN, their version is incremented). Call it before loading tasks in the same
   * transaction: entities already loaded do not see it.
   *
   * @return how many claims were ended
   */
  int expireClaims(OffsetDateTime claimedBefore);

  void store(ReviewTask task);

  /** Writes pending changes now, so that an optimistic-lock failure surfaces here. */
  void flush();
}
