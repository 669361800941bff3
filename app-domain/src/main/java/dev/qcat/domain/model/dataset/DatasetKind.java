package dev.qcat.domain.model.dataset;

/** What a dataset is for. */
public enum DatasetKind {
  /** Uploaded or curated training data. */
  SEED,
  /** The taxonomy's one dataset where resolved reviews land as examples (source REVIEW). */
  FEEDBACK
}
