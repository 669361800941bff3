package dev.qcat.domain.model.dataset;

/** Where an example came from. */
public enum ExampleSource {
  /** A line of an uploaded seed file. */
  IMPORT,
  /** A reviewer's resolution of a review task. */
  REVIEW,
  /** Generated text. */
  SYNTHETIC
}
