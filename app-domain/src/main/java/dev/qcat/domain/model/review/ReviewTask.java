package dev.qcat.domain.model.review;

import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.question.Prediction;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * A prediction waiting for a reviewer's label.
 *
 * <p>Life cycle: created OPEN when a prediction is routed to review (low confidence, or drawn for
 * audit, {@link #audit()}); a reviewer may {@link #claim} it (CLAIMED) so that others leave it
 * alone, and {@link #release} it again (OPEN; a skip). A claim nobody acted on for longer than the
 * claim timeout ends ({@link #expireClaim}), so a closed browser tab does not hide a task for good.
 * {@link #resolve} with the right category makes it RESOLVED for good with outcome {@link
 * ReviewOutcome#LABELLED}; {@link #markAmbiguous} and {@link #markNeedsNewCategory} also make it
 * RESOLVED, with the reviewer's note and no category. The {@code version} column is an optimistic
 * lock: of two concurrent resolves exactly one commits, the other fails and overwrites nothing.
 */
@Entity
@Table(name = "review_task")
public class ReviewTask {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @OneToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "prediction_id")
  private Prediction prediction;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "taxonomy_id")
  private Taxonomy taxonomy;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private ReviewStatus status = ReviewStatus.OPEN;

  @Column(nullable = false)
  private boolean audit;

  @Column(nullable = false)
  private double confidence;

  private String reviewer;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "chosen_category_id")
  private Category chosenCategory;

  @Enumerated(EnumType.STRING)
  private ReviewOutcome outcome;

  private String note;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  @Column(name = "claimed_at")
  private OffsetDateTime claimedAt;

  @Column(name = "resolved_at")
  private OffsetDateTime resolvedAt;

  @Version private long version;

  /** Longest note a reviewer may leave, characters. */
  public static final int MAX_NOTE_LENGTH = 2000;

  protected ReviewTask() {}

  /**
   * @param audit true when the prediction was confident and drawn for the audit share
   */
  public ReviewTask(Prediction prediction, boolean audit) {
    this.prediction = Objects.requireNonNull(prediction, "Prediction is required.");
    this.taxonomy = prediction.taxonomy();
    this.confidence = prediction.confidence();
    this.audit = audit;
  }

  /**
   * Reserves the task for a reviewer. Claiming a task one already holds is a no-op.
   *
   * @throws ReviewConflictException if it is resolved or claimed by someone else
   */
  public void claim(String reviewer) throws ReviewConflictException {
    Objects.requireNonNull(reviewer, "Reviewer is required.");
    requireNotClosedBySomeoneElse(reviewer);
    this.status = ReviewStatus.CLAIMED;
    this.reviewer = reviewer;
    this.claimedAt = OffsetDateTime.now();
  }

  /**
   * Ends a claim that is older than {@code timeout} at {@code now}: the task is OPEN again and
   * anyone may take it. Other states are left alone.
   *
   * @param timeout how long a claim holds, &gt; 0
   * @return true if a claim was ended
   */
  public boolean expireClaim(OffsetDateTime now, Duration timeout) {
    Objects.requireNonNull(now, "now is required.");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("claim timeout is " + timeout + "; expected > 0");
    }
    if (status != ReviewStatus.CLAIMED
        || claimedAt == null
        || !claimedAt.plus(timeout).isBefore(now)) {
      return false;
    }
    this.status = ReviewStatus.OPEN;
    this.reviewer = null;
    this.claimedAt = null;
    return true;
  }

  /**
   * Gives a claimed task back to the queue (OPEN, no reviewer), e.g. when the reviewer skips it.
   * Releasing an OPEN task is a no-op.
   *
   * @throws ReviewConflictException if it is resolved or claimed by someone else
   */
  public void release(String reviewer) throws ReviewConflictException {
    Objects.requireNonNull(reviewer, "Reviewer is required.");
    if (status == ReviewStatus.OPEN) {
      return;
    }
    requireNotClosedBySomeoneElse(reviewer);
    this.status = ReviewStatus.OPEN;
    this.reviewer = null;
    this.claimedAt = null;
  }

  /**
   * Records the reviewer's category (outcome {@link ReviewOutcome#LABELLED}). Allowed from OPEN, or
   * from CLAIMED by the same reviewer.
   *
   * @param category an active category of the task's taxonomy
   * @throws ReviewConflictException if already resolved or claimed by someone else
   * @throws IllegalArgumentException if the category belongs to another taxonomy
   */
  public void resolve(Category category, String reviewer) throws ReviewConflictException {
    Objects.requireNonNull(category, "Category is required.");
    Objects.requireNonNull(reviewer, "Reviewer is required.");
    requireNotClosedBySomeoneElse(reviewer);
    if (!sameTaxonomy(category.taxonomy(), taxonomy)) {
      throw new IllegalArgumentException(
          "Category '" + category.name() + "' is not in taxonomy " + taxonomy.name());
    }
    close(ReviewOutcome.LABELLED, reviewer, null);
    this.chosenCategory = category;
  }

  /**
   * Closes the task as ambiguous: it fits several categories, or none clearly. No category is
   * recorded and no training example is made.
   *
   * @param note the reviewer's reason, or null; at most {@link #MAX_NOTE_LENGTH} characters
   * @throws ReviewConflictException if already resolved or claimed by someone else
   * @throws IllegalArgumentException if the note is too long
   */
  public void markAmbiguous(String reviewer, String note) throws ReviewConflictException {
    Objects.requireNonNull(reviewer, "Reviewer is required.");
    requireNotClosedBySomeoneElse(reviewer);
    close(ReviewOutcome.AMBIGUOUS, reviewer, note);
  }

  /**
   * Closes the task as needing a category the taxonomy lacks. No category is recorded and no
   * training example is made; the note should name the missing category.
   *
   * @param note the reviewer's suggestion, or null; at most {@link #MAX_NOTE_LENGTH} characters
   * @throws ReviewConflictException if already resolved or claimed by someone else
   * @throws IllegalArgumentException if the note is too long
   */
  public void markNeedsNewCategory(String reviewer, String note) throws ReviewConflictException {
    Objects.requireNonNull(reviewer, "Reviewer is required.");
    requireNotClosedBySomeoneElse(reviewer);
    close(ReviewOutcome.NEW_CATEGORY, reviewer, note);
  }

  private void close(ReviewOutcome outcome, String reviewer, String note) {
    String trimmed = note == null || note.isBlank() ? null : note.strip();
    if (trimmed != null && trimmed.length() > MAX_NOTE_LENGTH) {
      throw new IllegalArgumentException(
          "The note has "
              + trimmed.length()
              + " characters; at most "
              + MAX_NOTE_LENGTH
              + " are allowed.");
    }
    this.status = ReviewStatus.RESOLVED;
    this.outcome = outcome;
    this.reviewer = reviewer;
    this.note = trimmed;
    this.resolvedAt = OffsetDateTime.now();
  }

  private void requireNotClosedBySomeoneElse(String reviewer) throws ReviewConflictException {
    if (status == ReviewStatus.RESOLVED) {
      throw new ReviewConflictException(
          "Review task "
              + id
              + " is already resolved by "
              + this.reviewer
              + " "
              + describe()
              + "; nothing was changed.");
    }
    if (status == ReviewStatus.CLAIMED && !reviewer.equals(this.reviewer)) {
      throw new ReviewConflictException(
          "Review task " + id + " is claimed by " + this.reviewer + ".");
    }
  }

  private String describe() {
    if (outcome == ReviewOutcome.AMBIGUOUS) {
      return "as ambiguous";
    }
    if (outcome == ReviewOutcome.NEW_CATEGORY) {
      return "as needing a new category";
    }
    return "as '" + (chosenCategory == null ? "?" : chosenCategory.name()) + "'";
  }

  private static boolean sameTaxonomy(Taxonomy a, Taxonomy b) {
    return a == b || (a.id() != null && a.id().equals(b.id()));
  }

  public Long id() {
    return id;
  }

  public Prediction prediction() {
    return prediction;
  }

  public Taxonomy taxonomy() {
    return taxonomy;
  }

  public ReviewStatus status() {
    return status;
  }

  public boolean audit() {
    return audit;
  }

  /**
   * @return the prediction's calibrated confidence, fraction in [0, 1]
   */
  public double confidence() {
    return confidence;
  }

  public Optional<String> reviewer() {
    return Optional.ofNullable(reviewer);
  }

  public Optional<Category> chosenCategory() {
    return Optional.ofNullable(chosenCategory);
  }

  /**
   * @return how the task was closed; empty while it is not resolved
   */
  public Optional<ReviewOutcome> outcome() {
    return Optional.ofNullable(outcome);
  }

  /**
   * @return the reviewer's note (ambiguous / needs a new category), if any
   */
  public Optional<String> note() {
    return Optional.ofNullable(note);
  }

  public Optional<OffsetDateTime> claimedAt() {
    return Optional.ofNullable(claimedAt);
  }

  public OffsetDateTime createdAt() {
    return createdAt;
  }

  public Optional<OffsetDateTime> resolvedAt() {
    return Optional.ofNullable(resolvedAt);
  }

  public long version() {
    return version;
  }
}
