package dev.qcat.inference.calibration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The routing operating curve an admin picks a review threshold from (DESIGN.md §2 routing): for
 * each threshold, the share of predictions sent to review (confidence below the threshold) and the
 * accuracy of the ones routed automatically (confidence ≥ threshold).
 */
public final class OperatingCurve {

  private OperatingCurve() {}

  /**
   * One threshold's figures.
   *
   * @param threshold confidence threshold, fraction in [0, 1]
   * @param reviewShare share of predictions with confidence below the threshold, fraction in [0, 1]
   * @param autoRouted number of predictions with confidence ≥ the threshold
   * @param autoAccuracy accuracy of those, fraction in [0, 1]; NaN when none
   */
  public record Point(double threshold, double reviewShare, long autoRouted, double autoAccuracy) {}

  /**
   * The thresholds 0.50, 0.55, …, 0.95 that {@code qcat eval} reports.
   *
   * @return ten thresholds, ascending. Never null.
   */
  public static double[] defaultThresholds() {
    double[] t = new double[10];
    for (int i = 0; i < t.length; i++) {
      t[i] = 0.5 + 0.05 * i;
    }
    return t;
  }

  /**
   * Computes the curve.
   *
   * @param confidences per prediction, the (calibrated) confidence of the predicted category,
   *     fraction in [0, 1]
   * @param correct per prediction, whether it was right
   * @param thresholds thresholds to evaluate, each a fraction in [0, 1]
   * @return one point per threshold, in the given order. Never null.
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public static List<Point> compute(double[] confidences, boolean[] correct, double[] thresholds) {
    Objects.requireNonNull(confidences, "confidences are required.");
    Objects.requireNonNull(correct, "correct is required.");
    if (confidences.length != correct.length) {
      throw new IllegalArgumentException(
          confidences.length + " confidences but " + correct.length + " correctness flags");
    }
    List<Point> out = new ArrayList<>();
    for (double t : thresholds) {
      long auto = 0;
      long right = 0;
      for (int i = 0; i < confidences.length; i++) {
        if (confidences[i] >= t) {
          auto++;
          if (correct[i]) {
            right++;
          }
        }
      }
      int n = confidences.length;
      out.add(
          new Point(
              t,
              n == 0 ? Double.NaN : (double) (n - auto) / n,
              auto,
              auto == 0 ? Double.NaN : (double) right / auto));
    }
    return out;
  }

  /**
   * @param points a curve
   * @return a text table: threshold, review share, auto-routed count and accuracy. Never null.
   */
  public static String toText(List<Point> points) {
    StringBuilder sb = new StringBuilder("threshold  to review  auto-routed  auto accuracy\n");
    for (Point p : points) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%9.2f  %9.3f  %11d  %13.4f%n",
              p.threshold(),
              p.reviewShare(),
              p.autoRouted(),
              p.autoAccuracy()));
    }
    return sb.toString();
  }
}
