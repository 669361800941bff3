package dev.qcat.domain.model.drift;

/** Outcome of a drift check, from good to bad. */
public enum DriftVerdict {
  /** Every figure within its warning threshold. */
  OK,
  /** At least one figure past its warning threshold, none past its drift threshold. */
  WARN,
  /** At least one figure past its drift threshold. */
  DRIFT
}
