package dev.qcat.application;

import dev.qcat.application.Views.ReviewView;
import dev.qcat.domain.model.review.ReviewConflictException;
import dev.qcat.domain.model.review.ReviewFilter;
import dev.qcat.domain.model.review.ReviewOutcome;
import dev.qcat.domain.model.review.ReviewTaskRepository.Order;
import dev.qcat.domain.model.review.ReviewerCounts;
import dev.qcat.domain.model.review.SimilarExample;
import jakarta.ejb.Local;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The review queue: list, claim (one task or the next one), release, resolve with a category, or
 * close as ambiguous / needing a new category; similar labelled examples and per-reviewer counts.
 */
@Local
public interface ReviewService {

  /**
   * @return at most {@code max} tasks from {@code first} that pass the filter. Never null.
   */
  List<ReviewView> list(ReviewFilter filter, Order order, int first, int max);

  /**
   * @return how many tasks pass the filter
   */
  long count(ReviewFilter filter);

  ReviewView find(long id) throws NotFoundException;

  /**
   * Reserves a task for the reviewer.
   *
   * @throws ReviewConflictException if resolved or claimed by someone else
   */
  ReviewView claim(long id, String reviewer) throws NotFoundException, ReviewConflictException;

  /**
   * "Next task": the task the reviewer already holds that passes the filter, else claims the first
   * OPEN one in {@code order}. Concurrent callers get different tasks (row lock with {@code skip
   * locked}); the filter's statuses are ignored.
   *
   * @param excluded task ids to pass over (the ones skipped in this session); may be empty
   * @return the claimed task, or empty when none is left
   */
  Optional<ReviewView> claimNext(
      ReviewFilter filter, Order order, Collection<Long> excluded, String reviewer);

  /**
   * Gives a task the reviewer claimed back to the queue (a skip). An OPEN task stays OPEN.
   *
   * @throws ReviewConflictException if resolved, or claimed by someone else
   */
  ReviewView release(long id, String reviewer) throws NotFoundException, ReviewConflictException;

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
   * Closes the task as {@link ReviewOutcome#AMBIGUOUS} or {@link ReviewOutcome#NEW_CATEGORY} with
   * the reviewer's note. No training example is added. Of two concurrent closes exactly one wins.
   *
   * @param note the reason or the missing category's name, or null; at most 2,000 characters
   * @throws ReviewConflictException if already resolved or claimed by someone else
   * @throws IllegalArgumentException if {@code outcome} is LABELLED or the note is too long
   */
  ReviewView mark(long id, ReviewOutcome outcome, String note, String reviewer)
      throws NotFoundException, ReviewConflictException;

  /**
   * Already-labelled examples of the task's taxonomy whose text resembles its question (pg_trgm
   * trigram similarity, at least {@value #MIN_SIMILARITY}).
   *
   * @param limit the most examples returned, in [1, 50]
   * @return by falling similarity. Never null.
   */
  List<SimilarExample> similarExamples(long id, int limit) throws NotFoundException;

  /** Examples less similar than this to the question are not worth showing, fraction in [0, 1]. */
  double MIN_SIMILARITY = 0.1;

  /**
   * Resolved tasks per reviewer and outcome, today (since midnight in the server's time zone) and
   * in all time.
   *
   * @return by reviewer name. Never null.
   */
  List<ReviewerCounts> reviewerCounts();

  /**
   * @return tasks not yet resolved (OPEN + CLAIMED)
   */
  long queueDepth();
}
