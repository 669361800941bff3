package dev.qcat.inference.scoring;

import java.util.ArrayList;
import java.util.List;

/**
 * Expected calibration error over equal-width confidence bins: ECE = Σ_m (|B_m| / n) · |acc(B_m) −
 * conf(B_m)|, where bin m holds the predictions with confidence in ((m − 1)/M, m/M] (confidence 0
 * goes to the first bin), acc is the share of correct predictions in the bin and conf their mean
 * confidence.
 *
 * <p>Reference: Guo et al. 2017, "On Calibration of Modern Neural Networks", arXiv:1706.04599, eq.
 * (3); DESIGN.md §2 uses M = 15.
 *
 * <p>Not thread-safe.
 */
public final class ExpectedCalibrationError {

  /** The number of bins DESIGN.md §2 prescribes. */
  public static final int DEFAULT_BINS = 15;

  /**
   * One bin of the reliability diagram.
   *
   * @param lower lower edge (exclusive, except for the first bin), a fraction in [0, 1]
   * @param upper upper edge (inclusive), a fraction in [0, 1]
   * @param count predictions in the bin
   * @param meanConfidence their mean confidence; NaN when empty
   * @param accuracy their share of correct predictions; NaN when empty
   */
  public record Bin(
      double lower, double upper, long count, double meanConfidence, double accuracy) {}

  private final int bins;
  private final long[] count;
  private final long[] correct;
  private final double[] confidenceSum;
  private long total;

  /** ECE with {@value #DEFAULT_BINS} bins. */
  public ExpectedCalibrationError() {
    this(DEFAULT_BINS);
  }

  /**
   * @param bins number of equal-width bins, ≥ 1
   */
  public ExpectedCalibrationError(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("expected bins >= 1 but got " + bins);
    }
    this.bins = bins;
    count = new long[bins];
    correct = new long[bins];
    confidenceSum = new double[bins];
  }

  /**
   * Counts one prediction.
   *
   * @param confidence the predicted category's confidence, a fraction in [0, 1]
   * @param isCorrect whether the predicted category is the true one
   * @throws IllegalArgumentException if {@code confidence} is outside [0, 1] or NaN
   */
  public void add(double confidence, boolean isCorrect) {
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("expected confidence in [0, 1] but got " + confidence);
    }
    int m = binOf(confidence);
    count[m]++;
    confidenceSum[m] += confidence;
    if (isCorrect) {
      correct[m]++;
    }
    total++;
  }

  private int binOf(double confidence) {
    // Bin m covers (m/M, (m+1)/M]; ceil(conf·M) − 1, with 0 sent to the first bin.
    int m = (int) Math.ceil(confidence * bins) - 1;
    return Math.max(0, Math.min(bins - 1, m));
  }

  /**
   * @return the ECE, a fraction in [0, 1]; NaN when nothing was counted
   */
  public double value() {
    if (total == 0) {
      return Double.NaN;
    }
    double ece = 0;
    for (int m = 0; m < bins; m++) {
      if (count[m] > 0) {
        double acc = (double) correct[m] / count[m];
        double conf = confidenceSum[m] / count[m];
        ece += (double) count[m] / total * Math.abs(acc - conf);
      }
    }
    return ece;
  }

  /**
   * @return the reliability diagram, one entry per bin in increasing confidence. Never null.
   */
  public List<Bin> bins() {
    List<Bin> out = new ArrayList<>(bins);
    for (int m = 0; m < bins; m++) {
      out.add(
          new Bin(
              (double) m / bins,
              (double) (m + 1) / bins,
              count[m],
              count[m] == 0 ? Double.NaN : confidenceSum[m] / count[m],
              count[m] == 0 ? Double.NaN : (double) correct[m] / count[m]));
    }
    return out;
  }

  /**
   * @return the number of counted predictions
   */
  public long total() {
    return total;
  }
}
