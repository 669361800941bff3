package dev.qcat.domain.model.dataset;

import java.util.Locale;
import java.util.Optional;

/** Which part of training an example serves. */
public enum Split {
  TRAIN,
  VALIDATION,
  TEST;

  /**
   * Parses "train", "valid", "validation", "test" (any case).
   *
   * @return the split, or empty when the text names none
   */
  public static Optional<Split> parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "train" -> Optional.of(TRAIN);
      case "valid", "validation", "val", "dev" -> Optional.of(VALIDATION);
      case "test" -> Optional.of(TEST);
      default -> Optional.empty();
    };
  }
}
