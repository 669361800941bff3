package dev.qcat.interfaces.web.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.application.JobViews.DriftCheckView;
import dev.qcat.application.JobViews.DriftPolicyView;
import dev.qcat.interfaces.web.drift.DriftCharts.Figure;
import dev.qcat.interfaces.web.drift.DriftCharts.Series;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftChartsTest {

  private static final OffsetDateTime T0 =
      OffsetDateTime.of(2026, 11, 30, 9, 5, 7, 0, ZoneOffset.UTC);

  /** The V30 defaults, with distinct values so a mix-up of thresholds shows. */
  private static final DriftPolicyView POLICY =
      new DriftPolicyView(
          1, 0.80, 0.70, 0.75, 0.65, 0.10, 0.25, 0.20, 0.35, 0.30, 0.50, 30, 20, false, 0.05);

  private static DriftCheckView check(
      int minutes, Double accuracy, Double psi, Double reviewRate, String verdict) {
    return new DriftCheckView(
        minutes,
        1,
        7,
        T0.plusMinutes(minutes),
        null,
        9,
        accuracy,
        accuracy == null ? null : 0.5,
        "[]",
        30,
        psi,
        0.1,
        reviewRate,
        0,
        null,
        verdict,
        "because");
  }

  private static final List<DriftCheckView> CHECKS =
      List.of(
          check(0, 0.9, 0.01, 0.0, "OK"),
          check(1, null, null, null, "WARN"),
          check(2, 0.6, 0.4, 1.0, "DRIFT"));

  private static JsonObject parse(String json) {
    try (var r = Json.createReader(new StringReader(json))) {
      return r.readObject();
    }
  }

  @Test
  void seriesFollowsTheChecksOldestFirstWithThePolicysThresholds() {
    Series s = DriftCharts.series(Figure.ACCURACY, CHECKS, POLICY);
    assertEquals(List.of("11-30 09:05:07", "11-30 09:06:07", "11-30 09:07:07"), s.labels());
    assertEquals(Arrays.asList(0.9, null, 0.6), s.values());
    assertEquals(List.of("OK", "WARN", "DRIFT"), s.verdicts());
    assertEquals(0.80, s.warn());
    assertEquals(0.70, s.drift());
  }

  @Test
  void eachFigureTakesItsOwnValuesAndThresholds() {
    Series psi = DriftCharts.series(Figure.PSI, CHECKS, POLICY);
    assertEquals(Arrays.asList(0.01, null, 0.4), psi.values());
    assertEquals(0.10, psi.warn());
    assertEquals(0.25, psi.drift());
    Series review = DriftCharts.series(Figure.REVIEW_RATE, CHECKS, POLICY);
    assertEquals(Arrays.asList(0.0, null, 1.0), review.values());
    assertEquals(0.30, review.warn());
    assertEquals(0.50, review.drift());
    Series f1 = DriftCharts.series(Figure.MACRO_F1, CHECKS, POLICY);
    assertEquals(0.75, f1.warn());
    assertEquals(0.65, f1.drift());
    Series ks = DriftCharts.series(Figure.KS, CHECKS, POLICY);
    assertEquals(Arrays.asList(0.1, 0.1, 0.1), ks.values());
    assertEquals(0.20, ks.warn());
    assertEquals(0.35, ks.drift());
  }

  @Test
  void chartDrawsThresholdsAsConstantLinesAndLeavesGapsForMissingValues() {
    JsonObject c =
        parse(
            DriftCharts.chart(
                DriftCharts.series(Figure.ACCURACY, CHECKS, POLICY), "Accuracy", "warn", "drift"));
    assertEquals("line", c.getString("type"));
    JsonObject data = c.getJsonObject("data");
    assertEquals(3, data.getJsonArray("labels").size());
    JsonArray sets = data.getJsonArray("datasets");
    assertEquals(3, sets.size(), "the figure and two thresholds");
    JsonArray values = sets.getJsonObject(0).getJsonArray("data");
    assertEquals(0.9, values.getJsonNumber(0).doubleValue());
    assertEquals(JsonValue.NULL, values.get(1), "no value: a gap, not a zero");
    assertEquals(0.6, values.getJsonNumber(2).doubleValue());
    assertEquals(
        List.of(DriftCharts.OK_COLOR, DriftCharts.WARN_COLOR, DriftCharts.DRIFT_COLOR),
        sets.getJsonObject(0)
            .getJsonArray("pointBackgroundColor")
            .getValuesAs(jakarta.json.JsonString::getString));
    JsonObject warn = sets.getJsonObject(1);
    assertEquals("warn", warn.getString("label"));
    assertEquals(
        List.of(0.80, 0.80, 0.80),
        warn.getJsonArray("data").getValuesAs(jakarta.json.JsonNumber::doubleValue));
    JsonObject drift = sets.getJsonObject(2);
    assertEquals("drift", drift.getString("label"));
    assertEquals(
        List.of(0.70, 0.70, 0.70),
        drift.getJsonArray("data").getValuesAs(jakarta.json.JsonNumber::doubleValue));
    assertFalse(drift.getJsonArray("borderDash").isEmpty(), "thresholds are dashed");
    assertEquals(0, drift.getInt("pointRadius"), "a line, no points, with several checks");
    JsonObject y = c.getJsonObject("options").getJsonObject("scales").getJsonObject("y");
    assertEquals(1, y.getInt("max"), "a fraction is drawn on [0, 1]");
  }

  @Test
  void psiIsNotCappedAtOneAndASingleCheckShowsItsThresholdsAsDashes() {
    JsonObject c =
        parse(
            DriftCharts.chart(
                DriftCharts.series(Figure.PSI, CHECKS.subList(2, 3), POLICY), "PSI", "w", "d"));
    JsonObject y = c.getJsonObject("options").getJsonObject("scales").getJsonObject("y");
    assertFalse(y.containsKey("max"), y.toString());
    JsonObject warn = c.getJsonObject("data").getJsonArray("datasets").getJsonObject(1);
    assertTrue(warn.getInt("pointRadius") > 0, "one point has no segment to draw");
  }

  @Test
  void withoutAPolicyNoThresholdIsDrawn() {
    Series s = DriftCharts.series(Figure.KS, CHECKS, null);
    assertTrue(Double.isNaN(s.warn()) && Double.isNaN(s.drift()));
    JsonObject c = parse(DriftCharts.chart(s, "KS", "w", "d"));
    assertEquals(1, c.getJsonObject("data").getJsonArray("datasets").size());
  }

  @Test
  void noChecksGiveAnEmptyChart() {
    JsonObject c =
        parse(
            DriftCharts.chart(
                DriftCharts.series(Figure.ACCURACY, List.of(), POLICY), "Accuracy", "w", "d"));
    assertTrue(c.getJsonObject("data").getJsonArray("labels").isEmpty());
  }

  @Test
  void figuresAreFoundByTheirKeyAndUnknownKeysRefused() {
    assertEquals(Figure.MACRO_F1, Figure.of("macroF1"));
    assertEquals(Figure.REVIEW_RATE, Figure.of("reviewRate"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Figure.of("f1"));
    assertTrue(e.getMessage().contains("'f1'"), e.getMessage());
  }

  @Test
  void seriesRefusesListsOfDifferentLengths() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Series(Figure.KS, List.of("a"), List.of(), List.of("OK"), 0, 0));
    assertNull(DriftCharts.series(Figure.ACCURACY, CHECKS, POLICY).values().get(1));
  }
}
