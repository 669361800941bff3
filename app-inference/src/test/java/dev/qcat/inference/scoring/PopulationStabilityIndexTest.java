package dev.qcat.inference.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PopulationStabilityIndexTest {

  @Test
  void identicalSharesGiveZero() {
    assertEquals(
        0.0, PopulationStabilityIndex.of(new double[] {5, 3, 2}, new double[] {50, 30, 20}));
  }

  @Test
  void twoBinsMatchHandComputedValue() {
    // e = (0.5, 0.5), a = (0.25, 0.75):
    // (0.25-0.5)·ln(0.25/0.5) + (0.75-0.5)·ln(0.75/0.5) = 0.1732868 + 0.1013663 = 0.2746531
    assertEquals(
        0.2746531, PopulationStabilityIndex.of(new double[] {10, 10}, new double[] {1, 3}), 1e-7);
  }

  @Test
  void threeBinsMatchHandComputedValue() {
    // e = (0.5, 0.3, 0.2), a = (0.3, 0.3, 0.4):
    // -0.2·ln(0.6) + 0 + 0.2·ln(2) = 0.1021651 + 0.1386294 = 0.2407946
    assertEquals(
        0.2407946,
        PopulationStabilityIndex.of(new double[] {50, 30, 20}, new double[] {3, 3, 4}),
        1e-7);
  }

  @Test
  void emptyBinUsesEpsilon() {
    // e = (1, 0 -> 1e-4), a = (0.5, 0.5):
    // (0.5-1)·ln(0.5) + (0.5-1e-4)·ln(0.5/1e-4) = 0.3465736 + 4.2577449 = 4.6043185
    assertEquals(
        4.6043185,
        PopulationStabilityIndex.of(new double[] {10, 0}, new double[] {5, 5}, 1e-4),
        1e-7);
  }

  @Test
  void rejectsMismatchedBinsAndEmptySides() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PopulationStabilityIndex.of(new double[] {1, 2}, new double[] {1, 2, 3}));
    assertThrows(
        IllegalArgumentException.class,
        () -> PopulationStabilityIndex.of(new double[] {0, 0}, new double[] {1, 2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> PopulationStabilityIndex.of(new double[] {-1, 2}, new double[] {1, 2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> PopulationStabilityIndex.of(new double[] {1, 2}, new double[] {1, 2}, 0));
  }
}
