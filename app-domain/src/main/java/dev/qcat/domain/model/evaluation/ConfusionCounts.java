package dev.qcat.domain.model.evaluation;

import java.util.List;
import java.util.Objects;

/**
 * A confusion matrix as stored: {@code counts[i][j]} = evaluated examples of true category {@code
 * labels[i]} predicted as {@code labels[j]}.
 *
 * @param labels category names in taxonomy order, never empty
 * @param counts square, {@code labels.size()} × {@code labels.size()}, counts ≥ 0
 */
public record ConfusionCounts(List<String> labels, long[][] counts) {

  /**
   * @throws IllegalArgumentException if the matrix is not square with one row per label
   */
  public ConfusionCounts {
    labels = List.copyOf(Objects.requireNonNull(labels, "labels are required."));
    Objects.requireNonNull(counts, "counts are required.");
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("a confusion matrix needs at least one label");
    }
    if (counts.length != labels.size()) {
      throw new IllegalArgumentException(
          "expected " + labels.size() + " rows but got " + counts.length);
    }
    for (int i = 0; i < counts.length; i++) {
      if (counts[i].length != labels.size()) {
        throw new IllegalArgumentException(
            "row " + i + " has " + counts[i].length + " columns, expected " + labels.size());
      }
    }
  }

  /**
   * @return the number of counted examples
   */
  public long total() {
    long t = 0;
    for (long[] row : counts) {
      for (long v : row) {
        t += v;
      }
    }
    return t;
  }
}
