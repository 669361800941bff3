package dev.qcat.domain.model.review;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which review tasks a queue listing keeps. Every criterion is optional (null or empty keeps all).
 *
 * @param statuses the statuses to keep; empty for all
 * @param outcome the outcome to keep (resolved tasks only), or null for any
 * @param taxonomyId the taxonomy, or null for all
 * @param categoryId the category the model predicted, or null for all
 * @param modelVersionId the model version that made the prediction, or null for all
 */
public record ReviewFilter(
    Set<ReviewStatus> statuses,
    ReviewOutcome outcome,
    Long taxonomyId,
    Long categoryId,
    Long modelVersionId) {

  public ReviewFilter {
    statuses =
        statuses == null || statuses.isEmpty()
            ? Set.copyOf(EnumSet.allOf(ReviewStatus.class))
            : Set.copyOf(statuses);
  }

  /** Tasks not resolved yet (OPEN and CLAIMED): the queue. */
  public static ReviewFilter waiting() {
    return new ReviewFilter(
        EnumSet.of(ReviewStatus.OPEN, ReviewStatus.CLAIMED), null, null, null, null);
  }

  /** Tasks in one status. */
  public static ReviewFilter status(ReviewStatus status) {
    return new ReviewFilter(EnumSet.of(status), null, null, null, null);
  }

  /** Resolved tasks closed with {@code outcome}. */
  public static ReviewFilter resolvedAs(ReviewOutcome outcome) {
    return new ReviewFilter(EnumSet.of(ReviewStatus.RESOLVED), outcome, null, null, null);
  }

  public ReviewFilter withStatuses(Set<ReviewStatus> s) {
    return new ReviewFilter(s, outcome, taxonomyId, categoryId, modelVersionId);
  }

  public ReviewFilter withTaxonomy(Long id) {
    return new ReviewFilter(statuses, outcome, id, categoryId, modelVersionId);
  }

  public ReviewFilter withCategory(Long id) {
    return new ReviewFilter(statuses, outcome, taxonomyId, id, modelVersionId);
  }

  public ReviewFilter withModelVersion(Long id) {
    return new ReviewFilter(statuses, outcome, taxonomyId, categoryId, id);
  }
}
