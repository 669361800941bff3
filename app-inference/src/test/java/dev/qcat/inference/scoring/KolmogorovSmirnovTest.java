package dev.qcat.inference.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KolmogorovSmirnovTest {

  @Test
  void sameSampleGivesZero() {
    assertEquals(
        0.0,
        KolmogorovSmirnov.statistic(new double[] {0.3, 0.9, 0.5}, new double[] {0.9, 0.5, 0.3}));
  }

  @Test
  void disjointSamplesGiveOne() {
    assertEquals(
        1.0, KolmogorovSmirnov.statistic(new double[] {0.9, 0.95}, new double[] {0.3, 0.4, 0.5}));
  }

  @Test
  void overlappingSamplesMatchHandComputedValue() {
    // F1 steps at 1,2,3,4; F2 at 3,4,5,6. x=2: F1=0.5, F2=0 -> 0.5; x=3: 0.75 vs 0.25; x=4: 1 vs
    // 0.5; x=5: 1 vs 0.75. D = 0.5.
    assertEquals(
        0.5, KolmogorovSmirnov.statistic(new double[] {4, 2, 3, 1}, new double[] {3, 4, 5, 6}));
  }

  @Test
  void tiesStepBothFunctionsTogether() {
    // a = (1,1,2), b = (1,2,2): x=1: F1=2/3, F2=1/3 -> 1/3; x=2: 1 vs 1 -> 0. D = 1/3.
    // Stepping one sample at a time would report 2/3 at x=1 before b's copy of 1 is counted.
    assertEquals(
        1.0 / 3,
        KolmogorovSmirnov.statistic(new double[] {1, 1, 2}, new double[] {1, 2, 2}),
        1e-15);
  }

  @Test
  void unequalSizes() {
    // a = (0.1, 0.2), b = (0.15, 0.25, 0.35, 0.45): x=0.1: 1/2 vs 0; x=0.15: 1/2 vs 1/4; x=0.2:
    // 1 vs 1/4 -> 3/4. D = 0.75.
    assertEquals(
        0.75,
        KolmogorovSmirnov.statistic(
            new double[] {0.1, 0.2}, new double[] {0.15, 0.25, 0.35, 0.45}));
  }

  @Test
  void rejectsEmptyAndNaN() {
    assertThrows(
        IllegalArgumentException.class,
        () -> KolmogorovSmirnov.statistic(new double[0], new double[] {1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> KolmogorovSmirnov.statistic(new double[] {Double.NaN}, new double[] {1}));
  }
}
