package dev.qcat.domain.model.drift;

import dev.qcat.inference.scoring.ClassificationReport;
import dev.qcat.inference.scoring.ConfusionMatrix;
import dev.qcat.inference.scoring.KolmogorovSmirnov;
import dev.qcat.inference.scoring.PopulationStabilityIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The figures and verdict of one drift check, computed from what the check observed (no I/O):
 *
 * <ul>
 *   <li>accuracy, macro-F1 and per-category recall of the ACTIVE model on the evolving validation
 *       set (golden set + recently reviewed examples);
 *   <li>PSI ({@link PopulationStabilityIndex}, ε = 1e-4) of the live predicted-category mix against
 *       the training mix as the model predicts it: the training mix pushed through the model's
 *       row-normalised confusion matrix on the validation set, Σ_c train(c)·P(predicted j | true c)
 *       (a category without validation examples counts as predicted right). For a perfect model
 *       this is the training mix itself; for a model with a systematic bias (it favours some
 *       categories) it is what that model predicts on traffic distributed like its training data,
 *       so the bias alone is not taken for drift;
 *   <li>two-sample KS statistic ({@link KolmogorovSmirnov}) of live confidences against the
 *       confidences on the validation set;
 *   <li>review rate (share of live predictions routed to review for low confidence) and accuracy on
 *       the random audit share.
 * </ul>
 *
 * The verdict is DRIFT if any figure is past its drift threshold, WARN if any is past its warning
 * threshold, else OK; the reason names every figure past a threshold. Live figures are judged only
 * when at least {@link DriftPolicy#minLivePredictions()} live predictions (audited reviews for the
 * audit accuracy) exist.
 *
 * @param validationExamples examples scored
 * @param accuracy fraction in [0, 1]; NaN without validation examples
 * @param macroF1 fraction in [0, 1]; NaN without validation examples
 * @param perCategory figures per category, in the taxonomy's order
 * @param livePredictions live predictions in the window
 * @param psi PSI ≥ 0; NaN when there are no live predictions or no training mix
 * @param ks KS statistic in [0, 1]; NaN without live predictions or validation examples
 * @param reviewRate fraction in [0, 1]; NaN without live predictions
 * @param auditExamples audited predictions resolved in the window
 * @param auditAccuracy fraction in [0, 1]; NaN without audited predictions
 * @param verdict OK, WARN or DRIFT
 * @param reason the figures past a threshold, or why the check is OK
 */
public record DriftAssessment(
    int validationExamples,
    double accuracy,
    double macroF1,
    List<CategoryFigures> perCategory,
    int livePredictions,
    double psi,
    double ks,
    double reviewRate,
    int auditExamples,
    double auditAccuracy,
    DriftVerdict verdict,
    String reason) {

  /**
   * Figures of one category.
   *
   * @param name category name
   * @param support validation examples whose true category this is
   * @param recall fraction in [0, 1]; NaN without support
   * @param trainingShare share of the training mix, fraction in [0, 1]
   * @param liveShare share of live predictions, fraction in [0, 1]; NaN without live predictions
   */
  public record CategoryFigures(
      String name, long support, double recall, double trainingShare, double liveShare) {}

  /**
   * What a drift check observed.
   *
   * @param categories the taxonomy's active categories, in order
   * @param truth true category index per validation example
   * @param predicted predicted category index per validation example
   * @param confidence calibrated confidence of each validation prediction, fraction in [0, 1]
   * @param trainingCounts training examples per category (the training mix)
   * @param liveCounts live predictions per predicted category
   * @param liveConfidences confidence of each live prediction, fraction in [0, 1]
   * @param liveReviewed live predictions routed to review for low confidence
   * @param auditExamples audited predictions resolved by a reviewer
   * @param auditCorrect of those, how many the model had right
   */
  public record Observations(
      List<String> categories,
      int[] truth,
      int[] predicted,
      double[] confidence,
      double[] trainingCounts,
      double[] liveCounts,
      double[] liveConfidences,
      int liveReviewed,
      int auditExamples,
      int auditCorrect) {

    /**
     * @throws IllegalArgumentException if array lengths disagree
     */
    public Observations {
      Objects.requireNonNull(categories, "categories are required.");
      int n = categories.size();
      if (truth.length != predicted.length || truth.length != confidence.length) {
        throw new IllegalArgumentException(
            "expected as many predictions and confidences as validation examples ("
                + truth.length
                + ") but got "
                + predicted.length
                + " and "
                + confidence.length);
      }
      if (trainingCounts.length != n || liveCounts.length != n) {
        throw new IllegalArgumentException(
            "expected one training and one live count per category (" + n + ")");
      }
    }
  }

  /**
   * @return the figures and verdict. Never null.
   */
  public static DriftAssessment assess(Observations o, DriftPolicy policy) {
    List<String> cats = o.categories();
    int n = o.truth().length;
    double accuracy = Double.NaN;
    double macroF1 = Double.NaN;
    ConfusionMatrix cm = null;
    if (n > 0) {
      ClassificationReport report = new ClassificationReport(cats, 0.0);
      for (int i = 0; i < n; i++) {
        report.add(o.truth()[i], o.predicted()[i], o.confidence()[i]);
      }
      accuracy = report.accuracy();
      macroF1 = report.macroF1();
      cm = report.confusionMatrix();
    }
    double live = sum(o.liveCounts());
    double training = sum(o.trainingCounts());
    List<CategoryFigures> per = new ArrayList<>(cats.size());
    for (int c = 0; c < cats.size(); c++) {
      long support = cm == null ? 0 : cm.support(c);
      per.add(
          new CategoryFigures(
              cats.get(c),
              support,
              support == 0 ? Double.NaN : cm.recall(c),
              training == 0 ? 0 : o.trainingCounts()[c] / training,
              live == 0 ? Double.NaN : o.liveCounts()[c] / live));
    }
    int liveN = o.liveConfidences().length;
    double psi =
        live == 0 || training == 0
            ? Double.NaN
            : PopulationStabilityIndex.of(
                expectedPredictedMix(o.trainingCounts(), o.truth(), o.predicted()), o.liveCounts());
    double ks =
        liveN == 0 || n == 0
            ? Double.NaN
            : KolmogorovSmirnov.statistic(o.liveConfidences(), o.confidence());
    double reviewRate = liveN == 0 ? Double.NaN : (double) o.liveReviewed() / liveN;
    double auditAccuracy =
        o.auditExamples() == 0 ? Double.NaN : (double) o.auditCorrect() / o.auditExamples();

    List<String> drift = new ArrayList<>();
    List<String> warn = new ArrayList<>();
    below("accuracy", accuracy, policy.minAccuracyWarn(), policy.minAccuracyDrift(), warn, drift);
    below("macro-F1", macroF1, policy.minMacroF1Warn(), policy.minMacroF1Drift(), warn, drift);
    boolean enoughLive = liveN >= policy.minLivePredictions();
    if (enoughLive) {
      above("PSI", psi, policy.psiWarn(), policy.psiDrift(), warn, drift);
      above("KS", ks, policy.ksWarn(), policy.ksDrift(), warn, drift);
      above(
          "review rate",
          reviewRate,
          policy.maxReviewRateWarn(),
          policy.maxReviewRateDrift(),
          warn,
          drift);
    }
    if (o.auditExamples() >= policy.minLivePredictions()) {
      below(
          "audit accuracy",
          auditAccuracy,
          policy.minAccuracyWarn(),
          policy.minAccuracyDrift(),
          warn,
          drift);
    }
    DriftVerdict verdict =
        !drift.isEmpty()
            ? DriftVerdict.DRIFT
            : !warn.isEmpty() ? DriftVerdict.WARN : DriftVerdict.OK;
    List<String> notes = new ArrayList<>(drift);
    notes.addAll(warn);
    if (n == 0) {
      notes.add("no validation examples (golden set empty, nothing reviewed recently)");
    }
    if (!enoughLive) {
      notes.add(
          String.format(
              Locale.ROOT,
              "%d live predictions in the window; PSI, KS and review rate are judged from %d",
              liveN,
              policy.minLivePredictions()));
    }
    String reason =
        (verdict == DriftVerdict.OK ? "every judged figure within its thresholds" : "")
            + (verdict == DriftVerdict.OK && !notes.isEmpty() ? "; " : "")
            + String.join("; ", notes);
    return new DriftAssessment(
        n,
        accuracy,
        macroF1,
        List.copyOf(per),
        liveN,
        psi,
        ks,
        reviewRate,
        o.auditExamples(),
        auditAccuracy,
        verdict,
        reason);
  }

  private static void below(
      String name, double v, double warnAt, double driftAt, List<String> warn, List<String> drift) {
    if (Double.isNaN(v)) {
      return;
    }
    if (v < driftAt) {
      drift.add(
          String.format(Locale.ROOT, "%s %.4f below the drift threshold %.4f", name, v, driftAt));
    } else if (v < warnAt) {
      warn.add(
          String.format(Locale.ROOT, "%s %.4f below the warning threshold %.4f", name, v, warnAt));
    }
  }

  private static void above(
      String name, double v, double warnAt, double driftAt, List<String> warn, List<String> drift) {
    if (Double.isNaN(v)) {
      return;
    }
    if (v > driftAt) {
      drift.add(
          String.format(Locale.ROOT, "%s %.4f above the drift threshold %.4f", name, v, driftAt));
    } else if (v > warnAt) {
      warn.add(
          String.format(Locale.ROOT, "%s %.4f above the warning threshold %.4f", name, v, warnAt));
    }
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  /**
   * The training mix as a model with these validation predictions would predict it: {@code
   * expected[j] = Σ_c train[c] · n(c → j) / n(c)}, with n(c → j) the validation examples of true
   * category c predicted as j; a category without validation examples keeps its mass on itself.
   *
   * @param trainingCounts training examples per category, length K
   * @param truth true category index of each validation example
   * @param predicted predicted category index of each validation example
   * @return expected predicted counts per category, length K, summing to Σ trainingCounts. Never
   *     null.
   */
  static double[] expectedPredictedMix(double[] trainingCounts, int[] truth, int[] predicted) {
    int k = trainingCounts.length;
    double[][] confusion = new double[k][k];
    double[] support = new double[k];
    for (int i = 0; i < truth.length; i++) {
      confusion[truth[i]][predicted[i]]++;
      support[truth[i]]++;
    }
    double[] expected = new double[k];
    for (int c = 0; c < k; c++) {
      if (support[c] == 0) {
        expected[c] += trainingCounts[c];
        continue;
      }
      for (int j = 0; j < k; j++) {
        expected[j] += trainingCounts[c] * confusion[c][j] / support[c];
      }
    }
    return expected;
  }
}
