package dev.qcat.domain.model.category;

/** Whether a category is offered to classifiers and reviewers. */
public enum CategoryStatus {
  /** Offered to the model and to reviewers. */
  ACTIVE,
  /** Kept for history (old predictions and examples point at it) but no longer offered. */
  RETIRED
}
