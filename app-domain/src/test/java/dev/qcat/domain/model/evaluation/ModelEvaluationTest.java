package dev.qcat.domain.model.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.domain.model.modelversion.ModelVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelEvaluationTest {

  private static EvaluationFigures figures() {
    return new EvaluationFigures(
        3,
        1,
        2.0 / 3,
        0.6,
        0.1,
        0.2,
        Double.NaN,
        1.5,
        Double.NaN,
        0.75,
        1.0,
        Double.NaN,
        List.of(
            new CategoryMetrics("x", 1, 0.5, 2.0 / 3, 2),
            new CategoryMetrics("y", 0.5, 1, 2.0 / 3, 1)),
        new ConfusionCounts(List.of("x", "y"), new long[][] {{1, 1}, {0, 1}}),
        List.of(
            new ReliabilityBin(0, 0.5, 0, Double.NaN, Double.NaN),
            new ReliabilityBin(0.5, 1, 3, 0.7, 2.0 / 3)),
        List.of(new ReliabilityBin(0, 1, 3, 0.9, 2.0 / 3)),
        List.of(
            new OperatingPoint(0.5, 0.0, 3, 2.0 / 3),
            new OperatingPoint(0.95, 1.0, 0, Double.NaN)));
  }

  @Test
  void structuredResultsSurviveTheJsonColumnsWithNaNAsNull() {
    ModelVersion v = new ModelVersion(new Taxonomy("t", 1), "m1", "/models/base", null, null, 1.5);
    ModelEvaluation e =
        new ModelEvaluation(v, 7, "seed", Split.TEST, "admin", Duration.ofMillis(1234), figures());

    assertEquals(figures().perCategory(), e.perCategory());
    assertEquals(List.of("x", "y"), e.confusion().labels());
    assertArrayEquals(new long[] {1, 1}, e.confusion().counts()[0]);
    assertArrayEquals(new long[] {0, 1}, e.confusion().counts()[1]);
    assertEquals(figures().reliability(), e.reliability());
    assertEquals(figures().reliabilityUncalibrated(), e.reliabilityUncalibrated());
    assertEquals(figures().operatingCurve(), e.operatingCurve());
    assertTrue(Double.isNaN(e.operatingCurve().get(1).autoAccuracy()));
    assertTrue(e.nll().isEmpty());
    assertTrue(e.fittedTemperature().isEmpty());
    assertTrue(e.autoAccuracy().isEmpty());
    assertEquals(1234, e.durationMs());
    assertEquals(7L, e.datasetId().orElseThrow());
  }

  @Test
  void confusionCountsMustBeSquare() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConfusionCounts(List.of("x", "y"), new long[][] {{1, 1}, {0}}));
    assertEquals("row 1 has 1 columns, expected 2", e.getMessage());
  }
}
