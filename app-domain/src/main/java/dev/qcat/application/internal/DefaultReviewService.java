package dev.qcat.application.internal;

import dev.qcat.application.NotFoundException;
import dev.qcat.application.ReviewService;
import dev.qcat.application.Views.ReviewView;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.CategoryStatus;
import dev.qcat.domain.model.dataset.Dataset;
import dev.qcat.domain.model.dataset.DatasetKind;
import dev.qcat.domain.model.dataset.DatasetRepository;
import dev.qcat.domain.model.dataset.Example;
import dev.qcat.domain.model.dataset.ExampleSource;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.domain.model.review.ReviewConflictException;
import dev.qcat.domain.model.review.ReviewStatus;
import dev.qcat.domain.model.review.ReviewTask;
import dev.qcat.domain.model.review.ReviewTaskRepository;
import dev.qcat.domain.model.review.ReviewTaskRepository.Order;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import java.util.List;
import java.util.logging.Logger;

/** {@link ReviewService} with optimistic locking on the task. */
@Stateless
public class DefaultReviewService implements ReviewService {

  private static final Logger LOG = Logger.getLogger(DefaultReviewService.class.getName());

  @Inject private ReviewTaskRepository reviews;
  @Inject private DatasetRepository datasets;
  @Inject private AuditLog audit;

  @Override
  public List<ReviewView> list(
      ReviewStatus status, Long taxonomyId, Order order, int first, int max) {
    return reviews.list(status, taxonomyId, order, first, max).stream()
        .map(ReviewView::of)
        .toList();
  }

  @Override
  public ReviewView find(long id) throws NotFoundException {
    return ReviewView.of(task(id));
  }

  @Override
  public ReviewView claim(long id, String reviewer)
      throws NotFoundException, ReviewConflictException {
    ReviewTask task = task(id);
    task.claim(reviewer);
    flush(task);
    audit.record(new AuditEvent(reviewer, "review.claim", "ReviewTask", id, null));
    return ReviewView.of(task);
  }

  @Override
  public ReviewView resolve(long id, String categoryName, String reviewer)
      throws NotFoundException, ReviewConflictException {
    ReviewTask task = task(id);
    Category category =
        task.taxonomy()
            .category(categoryName)
            .filter(c -> c.status() == CategoryStatus.ACTIVE)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "'"
                            + categoryName
                            + "' is not an active category of taxonomy "
                            + task.taxonomy().name()));
    task.resolve(category, reviewer);
    flush(task); // the version check happens here, before anything else is written
    Dataset feedback =
        datasets
            .findFeedback(task.taxonomy().id())
            .orElseGet(
                () -> {
                  Dataset d =
                      new Dataset(task.taxonomy(), Dataset.FEEDBACK_NAME, DatasetKind.FEEDBACK);
                  datasets.store(d);
                  return d;
                });
    Example example =
        new Example(
            feedback, task.prediction().question(), category, ExampleSource.REVIEW, Split.TRAIN);
    datasets.store(example);
    audit.record(
        new AuditEvent(
            reviewer,
            "review.resolve",
            "ReviewTask",
            id,
            "category=" + category.name() + " example=" + example.id()));
    return ReviewView.of(task);
  }

  @Override
  public long queueDepth() {
    return reviews.count(ReviewStatus.OPEN) + reviews.count(ReviewStatus.CLAIMED);
  }

  private ReviewTask task(long id) throws NotFoundException {
    return reviews.find(id).orElseThrow(() -> new NotFoundException("Review task", id));
  }

  private void flush(ReviewTask task) throws ReviewConflictException {
    try {
      reviews.flush();
    } catch (OptimisticLockException e) {
      LOG.fine(() -> "lost the race for review task " + task.id());
      throw new ReviewConflictException(
          "Review task "
              + task.id()
              + " was changed by someone else at the same time; nothing was changed. Reload it.");
    }
  }
}
