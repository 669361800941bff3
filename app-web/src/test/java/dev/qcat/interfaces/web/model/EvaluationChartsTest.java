package dev.qcat.interfaces.web.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qcat.application.EvaluationService.EvaluationDetail;
import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.domain.model.evaluation.CategoryMetrics;
import dev.qcat.domain.model.evaluation.ConfusionCounts;
import dev.qcat.domain.model.evaluation.OperatingPoint;
import dev.qcat.domain.model.evaluation.ReliabilityBin;
import dev.qcat.inference.scoring.ConfusionMatrix;
import dev.qcat.inference.scoring.ExpectedCalibrationError;
import java.io.ByteArrayOutputStream;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationChartsTest {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static List<ReliabilityBin> bins(ExpectedCalibrationError ece) {
    return ece.bins().stream()
        .map(
            b ->
                new ReliabilityBin(
                    b.lower(), b.upper(), b.count(), b.meanConfidence(), b.accuracy()))
        .toList();
  }

  @Test
  void storedBinsRebuildTheSameCalibration() {
    ExpectedCalibrationError original = new ExpectedCalibrationError();
    double[] conf = {0.95, 0.91, 0.62, 0.66, 0.34, 0.99, 0.51, 0.58};
    boolean[] right = {true, false, true, true, false, true, false, true};
    for (int i = 0; i < conf.length; i++) {
      original.add(conf[i], right[i]);
    }

    ExpectedCalibrationError rebuilt = EvaluationCharts.calibration(bins(original));

    assertEquals(original.value(), rebuilt.value(), 1e-12);
    assertEquals(bins(original), bins(rebuilt));
  }

  @Test
  void storedCountsRebuildTheSameConfusionMatrix() {
    ConfusionMatrix m =
        EvaluationCharts.confusionMatrix(
            new ConfusionCounts(List.of("a", "b"), new long[][] {{3, 1}, {0, 2}}));

    assertEquals(6, m.total());
    assertEquals(5.0 / 6, m.accuracy(), 1e-12);
    assertEquals(1, m.count(0, 1));
  }

  @Test
  void chartsAreWrittenAsPng() throws Exception {
    System.setProperty("java.awt.headless", "true");
    ExpectedCalibrationError ece = new ExpectedCalibrationError();
    ece.add(0.9, true);
    ece.add(0.6, false);
    EvaluationView summary =
        new EvaluationView(
            1,
            2,
            "v1",
            3L,
            "eval",
            "TEST",
            OffsetDateTime.now(),
            "admin",
            10,
            2,
            0,
            0.5,
            0.5,
            ece.value(),
            ece.value(),
            0.7,
            1.0,
            null,
            0.75,
            0.5,
            1.0);
    EvaluationDetail d =
        new EvaluationDetail(
            summary,
            List.of(
                new CategoryMetrics("a", 1, 0.5, 2.0 / 3, 2), new CategoryMetrics("b", 0, 0, 0, 0)),
            new ConfusionCounts(List.of("a", "b"), new long[][] {{1, 1}, {0, 0}}),
            bins(ece),
            bins(ece),
            List.of(
                new OperatingPoint(0.5, 0, 2, 0.5), new OperatingPoint(0.95, 1, 0, Double.NaN)));
    for (int chart = 0; chart < 3; chart++) {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      switch (chart) {
        case 0 -> EvaluationCharts.writeConfusion(d, "t", png);
        case 1 -> EvaluationCharts.writeReliability(d, "t", png);
        default -> EvaluationCharts.writeOperatingCurve(d, "t", 0.75, png);
      }
      assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png.toByteArray(), 8), "chart " + chart);
    }
  }
}
