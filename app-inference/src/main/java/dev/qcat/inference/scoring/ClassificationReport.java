package dev.qcat.inference.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Evaluation of predictions against true categories: accuracy, macro-F1, per-class precision /
 * recall / F1, the confusion matrix, calibration (ECE, 15 bins) and routing at a confidence
 * threshold (DESIGN.md §2): a prediction is auto-routed when its confidence is ≥ the threshold,
 * otherwise it goes to review.
 *
 * <p>Fill it with {@link #add} and read the figures at any time. Not thread-safe.
 */
public final class ClassificationReport {

  /**
   * The figures of one class.
   *
   * @param label category name
   * @param precision a fraction in [0, 1]
   * @param recall a fraction in [0, 1]
   * @param f1 a fraction in [0, 1]
   * @param support number of examples whose true category is this one
   */
  public record ClassMetrics(
      String label, double precision, double recall, double f1, long support) {}

  private final ConfusionMatrix matrix;
  private final ExpectedCalibrationError ece = new ExpectedCalibrationError();
  private final double threshold;
  private long autoRouted;
  private long autoRoutedCorrect;

  /**
   * @param labels category names, index = category index; never null
   * @param threshold review threshold on confidence, a fraction in [0, 1]
   */
  public ClassificationReport(List<String> labels, double threshold) {
    Objects.requireNonNull(labels, "labels are required.");
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("expected threshold in [0, 1] but got " + threshold);
    }
    this.matrix = new ConfusionMatrix(labels);
    this.threshold = threshold;
  }

  /**
   * Counts one prediction.
   *
   * @param actual index of the true category
   * @param predicted index of the predicted category
   * @param confidence confidence of the prediction, a fraction in [0, 1]
   */
  public void add(int actual, int predicted, double confidence) {
    matrix.add(actual, predicted);
    ece.add(confidence, actual == predicted);
    if (confidence >= threshold) {
      autoRouted++;
      if (actual == predicted) {
        autoRoutedCorrect++;
      }
    }
  }

  /**
   * @return the confusion matrix (live view). Never null.
   */
  public ConfusionMatrix confusionMatrix() {
    return matrix;
  }

  /**
   * @return the calibration figures (live view). Never null.
   */
  public ExpectedCalibrationError calibration() {
    return ece;
  }

  /**
   * @return the review threshold, a fraction in [0, 1]
   */
  public double threshold() {
    return threshold;
  }

  /**
   * @return the number of counted predictions
   */
  public long total() {
    return matrix.total();
  }

  /**
   * @return accuracy, a fraction in [0, 1]; NaN when empty
   */
  public double accuracy() {
    return matrix.accuracy();
  }

  /**
   * @return macro-F1 (see {@link ConfusionMatrix#macroF1()}), a fraction in [0, 1]; NaN when empty
   */
  public double macroF1() {
    return matrix.macroF1();
  }

  /**
   * @return ECE with 15 equal-width bins, a fraction in [0, 1]; NaN when empty
   */
  public double expectedCalibrationError() {
    return ece.value();
  }

  /**
   * @return the share of predictions with confidence ≥ threshold, a fraction in [0, 1]; NaN when
   *     empty
   */
  public double autoRoutedShare() {
    return total() == 0 ? Double.NaN : (double) autoRouted / total();
  }

  /**
   * @return the accuracy of the auto-routed predictions, a fraction in [0, 1]; NaN when none was
   *     auto-routed
   */
  public double autoRoutedAccuracy() {
    return autoRouted == 0 ? Double.NaN : (double) autoRoutedCorrect / autoRouted;
  }

  /**
   * @return precision, recall, F1 and support of every category in taxonomy order. Never null.
   */
  public List<ClassMetrics> perClass() {
    List<ClassMetrics> out = new ArrayList<>(matrix.size());
    for (int c = 0; c < matrix.size(); c++) {
      out.add(
          new ClassMetrics(
              matrix.labels().get(c),
              matrix.precision(c),
              matrix.recall(c),
              matrix.f1(c),
              matrix.support(c)));
    }
    return out;
  }
}
