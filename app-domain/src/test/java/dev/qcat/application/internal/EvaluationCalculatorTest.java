package dev.qcat.application.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qcat.domain.model.evaluation.CategoryMetrics;
import dev.qcat.domain.model.evaluation.EvaluationFigures;
import dev.qcat.domain.model.evaluation.OperatingPoint;
import dev.qcat.domain.model.evaluation.ReliabilityBin;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationCalculatorTest {

  private static final List<String> LABELS = List.of("a", "b", "c");

  /** Four examples, hand-checked: two right (a, b), c predicted as a, a predicted as c. */
  private static List<double[]> rows() {
    return List.of(
        ln(0.6, 0.3, 0.1), // true a → a, 0.6
        ln(0.2, 0.7, 0.1), // true b → b, 0.7
        ln(0.5, 0.1, 0.4), // true c → a, 0.5
        ln(0.1, 0.1, 0.8)); // true a → c, 0.8
  }

  private static final int[] ACTUAL = {0, 1, 2, 0};

  private static double[] ln(double... p) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = Math.log(p[i]);
    }
    return out;
  }

  @Test
  void handCheckedFiguresAtTemperatureOne() {
    EvaluationFigures f = EvaluationCalculator.compute(LABELS, rows(), ACTUAL, 3, 1.0, 0.65);

    assertEquals(4, f.examples());
    assertEquals(3, f.skipped());
    assertEquals(0.5, f.accuracy(), 1e-12);
    // F1: a = 0.5 (P 1/2, R 1/2), b = 1, c = 0  → macro (0.5 + 1 + 0) / 3
    assertEquals(0.5, f.macroF1(), 1e-12);
    assertEquals(
        List.of(
            new CategoryMetrics("a", 0.5, 0.5, 0.5, 2),
            new CategoryMetrics("b", 1.0, 1.0, 1.0, 1),
            new CategoryMetrics("c", 0.0, 0.0, 0.0, 1)),
        f.perCategory());
    assertArrayEquals(new long[] {1, 0, 1}, f.confusion().counts()[0]);
    assertArrayEquals(new long[] {0, 1, 0}, f.confusion().counts()[1]);
    assertArrayEquals(new long[] {1, 0, 0}, f.confusion().counts()[2]);
    // Each confidence in its own bin: (|1−.6| + |1−.7| + |0−.5| + |0−.8|) / 4
    assertEquals(0.5, f.ece(), 1e-9);
    assertEquals(0.5, f.eceUncalibrated(), 1e-9);
    double nll = -(Math.log(0.6) + Math.log(0.7) + Math.log(0.4) + Math.log(0.1)) / 4;
    assertEquals(nll, f.nll(), 1e-9);
    // Threshold 0.65: 0.7 (right) and 0.8 (wrong) auto-routed, 0.6 and 0.5 to review.
    assertEquals(0.65, f.threshold());
    assertEquals(0.5, f.reviewShare(), 1e-12);
    assertEquals(0.5, f.autoAccuracy(), 1e-12);
    assertEquals(15, f.reliability().size());
    assertEquals(4, f.reliability().stream().mapToLong(ReliabilityBin::count).sum());
  }

  @Test
  void operatingCurveRunsFromHalfToNinetyFivePercentInHundredths() {
    List<OperatingPoint> curve =
        EvaluationCalculator.compute(LABELS, rows(), ACTUAL, 0, 1.0, 0.75).operatingCurve();

    assertEquals(46, curve.size());
    assertEquals(0.50, curve.get(0).threshold());
    assertEquals(0.95, curve.get(45).threshold());
    OperatingPoint at55 = curve.get(5); // 0.6, 0.7, 0.8 pass; 2 of them right
    assertEquals(0.55, at55.threshold());
    assertEquals(0.25, at55.reviewShare(), 1e-12);
    assertEquals(3, at55.autoRouted());
    assertEquals(2.0 / 3, at55.autoAccuracy(), 1e-12);
    OperatingPoint at90 = curve.get(40); // nothing passes
    assertEquals(1.0, at90.reviewShare(), 1e-12);
    assertEquals(0, at90.autoRouted());
    assertEquals(Double.NaN, at90.autoAccuracy());
  }

  @Test
  void temperatureSoftensConfidencesButKeepsPredictions() {
    EvaluationFigures hot = EvaluationCalculator.compute(LABELS, rows(), ACTUAL, 0, 2.0, 0.75);

    assertEquals(0.5, hot.accuracy(), 1e-12);
    assertEquals(2.0, hot.temperature());
    double c = Math.sqrt(0.6) / (Math.sqrt(0.6) + Math.sqrt(0.3) + Math.sqrt(0.1));
    assertEquals(c, EvaluationCalculator.confidence(rows().get(0), 0, 2.0), 1e-12);
    double nll = 0;
    for (int i = 0; i < ACTUAL.length; i++) {
      double[] s = rows().get(i);
      double z = 0;
      for (double v : s) {
        z += Math.exp(v / 2);
      }
      nll -= s[ACTUAL[i]] / 2 - Math.log(z);
    }
    assertEquals(nll / 4, hot.nll(), 1e-9);
    // The uncalibrated ECE does not depend on the temperature.
    assertEquals(0.5, hot.eceUncalibrated(), 1e-9);
  }

  @Test
  void fittedTemperatureMinimisesNll() {
    EvaluationFigures f = EvaluationCalculator.compute(LABELS, rows(), ACTUAL, 0, 1.0, 0.75);
    double t = f.fittedTemperature();
    double at = EvaluationCalculator.compute(LABELS, rows(), ACTUAL, 0, t, 0.75).nll();
    double below = EvaluationCalculator.compute(LABELS, rows(), ACTUAL, 0, t * 0.9, 0.75).nll();
    double above = EvaluationCalculator.compute(LABELS, rows(), ACTUAL, 0, t * 1.1, 0.75).nll();
    assertEquals(true, at <= below && at <= above, "NLL " + below + " " + at + " " + above);
  }

  @Test
  void rejectsNoExamples() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EvaluationCalculator.compute(LABELS, List.of(), new int[0], 5, 1.0, 0.75));
    assertEquals("nothing to evaluate: no example of a scored category", e.getMessage());
  }
}
