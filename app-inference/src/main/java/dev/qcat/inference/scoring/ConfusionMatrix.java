package dev.qcat.inference.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Counts of (actual, predicted) category pairs over a fixed taxonomy, with the per-class precision,
 * recall and F1 and their macro average derived from them.
 *
 * <p>Conventions follow scikit-learn's {@code precision_recall_fscore_support} with {@code
 * zero_division=0}: a class never predicted has precision 0, a class never present has recall 0,
 * and F1 is 0 when precision + recall is 0. Macro-F1 is the unweighted mean of the F1 of the
 * classes that occur as actual or predicted at least once (sklearn's default label set when no
 * {@code labels=} is given), so a category absent from an evaluation set does not count as a zero.
 *
 * <p>Not thread-safe.
 */
public final class ConfusionMatrix {

  private final List<String> labels;
  private final long[][] counts;
  private long total;

  /**
   * @param labels the category names, index = category index; never null, non-empty
   */
  public ConfusionMatrix(List<String> labels) {
    this.labels = List.copyOf(Objects.requireNonNull(labels, "labels are required."));
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("expected at least one label but got none");
    }
    counts = new long[labels.size()][labels.size()];
  }

  /**
   * Counts one prediction.
   *
   * @param actual index of the true category, in [0, size)
   * @param predicted index of the predicted category, in [0, size)
   * @throws IndexOutOfBoundsException if an index is out of range
   */
  public void add(int actual, int predicted) {
    Objects.checkIndex(actual, labels.size());
    Objects.checkIndex(predicted, labels.size());
    counts[actual][predicted]++;
    total++;
  }

  /**
   * @return the category names. Never null.
   */
  public List<String> labels() {
    return labels;
  }

  /**
   * @return the number of categories
   */
  public int size() {
    return labels.size();
  }

  /**
   * @param actual true category index
   * @param predicted predicted category index
   * @return how many examples of {@code actual} were predicted as {@code predicted}
   */
  public long count(int actual, int predicted) {
    return counts[actual][predicted];
  }

  /**
   * @return the number of counted predictions
   */
  public long total() {
    return total;
  }

  /**
   * @param c category index
   * @return the number of examples whose true category is {@code c} (row sum)
   */
  public long support(int c) {
    long s = 0;
    for (long v : counts[c]) {
      s += v;
    }
    return s;
  }

  /**
   * @param c category index
   * @return the number of examples predicted as {@code c} (column sum)
   */
  public long predictedCount(int c) {
    long s = 0;
    for (long[] row : counts) {
      s += row[c];
    }
    return s;
  }

  /**
   * @return correct predictions / total, a fraction in [0, 1]; NaN when nothing was counted
   */
  public double accuracy() {
    long correct = 0;
    for (int c = 0; c < counts.length; c++) {
      correct += counts[c][c];
    }
    return total == 0 ? Double.NaN : (double) correct / total;
  }

  /**
   * @param c category index
   * @return TP / (TP + FP), a fraction in [0, 1]; 0 when {@code c} was never predicted
   */
  public double precision(int c) {
    long p = predictedCount(c);
    return p == 0 ? 0 : (double) counts[c][c] / p;
  }

  /**
   * @param c category index
   * @return TP / (TP + FN), a fraction in [0, 1]; 0 when {@code c} never occurs
   */
  public double recall(int c) {
    long s = support(c);
    return s == 0 ? 0 : (double) counts[c][c] / s;
  }

  /**
   * @param c category index
   * @return 2·P·R / (P + R), a fraction in [0, 1]; 0 when P + R = 0
   */
  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /**
   * @return the indices of the categories that occur as actual or predicted at least once, in
   *     taxonomy order. Never null.
   */
  public List<Integer> presentClasses() {
    List<Integer> out = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      if (support(c) > 0 || predictedCount(c) > 0) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * @return the mean F1 over {@link #presentClasses()}, a fraction in [0, 1]; NaN when nothing was
   *     counted
   */
  public double macroF1() {
    List<Integer> present = presentClasses();
    if (present.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    for (int c : present) {
      sum += f1(c);
    }
    return sum / present.size();
  }
}
