package dev.qcat.interfaces.web.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.interfaces.web.drift.DriftDashboardBean.CategoryRow;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftDashboardBeanTest {

  private static final OffsetDateTime T0 =
      OffsetDateTime.of(2026, 11, 30, 9, 0, 0, 0, ZoneOffset.UTC);

  private static JobRunView run(
      String batchStatus,
      OffsetDateTime start,
      OffsetDateTime end,
      Long step,
      Long totalSteps,
      double recordedSeconds) {
    return new JobRunView(
        4,
        9,
        "lora-training",
        1L,
        "server",
        "admin",
        "",
        batchStatus,
        null,
        step,
        totalSteps,
        null,
        null,
        null,
        T0,
        T0.plusSeconds(50),
        start,
        end,
        recordedSeconds,
        null);
  }

  @Test
  void durationRunsFromTheExecutionsStartToItsEnd() {
    JobRunView r =
        run(
            "COMPLETED",
            T0.plusSeconds(2),
            T0.plusSeconds(14).plusNanos(500_000_000),
            null,
            null,
            50);
    assertEquals(12.5, DriftDashboardBean.durationSeconds(r, T0.plusHours(1)), 1e-9);
  }

  @Test
  void aRunningJobsDurationCountsToNow() {
    JobRunView r = run("STARTED", T0, null, null, null, 50);
    assertEquals(125, DriftDashboardBean.durationSeconds(r, T0.plusSeconds(125)), 1e-9);
  }

  @Test
  void anEndedRunWithoutEndTimeCountsToItsLastUpdate() {
    JobRunView r = run("FAILED", T0.plusSeconds(10), null, null, null, 50);
    assertEquals(40, DriftDashboardBean.durationSeconds(r, T0.plusHours(1)), 1e-9);
  }

  @Test
  void withoutExecutionTimesTheRecordedDurationIsShown() {
    JobRunView r = run(null, null, null, null, null, 73.5);
    assertEquals(73.5, DriftDashboardBean.durationSeconds(r, T0.plusHours(1)), 1e-9);
  }

  @Test
  void durationsReadAsSecondsMinutesOrHours() {
    assertEquals("0.0 s", DriftDashboardBean.formatDuration(0));
    assertEquals("4.2 s", DriftDashboardBean.formatDuration(4.2));
    assertEquals("1 min 00 s", DriftDashboardBean.formatDuration(59.96));
    assertEquals("3 min 05 s", DriftDashboardBean.formatDuration(185));
    assertEquals("2 h 07 min", DriftDashboardBean.formatDuration(2 * 3600 + 7 * 60 + 29));
    assertEquals("—", DriftDashboardBean.formatDuration(Double.NaN));
  }

  @Test
  void runningMeansStartingStartedOrStopping() {
    assertTrue(DriftDashboardBean.running(run("STARTING", null, null, null, null, 0)));
    assertTrue(DriftDashboardBean.running(run("STARTED", null, null, null, null, 0)));
    assertTrue(DriftDashboardBean.running(run("STOPPING", null, null, null, null, 0)));
    assertFalse(DriftDashboardBean.running(run("COMPLETED", null, null, null, null, 0)));
    assertFalse(DriftDashboardBean.running(run("STOPPED", null, null, null, null, 0)));
    assertFalse(DriftDashboardBean.running(run(null, null, null, null, null, 0)), "unknown");
  }

  @Test
  void progressIsTheShareOfOptimizerStepsDone() {
    assertEquals(25, DriftDashboardBean.percent(run("STARTED", T0, null, 5L, 20L, 0)));
    assertEquals(100, DriftDashboardBean.percent(run("STARTED", T0, null, 21L, 20L, 0)));
    assertEquals(0, DriftDashboardBean.percent(run("STARTED", T0, null, null, null, 0)));
    assertEquals(0, DriftDashboardBean.percent(run("STARTED", T0, null, 3L, 0L, 0)));
  }

  @Test
  void parametersAreKeyValueLinesWithCommentsAndBlankLinesIgnored() {
    assertEquals(
        Map.of("epochs", "3", "r", "4", "baseModelPath", "/m/a=b"),
        DriftDashboardBean.parameters("epochs=3\r\n# a comment\n\n  r = 4 \nbaseModelPath=/m/a=b"));
    assertTrue(DriftDashboardBean.parameters(null).isEmpty());
    assertEquals(
        List.of("epochs", "r"),
        List.copyOf(DriftDashboardBean.parameters("epochs=1\nr=2").keySet()),
        "typed order");
  }

  @Test
  void aLineWithoutKeyIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DriftDashboardBean.parameters("epochs=2\n=3"));
    assertTrue(e.getMessage().contains("'=3'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DriftDashboardBean.parameters("epochs"));
  }

  @Test
  void categoryRowsReadTheStoredFiguresWithNullsKept() {
    List<CategoryRow> rows =
        DriftDashboardBean.categoryRows(
            "[{\"name\":\"card\",\"support\":3,\"recall\":0.5,\"trainingShare\":0.25,"
                + "\"liveShare\":null},{\"name\":\"loan\",\"support\":0,\"recall\":null,"
                + "\"trainingShare\":0.75,\"liveShare\":1.0}]");
    assertEquals(
        List.of(
            new CategoryRow("card", 3, 0.5, 0.25, null),
            new CategoryRow("loan", 0, null, 0.75, 1.0)),
        rows);
    assertTrue(DriftDashboardBean.categoryRows("").isEmpty());
  }
}
