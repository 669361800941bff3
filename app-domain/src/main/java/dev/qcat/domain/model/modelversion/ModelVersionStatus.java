package dev.qcat.domain.model.modelversion;

/** Where a model version is in its life cycle. */
public enum ModelVersionStatus {
  /** Registered (trained or imported), not serving. */
  CANDIDATE,
  /** Serving its taxonomy; at most one per taxonomy. */
  ACTIVE,
  /** Served once, replaced by another version. */
  RETIRED
}
