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
import dev.qcat.domain.model.review.ReviewFilter;
import dev.qcat.domain.model.review.ReviewOutcome;
import dev.qcat.domain.model.review.ReviewStatus;
import dev.qcat.domain.model.review.ReviewTask;
import dev.qcat.domain.model.review.ReviewTaskRepository;
import dev.qcat.domain.model.review.ReviewTaskRepository.Order;
import dev.qcat.domain.model.review.ReviewerCounts;
import dev.qcat.domain.model.review.SimilarExample;
import dev.qcat.domain.model.review.SimilarExamples;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@link ReviewService} with optimistic locking on the task. */
@Stateless
public class DefaultReviewService implements ReviewService {

  private static final Logger LOG = Logger.getLogger(DefaultReviewService.class.getName());

  @Inject private ReviewTaskRepository reviews;
  @Inject private DatasetRepository datasets;
  @Inject private AuditLog audit;
  @Inject private SimilarExamples similar;

  /** How long a claim holds without a resolve, minutes; then anyone may take the task. */
  @Inject
  @ConfigProperty(name = "qcat.review.claim-timeout-minutes", defaultValue = "30")
  private int claimTimeoutMinutes;

  @Override
  public List<ReviewView> list(ReviewFilter filter, Order order, int first, int max) {
    return reviews.list(filter, order, first, max).stream().map(ReviewView::of).toList();
  }

  @Override
  public long count(ReviewFilter filter) {
    return reviews.count(filter);
  }

  @Override
  public ReviewView find(long id) throws NotFoundException {
    return ReviewView.of(load(id));
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
  public Optional<ReviewView> claimNext(
      ReviewFilter filter, Order order, Collection<Long> excluded, String reviewer) {
    int expired = reviews.expireClaims(OffsetDateTime.now().minus(claimTimeout()));
    if (expired > 0) {
      LOG.info(() -> expired + " review claims older than " + claimTimeout() + " ended");
    }
    Optional<ReviewTask> held = reviews.findClaimedBy(reviewer, filter, order, excluded);
    if (held.isPresent()) {
      return held.map(ReviewView::of);
    }
    Optional<ReviewTask> next = reviews.lockNextOpen(filter, order, excluded);
    if (next.isEmpty()) {
      return Optional.empty();
    }
    ReviewTask task = next.get();
    try {
      task.claim(reviewer);
    } catch (ReviewConflictException e) {
      throw new IllegalStateException("a locked OPEN task refused the claim: " + e.getMessage(), e);
    }
    reviews.flush();
    audit.record(new AuditEvent(reviewer, "review.claim", "ReviewTask", task.id(), "next"));
    return Optional.of(ReviewView.of(task));
  }

  @Override
  public ReviewView release(long id, String reviewer)
      throws NotFoundException, ReviewConflictException {
    ReviewTask task = task(id);
    if (task.status() == ReviewStatus.OPEN) {
      return ReviewView.of(task);
    }
    task.release(reviewer);
    flush(task);
    audit.record(new AuditEvent(reviewer, "review.release", "ReviewTask", id, null));
    return ReviewView.of(task);
  }

  @Override
  public ReviewView mark(long id, ReviewOutcome outcome, String note, String reviewer)
      throws NotFoundException, ReviewConflictException {
    ReviewTask task = task(id);
    switch (outcome) {
      case AMBIGUOUS -> task.markAmbiguous(reviewer, note);
      case NEW_CATEGORY -> task.markNeedsNewCategory(reviewer, note);
      case LABELLED ->
          throw new IllegalArgumentException(
              "outcome LABELLED needs a category: resolve the task with one instead");
    }
    flush(task);
    audit.record(
        new AuditEvent(
            reviewer,
            "review." + outcome.name().toLowerCase(java.util.Locale.ROOT),
            "ReviewTask",
            id,
            task.note().orElse(null)));
    return ReviewView.of(task);
  }

  @Override
  public List<SimilarExample> similarExamples(long id, int limit) throws NotFoundException {
    if (limit < 1 || limit > 50) {
      throw new IllegalArgumentException("limit is " + limit + "; expected 1 to 50");
    }
    ReviewTask task = load(id);
    return similar.find(task.taxonomy().id(), task.prediction().question(), limit, MIN_SIMILARITY);
  }

  @Override
  public List<ReviewerCounts> reviewerCounts() {
    ZoneId zone = ZoneId.systemDefault();
    return reviews.countByReviewer(LocalDate.now(zone).atStartOfDay(zone).toOffsetDateTime());
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

  private ReviewTask load(long id) throws NotFoundException {
    return reviews.find(id).orElseThrow(() -> new NotFoundException("Review task", id));
  }

  /** The task about to be changed, with a claim older than the claim timeout ended. */
  private ReviewTask task(long id) throws NotFoundException {
    ReviewTask task = load(id);
    String holder = task.reviewer().orElse(null);
    if (task.expireClaim(OffsetDateTime.now(), claimTimeout())) {
      audit.record(
          new AuditEvent(
              "system", "review.claim-expired", "ReviewTask", id, "claimed by " + holder));
    }
    return task;
  }

  private Duration claimTimeout() {
    return Duration.ofMinutes(Math.max(1, claimTimeoutMinutes));
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
