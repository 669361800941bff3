package dev.qcat.application.internal;

/**
 * Whether one category's recall really fell between two models scored on the same questions: the
 * one-sided exact McNemar test (a sign test on the discordant pairs).
 *
 * <p>Of a category's questions, b are answered right only by the ACTIVE model and c only by the
 * candidate. If the two models were equally good on this category, each of the b + c discordant
 * questions would go either way with probability ½, so the p-value of "the candidate is worse" is
 * P(X ≥ b) for X ~ Binomial(b + c, ½). Source: McNemar 1947, "Note on the sampling error of the
 * difference between correlated proportions or percentages", Psychometrika 12(2); exact form as in
 * Fagerland, Lydersen &amp; Laake 2013, BMC Med Res Methodol 13:91.
 *
 * <p>Used by the promotion gate so that on a small golden set (6 questions per category, say) a
 * drop of one or two questions, which is more than the recall margin, does not refuse a candidate
 * on noise alone, while a category that collapses (6 of 6 lost) still does (p = 1/64).
 */
final class RecallDropTest {

  /** Significance level of the gate's recall rule. */
  static final double ALPHA = 0.05;

  private RecallDropTest() {}

  /**
   * @param onlyActive questions of the category only the ACTIVE model gets right, ≥ 0
   * @param onlyCandidate questions of the category only the candidate gets right, ≥ 0
   * @return one-sided p-value in (0, 1]; 1 when there is no discordant question
   * @throws IllegalArgumentException if a count is negative
   */
  static double pValue(int onlyActive, int onlyCandidate) {
    if (onlyActive < 0 || onlyCandidate < 0) {
      throw new IllegalArgumentException(
          "expected counts >= 0 but got " + onlyActive + ", " + onlyCandidate);
    }
    int n = onlyActive + onlyCandidate;
    // P(X >= b) = sum_{i=b..n} C(n, i) / 2^n, in log space to stay finite for large n
    double p = 0;
    for (int i = onlyActive; i <= n; i++) {
      p += Math.exp(logChoose(n, i) - n * Math.log(2));
    }
    return Math.min(1, p);
  }

  private static double logChoose(int n, int k) {
    double s = 0;
    for (int i = 1; i <= k; i++) {
      s += Math.log(n - k + i) - Math.log(i);
    }
    return s;
  }
}
