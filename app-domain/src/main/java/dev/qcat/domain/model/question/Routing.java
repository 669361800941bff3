package dev.qcat.domain.model.question;

/** Where a prediction went after classification (DESIGN.md §2). */
public enum Routing {
  /** Confident: answered without review. */
  AUTOMATIC,
  /** Below the threshold: a review task was created. */
  REVIEW,
  /** Confident but drawn for the random audit share: a review task was created. */
  AUDIT
}
