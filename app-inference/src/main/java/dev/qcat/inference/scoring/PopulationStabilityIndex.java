package dev.qcat.inference.scoring;

/**
 * Population stability index of an actual distribution against an expected one over the same bins:
 * PSI = Σ_i (a_i − e_i) · ln(a_i / e_i), where e_i and a_i are the shares of bin i.
 *
 * <p>An empty bin would make the logarithm infinite, so a share of 0 is replaced by {@code epsilon}
 * (the shares are not renormalised), the usual practice described by Yurdakul 2018 ("Statistical
 * Properties of Population Stability Index", Western Michigan University) and Siddiqi 2006 ("Credit
 * Risk Scorecards", Wiley), who also give the customary reading: below 0.1 no significant shift,
 * 0.1–0.25 a moderate shift, above 0.25 a major shift.
 *
 * <p>qcat uses it on the predicted-category mix (one bin per category) of live predictions against
 * the training data's category mix.
 */
public final class PopulationStabilityIndex {

  /** Share used for an empty bin unless the caller gives another: 1e-4. */
  public static final double DEFAULT_EPSILON = 1e-4;

  private PopulationStabilityIndex() {}

  /**
   * @param expected counts per bin of the reference distribution (e.g. training examples per
   *     category), each ≥ 0, not all 0
   * @param actual counts per bin of the observed distribution, same bins and length, each ≥ 0, not
   *     all 0
   * @param epsilon share substituted for an empty bin, in (0, 1)
   * @return the PSI, ≥ 0 (0 for identical shares)
   * @throws IllegalArgumentException if the lengths differ, a count is negative or NaN, a side is
   *     all zero, or epsilon is out of range
   */
  public static double of(double[] expected, double[] actual, double epsilon) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException(
          "expected the same bins on both sides but got "
              + expected.length
              + " expected and "
              + actual.length
              + " actual counts");
    }
    if (!(epsilon > 0 && epsilon < 1)) {
      throw new IllegalArgumentException("expected epsilon in (0, 1) but got " + epsilon);
    }
    double[] e = shares(expected, "expected");
    double[] a = shares(actual, "actual");
    double psi = 0;
    for (int i = 0; i < e.length; i++) {
      double ei = e[i] == 0 ? epsilon : e[i];
      double ai = a[i] == 0 ? epsilon : a[i];
      psi += (ai - ei) * Math.log(ai / ei);
    }
    return psi;
  }

  /**
   * {@link #of(double[], double[], double)} with {@link #DEFAULT_EPSILON}.
   *
   * @return the PSI, ≥ 0
   */
  public static double of(double[] expected, double[] actual) {
    return of(expected, actual, DEFAULT_EPSILON);
  }

  private static double[] shares(double[] counts, String side) {
    double total = 0;
    for (int i = 0; i < counts.length; i++) {
      if (!(counts[i] >= 0) || Double.isInfinite(counts[i])) {
        throw new IllegalArgumentException(
            "expected " + side + " count of bin " + i + " >= 0 but got " + counts[i]);
      }
      total += counts[i];
    }
    if (total == 0) {
      throw new IllegalArgumentException("the " + side + " distribution has no observations");
    }
    double[] s = new double[counts.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = counts[i] / total;
    }
    return s;
  }
}
