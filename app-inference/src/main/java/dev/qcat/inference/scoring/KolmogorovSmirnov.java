package dev.qcat.inference.scoring;

import java.util.Arrays;

/**
 * Two-sample Kolmogorov–Smirnov statistic: D = sup_x |F₁(x) − F₂(x)|, the largest distance between
 * the empirical distribution functions of two samples (Kolmogorov 1933, Smirnov 1948; as {@code
 * scipy.stats.ks_2samp}'s statistic). Ties are handled exactly: both functions step past every copy
 * of a value before the distance is taken.
 *
 * <p>qcat compares the confidences of live predictions with those of the validation set: a model
 * facing questions unlike its training data becomes less sure, which moves the confidence
 * distribution even when no label is known yet.
 */
public final class KolmogorovSmirnov {

  private KolmogorovSmirnov() {}

  /**
   * @param sample1 first sample, at least one value, no NaN (not modified)
   * @param sample2 second sample, at least one value, no NaN (not modified)
   * @return D, fraction in [0, 1]
   * @throws IllegalArgumentException if a sample is empty or holds NaN
   */
  public static double statistic(double[] sample1, double[] sample2) {
    double[] a = sorted(sample1, "first");
    double[] b = sorted(sample2, "second");
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < a.length && j < b.length) {
      double x = Math.min(a[i], b[j]);
      while (i < a.length && a[i] == x) {
        i++;
      }
      while (j < b.length && b[j] == x) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / a.length - (double) j / b.length));
    }
    return d;
  }

  private static double[] sorted(double[] sample, String which) {
    if (sample.length == 0) {
      throw new IllegalArgumentException("the " + which + " sample is empty");
    }
    double[] s = sample.clone();
    for (double v : s) {
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("the " + which + " sample holds NaN");
      }
    }
    Arrays.sort(s);
    return s;
  }
}
