package dev.qcat.application.internal;

import dev.qcat.domain.model.evaluation.CategoryMetrics;
import dev.qcat.domain.model.evaluation.ConfusionCounts;
import dev.qcat.domain.model.evaluation.EvaluationFigures;
import dev.qcat.domain.model.evaluation.OperatingPoint;
import dev.qcat.domain.model.evaluation.ReliabilityBin;
import dev.qcat.inference.calibration.OperatingCurve;
import dev.qcat.inference.calibration.TemperatureScaling;
import dev.qcat.inference.scoring.ClassificationReport;
import dev.qcat.inference.scoring.ConfusionMatrix;
import dev.qcat.inference.scoring.ExpectedCalibrationError;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns per-example log-probabilities into {@link EvaluationFigures} with app-inference's {@code
 * ClassificationReport} (accuracy, macro-F1, per-class metrics, confusion matrix, ECE with 15
 * bins), {@code TemperatureScaling} (NLL, fitted T; Guo et al. 2017) and {@code OperatingCurve}.
 *
 * <p>Confidence of category c at temperature T: exp(s_c / T) / Σ_k exp(s_k / T) with s = log P(· |
 * prompt), computed with the maximum subtracted (as the serving path's {@code Calibration}); the
 * prediction is the argmax, which T does not change.
 */
final class EvaluationCalculator {

  private EvaluationCalculator() {}

  /**
   * @return the thresholds 0.50, 0.51, …, 0.95 (46 values), each rounded to two decimals
   */
  static double[] curveThresholds() {
    double[] t = new double[46];
    for (int i = 0; i < t.length; i++) {
      t[i] = (50 + i) / 100.0;
    }
    return t;
  }

  /**
   * Computes the figures.
   *
   * @param labels scored category names, ≥ 1
   * @param logProbs per example, natural-log score of each label (−∞ allowed, not all)
   * @param actual per example, the index of the true label
   * @param skipped examples left out before scoring, ≥ 0
   * @param temperature calibration temperature T > 0
   * @param threshold review threshold, fraction in [0, 1]
   * @return the figures. Never null.
   * @throws IllegalArgumentException if there are no examples, lengths disagree, an index is out of
   *     range, or a row is all −∞
   */
  static EvaluationFigures compute(
      List<String> labels,
      List<double[]> logProbs,
      int[] actual,
      int skipped,
      double temperature,
      double threshold) {
    Objects.requireNonNull(labels, "labels are required.");
    if (logProbs.size() != actual.length) {
      throw new IllegalArgumentException(
          logProbs.size() + " score rows but " + actual.length + " true labels");
    }
    if (actual.length == 0) {
      throw new IllegalArgumentException("nothing to evaluate: no example of a scored category");
    }
    int n = actual.length;
    ClassificationReport report = new ClassificationReport(labels, threshold);
    ExpectedCalibrationError uncalibrated = new ExpectedCalibrationError();
    double[] confidences = new double[n];
    boolean[] correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      double[] s = logProbs.get(i);
      if (s.length != labels.size()) {
        throw new IllegalArgumentException(
            "row " + i + " has " + s.length + " scores but there are " + labels.size() + " labels");
      }
      int predicted = argmax(s);
      if (predicted < 0) {
        throw new IllegalArgumentException("row " + i + ": every label has probability 0");
      }
      confidences[i] = confidence(s, predicted, temperature);
      correct[i] = predicted == actual[i];
      report.add(actual[i], predicted, confidences[i]);
      uncalibrated.add(confidence(s, predicted, 1.0), correct[i]);
    }
    double fitted;
    try {
      fitted =
          labels.size() < 2 ? Double.NaN : TemperatureScaling.fit(logProbs, actual).temperature();
    } catch (IllegalArgumentException e) {
      fitted = Double.NaN; // every true category pruned: nothing to fit
    }
    List<CategoryMetrics> perCategory = new ArrayList<>();
    for (ClassificationReport.ClassMetrics m : report.perClass()) {
      perCategory.add(
          new CategoryMetrics(m.label(), m.precision(), m.recall(), m.f1(), m.support()));
    }
    List<OperatingPoint> curve = new ArrayList<>();
    for (OperatingCurve.Point p : OperatingCurve.compute(confidences, correct, curveThresholds())) {
      curve.add(
          new OperatingPoint(p.threshold(), p.reviewShare(), p.autoRouted(), p.autoAccuracy()));
    }
    return new EvaluationFigures(
        n,
        skipped,
        report.accuracy(),
        report.macroF1(),
        report.expectedCalibrationError(),
        uncalibrated.value(),
        TemperatureScaling.nll(logProbs, actual, temperature),
        temperature,
        fitted,
        threshold,
        1 - report.autoRoutedShare(),
        report.autoRoutedAccuracy(),
        perCategory,
        counts(report.confusionMatrix()),
        bins(report.calibration()),
        bins(uncalibrated),
        curve);
  }

  private static int argmax(double[] s) {
    int best = -1;
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < s.length; c++) {
      if (s[c] > max) {
        max = s[c];
        best = c;
      }
    }
    return best;
  }

  /** Softmax of s / T at index c, with the maximum subtracted; in [0, 1]. */
  static double confidence(double[] s, int c, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v / temperature);
    }
    double sum = 0;
    for (double v : s) {
      sum += Math.exp(v / temperature - max);
    }
    return Math.min(1.0, Math.exp(s[c] / temperature - max) / sum);
  }

  private static ConfusionCounts counts(ConfusionMatrix m) {
    long[][] c = new long[m.size()][m.size()];
    for (int i = 0; i < c.length; i++) {
      for (int j = 0; j < c.length; j++) {
        c[i][j] = m.count(i, j);
      }
    }
    return new ConfusionCounts(m.labels(), c);
  }

  private static List<ReliabilityBin> bins(ExpectedCalibrationError ece) {
    return ece.bins().stream()
        .map(
            b ->
                new ReliabilityBin(
                    b.lower(), b.upper(), b.count(), b.meanConfidence(), b.accuracy()))
        .toList();
  }
}
