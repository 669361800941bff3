package dev.qcat.inference.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {

  /**
   * Rows actual, columns predicted: A [5 1 0], B [2 3 1], C [0 0 4]. By hand: P = 5/7, 3/4, 4/5; R
   * = 5/6, 1/2, 1; F1 = 10/13, 3/5, 8/9; macro-F1 = (10/13 + 3/5 + 8/9) / 3; accuracy 12/16.
   */
  private static ConfusionMatrix threeClass() {
    ConfusionMatrix m = new ConfusionMatrix(List.of("A", "B", "C"));
    int[][] counts = {{5, 1, 0}, {2, 3, 1}, {0, 0, 4}};
    for (int a = 0; a < 3; a++) {
      for (int p = 0; p < 3; p++) {
        for (int k = 0; k < counts[a][p]; k++) {
          m.add(a, p);
        }
      }
    }
    return m;
  }

  @Test
  void macroF1OfAThreeClassMatrixMatchesTheHandValue() {
    ConfusionMatrix m = threeClass();
    assertEquals(0.75, m.accuracy(), 1e-12);
    assertEquals(5.0 / 7, m.precision(0), 1e-12);
    assertEquals(5.0 / 6, m.recall(0), 1e-12);
    assertEquals(10.0 / 13, m.f1(0), 1e-12);
    assertEquals(3.0 / 5, m.f1(1), 1e-12);
    assertEquals(8.0 / 9, m.f1(2), 1e-12);
    assertEquals((10.0 / 13 + 3.0 / 5 + 8.0 / 9) / 3, m.macroF1(), 1e-12);
    assertEquals(6, m.support(1));
    assertEquals(7, m.predictedCount(0));
  }

  @Test
  void classesAbsentFromBothSidesDoNotCountInMacroF1() {
    ConfusionMatrix m = new ConfusionMatrix(List.of("A", "B", "unused"));
    m.add(0, 0);
    m.add(1, 0);
    // A: P 1/2, R 1, F1 2/3; B: P 0 (never predicted), R 0, F1 0; "unused" absent.
    assertEquals(List.of(0, 1), m.presentClasses());
    assertEquals((2.0 / 3 + 0) / 2, m.macroF1(), 1e-12);
    assertEquals(0, m.precision(1));
  }

  @Test
  void eceWithFifteenBinsMatchesTheHandValue() {
    ExpectedCalibrationError ece = new ExpectedCalibrationError();
    ece.add(0.95, true);
    ece.add(0.95, false);
    ece.add(0.5, true);
    ece.add(0.0, false);
    // Bin 14: 2/4·|0.5 − 0.95| = 0.225; bin 7: 1/4·|1 − 0.5| = 0.125; bin 0: 0.
    assertEquals(0.35, ece.value(), 1e-12);
    assertEquals(15, ece.bins().size());
    assertEquals(2, ece.bins().get(14).count());
    assertEquals(1, ece.bins().get(7).count());
    assertEquals(1, ece.bins().get(0).count());
  }

  @Test
  void binEdgesAreRightInclusive() {
    ExpectedCalibrationError ece = new ExpectedCalibrationError(10);
    ece.add(0.2, true); // (0.1, 0.2] → bin 1
    ece.add(1.0, true); // bin 9
    ece.add(0.21, true); // bin 2
    assertEquals(1, ece.bins().get(1).count());
    assertEquals(1, ece.bins().get(2).count());
    assertEquals(1, ece.bins().get(9).count());
  }

  @Test
  void perfectlyCalibratedPredictionsHaveZeroEce() {
    ExpectedCalibrationError ece = new ExpectedCalibrationError();
    for (int i = 0; i < 4; i++) {
      ece.add(0.75, i < 3);
    }
    assertEquals(0, ece.value(), 1e-12);
  }

  @Test
  void routingShareAndAccuracyAtTheThreshold() {
    ClassificationReport r = new ClassificationReport(List.of("A", "B"), 0.75);
    r.add(0, 0, 0.9); // auto, correct
    r.add(1, 0, 0.8); // auto, wrong
    r.add(1, 1, 0.75); // auto (≥), correct
    r.add(0, 1, 0.4); // review
    assertEquals(0.75, r.autoRoutedShare(), 1e-12);
    assertEquals(2.0 / 3, r.autoRoutedAccuracy(), 1e-12);
    assertEquals(0.5, r.accuracy(), 1e-12);
    assertEquals(2, r.perClass().get(0).support());
    assertTrue(Double.isNaN(new ClassificationReport(List.of("A"), 0.75).autoRoutedAccuracy()));
  }
}
