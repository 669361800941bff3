package dev.qcat.infrastructure.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qcat.domain.model.question.ScoredCategory;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void temperatureOneNormalizesProbabilities() {
    // P = 0.2, 0.1, 0.1 (unnormalized) → 0.5, 0.25, 0.25
    List<ScoredCategory> top =
        Calibration.topK(
            List.of("a", "b", "c"),
            new double[] {Math.log(0.2), Math.log(0.1), Math.log(0.1)},
            1,
            3);
    assertEquals("a", top.get(0).category());
    assertEquals(0.5, top.get(0).confidence(), 1e-12);
    assertEquals(0.25, top.get(1).confidence(), 1e-12);
  }

  @Test
  void temperatureTwoTakesSquareRoots() {
    // P^(1/2): 0.8 → 0.894.., 0.2 → 0.447..; normalized 2/3, 1/3
    List<ScoredCategory> top =
        Calibration.topK(List.of("a", "b"), new double[] {Math.log(0.8), Math.log(0.2)}, 2, 1);
    assertEquals(1, top.size());
    assertEquals(2.0 / 3.0, top.get(0).confidence(), 1e-12);
  }

  @Test
  void prunedLabelsGetZero() {
    List<ScoredCategory> top =
        Calibration.topK(List.of("a", "b"), new double[] {-1, Double.NEGATIVE_INFINITY}, 1, 2);
    assertEquals(1.0, top.get(0).confidence(), 1e-12);
    assertEquals(0.0, top.get(1).confidence(), 0);
  }
}
