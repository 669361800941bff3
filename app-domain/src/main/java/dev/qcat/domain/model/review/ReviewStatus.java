package dev.qcat.domain.model.review;

/** Where a review task is in its life cycle. */
public enum ReviewStatus {
  OPEN,
  CLAIMED,
  RESOLVED
}
