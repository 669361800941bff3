package dev.qcat.domain.model.review;

/**
 * How a reviewer closed a task. Only {@link #LABELLED} adds a training example; the other two keep
 * the reviewer's note so that admins can find such questions (queue filters) and act on them.
 */
public enum ReviewOutcome {
  /** A category was chosen; the question became an Example (source REVIEW) of the feedback set. */
  LABELLED,
  /** The question fits several categories, or none clearly. */
  AMBIGUOUS,
  /** The question needs a category the taxonomy does not have yet. */
  NEW_CATEGORY
}
