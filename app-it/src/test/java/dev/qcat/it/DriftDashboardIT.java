package dev.qcat.it;

import static dev.qcat.it.Api.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.it.Api.Answer;
import jakarta.json.JsonObject;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The drift dashboard (issue 7) in a real browser against the EAR on Payara and PostgreSQL: an
 * admin sees a taxonomy's drift checks (made by the drift-check job through the REST API, with the
 * test-only {@link KeywordModelRuntime} serving, so every figure is known), their charts with the
 * thresholds, the verdicts and reasons and the latest check per category; starts a drift check from
 * the page and follows its row to COMPLETED and reads its log; edits a schedule. A reviewer is
 * refused the page. Screenshots go to {@code target/screenshots/drift-*.png}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DriftDashboardIT {

  private static final String ADMIN_PASSWORD =
      System.getProperty("qcat.it.adminPassword", "admin-change-me");
  private static final String REVIEWER_PASSWORD =
      System.getProperty("qcat.it.reviewerPassword", "reviewer-change-me");

  private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED");

  private static final List<String> BANK = List.of("card", "loan", "transfer");

  @Deployment(testable = false)
  static EnterpriseArchive deployment() {
    File ear = new File(System.getProperty("qcat.it.ear", "../app-ear/target/qcat.ear"));
    EnterpriseArchive archive = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    archive.getAsType(JavaArchive.class, "app-domain.jar").addClass(KeywordModelRuntime.class);
    return archive;
  }

  private final Api admin = Api.admin();

  // ---------------------------------------------------------------- set-up through REST

  private record Setup(long taxonomyId, String name) {}

  private Setup taxonomy() {
    String name = Api.unique("drift");
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(name)
                + ",\"auditRate\":0,\"categories\":[{\"name\":\"card\"},{\"name\":\"loan\"},"
                + "{\"name\":\"transfer\"}]}");
    assertEquals(201, t.status(), t.toString());
    return new Setup(t.json().getJsonNumber("id").longValue(), name);
  }

  private static String line(String input, String output) {
    return "{\"instruction\":\"Categorize the following user query.\",\"input\":"
        + str(input)
        + ",\"output\":"
        + str(output)
        + "}";
  }

  /**
   * card/loan/transfer with 10 training and 3 golden (test) examples each and the keyword model
   * ACTIVE (as BatchJobsIT's drift test).
   */
  private Setup keywordTaxonomy() {
    Setup s = taxonomy();
    Answer d = admin.post("/taxonomies/" + s.taxonomyId() + "/datasets", "{\"name\":\"seed\"}");
    assertEquals(201, d.status(), d.toString());
    long ds = d.json().getJsonNumber("id").longValue();
    List<String> train = new ArrayList<>();
    List<String> test = new ArrayList<>();
    for (String c : BANK) {
      for (int i = 0; i < 10; i++) {
        train.add(line("question " + i + " about my " + c, c));
      }
      for (int i = 0; i < 3; i++) {
        test.add(line("golden " + i + ": the " + c + " again", c));
      }
    }
    importLines(ds, "train", train);
    importLines(ds, "test", test);
    Answer m =
        admin.post(
            "/model-versions",
            "{\"taxonomyId\":"
                + s.taxonomyId()
                + ",\"name\":\"keyword\",\"baseModelPath\":"
                + str(KeywordModelRuntime.BASE_PATH)
                + "}");
    assertEquals(201, m.status(), m.toString());
    Answer a = admin.post("/model-versions/" + m.json().getJsonNumber("id") + "/activate", "");
    assertEquals(200, a.status(), a.toString());
    return s;
  }

  private void importLines(long datasetId, String split, List<String> lines) {
    Answer imported =
        admin.postRaw(
            "/datasets/" + datasetId + "/import?split=" + split,
            "application/x-ndjson",
            String.join("\n", lines));
    assertEquals(200, imported.status(), imported.toString());
    assertEquals(lines.size(), imported.json().getInt("imported"), imported.toString());
  }

  private void classify(Setup s, String text) {
    Answer c =
        admin.post("/classify", "{\"taxonomy\":" + str(s.name()) + ",\"text\":" + str(text) + "}");
    assertEquals(200, c.status(), c.toString());
  }

  private JsonObject driftCheckJob(long taxonomyId) throws InterruptedException {
    Answer a =
        admin.post(
            "/jobs",
            "{\"job\":\"drift-check\",\"taxonomyId\":" + taxonomyId + ",\"parameters\":{}}");
    assertEquals(202, a.status(), a.toString());
    long instance = a.json().getJsonNumber("jobInstanceId").longValue();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Answer r = null;
    while (System.nanoTime() < end) {
      r = admin.get("/jobs/" + instance);
      if (r.status() == 200
          && !r.json().isNull("batchStatus")
          && DONE.contains(r.json().getString("batchStatus"))) {
        assertEquals("COMPLETED", r.json().getString("batchStatus"), r.toString());
        return r.json();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("drift-check " + instance + " did not end within 120 s: " + r);
  }

  private List<JsonObject> checks(long taxonomyId) {
    Answer c = admin.get("/drift/checks?taxonomyId=" + taxonomyId);
    assertEquals(200, c.status(), c.toString());
    return c.body().asJsonArray().getValuesAs(JsonObject.class);
  }

  private Set<Long> jobInstances(long taxonomyId) {
    Answer j = admin.get("/jobs?taxonomyId=" + taxonomyId);
    assertEquals(200, j.status(), j.toString());
    Set<Long> ids = new HashSet<>();
    for (JsonObject o : j.body().asJsonArray().getValuesAs(JsonObject.class)) {
      ids.add(o.getJsonNumber("jobInstanceId").longValue());
    }
    return ids;
  }

  private JsonObject schedule(long taxonomyId, String job) {
    Answer all = admin.get("/schedules");
    assertEquals(200, all.status(), all.toString());
    return all.body().asJsonArray().getValuesAs(JsonObject.class).stream()
        .filter(
            o ->
                o.getJsonNumber("taxonomyId").longValue() == taxonomyId
                    && o.getString("jobName").equals(job))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + job + " schedule of " + taxonomyId));
  }

  // ---------------------------------------------------------------- browser helpers

  private static void openDashboard(Browser a, Setup s) {
    a.open("/portal/admin/drift.xhtml?taxonomy=" + s.taxonomyId());
    assertEquals(
        s.name() + " v1",
        new Select(a.find("#pick\\:taxonomy")).getFirstSelectedOption().getText());
  }

  /** The element's text, or "" while Ajax is replacing it. */
  private static String textOf(Browser a, String css) {
    try {
      return a.find(css).getText();
    } catch (StaleElementReferenceException | NoSuchElementException e) {
      return "";
    }
  }

  /** Clicks an element that the poll may be re-rendering (retries a stale one). */
  private static void click(Browser a, String css) {
    a.waitUntil(
        d -> {
          try {
            a.find(css).click();
            return true;
          } catch (StaleElementReferenceException e) {
            return false;
          }
        });
  }

  /** An input's value, or "" while Ajax is replacing it. */
  private static String valueOf(Browser a, String css) {
    try {
      return a.find(css).getAttribute("value");
    } catch (StaleElementReferenceException | NoSuchElementException e) {
      return "";
    }
  }

  /**
   * Rows of a PrimeFaces data table as their cell texts, read in one script (no stale elements
   * while Ajax replaces the table); empty for an empty table.
   */
  @SuppressWarnings("unchecked")
  private static List<List<String>> rows(Browser a, String tableId) {
    Object o =
        a.driver.executeScript(
            "var body = document.getElementById(arguments[0] + '_data');"
                + " if (!body) return [];"
                + " return Array.from(body.rows)"
                + "   .filter(function (tr) { return !tr.classList.contains('ui-datatable-empty-message'); })"
                + "   .map(function (tr) {"
                + "     return Array.from(tr.cells).map(function (td) { return td.innerText.trim(); }); });",
            tableId);
    return (List<List<String>>) o;
  }

  private static void scrollTo(Browser a, String id) {
    a.driver.executeScript("document.getElementById(arguments[0]).scrollIntoView();", id);
  }

  /**
   * The Chart.js chart drawn in a {@code p:chart}: per data set its label and number of points, and
   * the first point's value; null while not drawn.
   */
  @SuppressWarnings("unchecked")
  private static List<String> chartDatasets(Browser a, String chartId) {
    Object o =
        a.driver.executeScript(
            "var c = document.querySelector(arguments[0] + ' canvas');"
                + " if (!c || c.width === 0 || c.height === 0 || !window.Chart) return null;"
                + " var ch = Chart.getChart(c); if (!ch) return null;"
                + " return ch.data.datasets.map(function (d) {"
                + "   return d.label + '|' + d.data.length + '|' + d.data[0]; });",
            "#" + chartId.replace(":", "\\:"));
    return (List<String>) o;
  }

  // ---------------------------------------------------------------- tests

  @Test
  void adminSeesChecksChartsAndCategoriesAndStartsADriftCheckFromThePage() throws Exception {
    Setup s = keywordTaxonomy();
    for (int i = 0; i < 30; i++) {
      classify(s, "live " + i + ": my " + BANK.get(i % 3) + " please");
    }
    JsonObject ok = driftCheckJob(s.taxonomyId());
    assertEquals("OK", ok.getString("exitStatus"), ok.toString());
    for (int i = 0; i < 30; i++) {
      // Categories held out of the taxonomy: refunds and crypto (uniform answers, to review).
      classify(s, i % 2 == 0 ? "refund " + i + " please" : "crypto wallet " + i);
    }
    JsonObject drift = driftCheckJob(s.taxonomyId());
    assertEquals("DRIFT", drift.getString("exitStatus"), drift.toString());
    List<JsonObject> stored = checks(s.taxonomyId());
    assertEquals(2, stored.size(), stored.toString());
    JsonObject latest = stored.get(1);

    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      assertTrue(a.present("#nav\\:drift"), "admin sees the Drift & jobs menu item");
      openDashboard(a, s);
      assertEquals("Drift & jobs", a.find("#page-title").getText());

      // The latest check's verdict and reason, as stored.
      assertEquals("DRIFT", a.find("#checks\\:latestVerdict").getText());
      assertEquals(latest.getString("reason"), a.find("#checks\\:latestReason").getText());
      assertTrue(latest.getString("reason").contains("PSI"), latest.toString());

      // Both checks in the table, newest first, each with verdict and reason.
      List<List<String>> table = rows(a, "checks:checkTable");
      assertEquals(2, table.size(), table.toString());
      assertEquals("DRIFT", table.get(0).get(2), table.toString());
      assertEquals(latest.getString("reason"), table.get(0).get(3));
      assertEquals("OK", table.get(1).get(2), table.toString());
      assertEquals(stored.get(0).getString("reason"), table.get(1).get(3));

      // Five charts, each with the two checks and the warning and drift thresholds drawn.
      for (String figure : List.of("accuracy", "macroF1", "psi", "ks", "reviewRate")) {
        List<String> sets = a.waitUntil(d -> chartDatasets(a, "checks:chart_" + figure));
        assertEquals(3, sets.size(), figure + ": " + sets);
        assertTrue(sets.get(0).contains("|2|"), figure + ": two checks, " + sets);
        assertTrue(sets.get(1).startsWith("warning threshold|2|"), figure + ": " + sets);
        assertTrue(sets.get(2).startsWith("drift threshold|2|"), figure + ": " + sets);
      }
      assertEquals(
          List.of("Accuracy|2|1", "warning threshold|2|0.8", "drift threshold|2|0.7"),
          chartDatasets(a, "checks:chart_accuracy"),
          "accuracy 1 on the golden set; the default thresholds 0.80 and 0.70");
      String[] psi = chartDatasets(a, "checks:chart_psi").get(0).split("\\|");
      assertEquals("PSI (live vs training mix)", psi[0]);
      assertEquals(
          stored.get(0).getJsonNumber("psi").doubleValue(),
          Double.parseDouble(psi[2]),
          1e-12,
          "the first point is the first check's PSI");

      // The latest check per category: the keyword model recalls every golden example.
      List<List<String>> categories = rows(a, "checks:perCategory");
      assertEquals(3, categories.size(), categories.toString());
      for (int i = 0; i < 3; i++) {
        assertEquals(
            List.of(BANK.get(i), "3", "1.000", "33.3%"),
            categories.get(i).subList(0, 4),
            categories.toString());
      }
      a.screenshot("drift-dashboard");

      // Start a drift check by hand; its row appears and reaches COMPLETED.
      Set<Long> before = jobInstances(s.taxonomyId());
      assertEquals(2, before.size(), before.toString());
      a.find("#jobs\\:start_drift-check").click();
      new WebDriverWait(a.driver, Duration.ofSeconds(120))
          .until(
              d -> {
                for (List<String> r : rows(a, "jobs:runs")) {
                  if (r.size() > 3
                      && !before.contains(Long.parseLong(r.get(0)))
                      && r.get(1).equals("drift-check")
                      && r.get(2).equals("COMPLETED")) {
                    return true;
                  }
                }
                return false;
              });
      a.waitForAjax();
      Set<Long> after = jobInstances(s.taxonomyId());
      after.removeAll(before);
      assertEquals(1, after.size(), "one new job run: " + after);
      long started = after.iterator().next();
      JsonObject run = admin.get("/jobs/" + started).json();
      assertEquals("COMPLETED", run.getString("batchStatus"), run.toString());
      assertEquals("drift-check", run.getString("jobName"));
      assertEquals("admin", run.getString("startedBy"));
      List<String> row =
          rows(a, "jobs:runs").stream()
              .filter(r -> r.get(0).equals(Long.toString(started)))
              .findFirst()
              .orElseThrow();
      assertEquals(run.getString("exitStatus"), row.get(3), row.toString());
      assertFalse(row.get(5).isEmpty(), "the end time shows: " + row);
      assertTrue(row.get(6).endsWith(" s"), "the duration shows: " + row);

      // The new check joins the table once the poll sees the job end.
      a.waitUntil(d -> rows(a, "checks:checkTable").size() == 3);
      assertEquals(3, checks(s.taxonomyId()).size());
      scrollTo(a, "jobs:runs");
      a.screenshot("drift-dashboard-job-started");

      // The run's log in a dialog (Escape closes it).
      int index =
          rows(a, "jobs:runs").stream().map(r -> r.get(0)).toList().indexOf(Long.toString(started));
      click(a, "#jobs\\:runs\\:" + index + "\\:log");
      a.waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("logText")));
      a.waitForAjax();
      String log = a.find("#logText").getText();
      assertTrue(log.contains("drift check "), log);
      assertTrue(log.contains(run.getString("exitStatus")), log);
      assertTrue(
          textOf(a, "#logForm\\:logResult").contains("\"verdict\""),
          textOf(a, "#logForm\\:logResult"));
      a.screenshot("drift-job-log");
    }
  }

  @Test
  void anAdminEditsAScheduleAndTheChangeIsStored() {
    Setup s = taxonomy();
    Answer created =
        admin.put(
            "/schedules",
            "{\"taxonomyId\":"
                + s.taxonomyId()
                + ",\"job\":\"drift-check\",\"cron\":\"15 2 * * *\"}");
    assertEquals(200, created.status(), created.toString());
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      openDashboard(a, s);
      List<List<String>> table = rows(a, "schedules:scheduleTable");
      assertEquals(1, table.size(), table.toString());
      assertEquals(List.of("drift-check", "15 2 * * *", "yes"), table.get(0).subList(0, 3));

      // Edit: the form takes the schedule; change the expression, switch it off, save.
      a.find("#schedules\\:scheduleTable\\:0\\:edit").click();
      a.waitUntil(d -> "15 2 * * *".equals(valueOf(a, "#schedules\\:cron")));
      a.waitForAjax();
      WebElement cron = a.find("#schedules\\:cron");
      cron.clear();
      cron.sendKeys("30 4 * * 1-5");
      WebElement enabled = a.find("#schedules\\:enabled");
      assertTrue(enabled.isSelected());
      enabled.click();
      a.find("#schedules\\:save").click();
      a.waitUntil(d -> d.getPageSource().contains("Schedule of drift-check saved: 30 4 * * 1-5"));
      a.waitForAjax();
      JsonObject stored = schedule(s.taxonomyId(), "drift-check");
      assertEquals("30 4 * * 1-5", stored.getString("cron"), stored.toString());
      assertFalse(stored.getBoolean("enabled"), stored.toString());
      assertEquals(
          created.json().getJsonNumber("id").longValue(),
          stored.getJsonNumber("id").longValue(),
          "the same schedule, replaced");

      // An invalid expression is refused with the reason; the stored schedule stays.
      cron = a.find("#schedules\\:cron");
      cron.clear();
      cron.sendKeys("61 * * * *");
      a.find("#schedules\\:save").click();
      a.waitUntil(d -> d.getPageSource().contains("Schedule not saved:"));
      a.waitForAjax();
      assertEquals("30 4 * * 1-5", schedule(s.taxonomyId(), "drift-check").getString("cron"));

      // After a reload the table shows the stored values.
      openDashboard(a, s);
      table = rows(a, "schedules:scheduleTable");
      assertEquals(List.of("drift-check", "30 4 * * 1-5", "no"), table.get(0).subList(0, 3));
      scrollTo(a, "schedules");
      a.screenshot("drift-schedule-edited");
    } finally {
      admin.delete("/schedules/" + created.json().getJsonNumber("id"));
    }
  }

  @Test
  void aTrainingJobShowsItsProgressAndIsStoppedFromThePage() throws Exception {
    String tiny = System.getProperty("qcat.it.tinyModelDir", "");
    Assumptions.assumeTrue(!tiny.isBlank(), "qcat.it.tinyModelDir not set (scripts/it.sh sets it)");
    Setup s = taxonomy();
    Answer d = admin.post("/taxonomies/" + s.taxonomyId() + "/datasets", "{\"name\":\"seed\"}");
    assertEquals(201, d.status(), d.toString());
    List<String> train = new ArrayList<>();
    for (String c : BANK) {
      for (int i = 0; i < 8; i++) {
        train.add(line("my " + c + " question number " + i, c));
      }
    }
    importLines(d.json().getJsonNumber("id").longValue(), "train", train);
    Answer m =
        admin.post(
            "/model-versions",
            "{\"taxonomyId\":"
                + s.taxonomyId()
                + ",\"name\":\"tiny-base\",\"baseModelPath\":"
                + str(tiny)
                + "}");
    assertEquals(201, m.status(), m.toString());
    assertEquals(
        200,
        admin.post("/model-versions/" + m.json().getJsonNumber("id") + "/activate", "").status());

    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      openDashboard(a, s);
      // Many epochs, so that the run is still going when the page stops it.
      a.find("#jobs\\:trainingParameters")
          .sendKeys("epochs=400\nbatchSize=4\ncheckpointEvery=5\nr=4\nalpha=8\nseed=7");
      a.find("#jobs\\:start_lora-training").click();
      String progress =
          new WebDriverWait(a.driver, Duration.ofSeconds(180))
              .until(
                  dr -> {
                    String t = textOf(a, "[id$='trainingRuns:0:trainingText']");
                    return t.matches("Job \\d+ \\(lora-training\\): step [1-9]\\d* of \\d+, .*")
                        ? t
                        : null;
                  });
      assertTrue(progress.matches(".*, loss [0-9.]+, ETA .*"), progress);
      long instance = Long.parseLong(progress.substring(4, progress.indexOf(' ', 4)));
      assertTrue(a.present("[id$='trainingRuns:0:trainingBar']"), "a progress bar");
      scrollTo(a, "jobs:training");
      a.screenshot("drift-training-progress");

      // Stop, confirmed in the dialog: the run stops at its next step (with a checkpoint).
      click(a, "[id$='trainingRuns:0:trainingStop']");
      a.waitUntil(ExpectedConditions.elementToBeClickable(By.id("confirmForm:confirmYes"))).click();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      JsonObject run = null;
      while (System.nanoTime() < end) {
        run = admin.get("/jobs/" + instance).json();
        if (!run.isNull("batchStatus") && DONE.contains(run.getString("batchStatus"))) {
          break;
        }
        Thread.sleep(500);
      }
      assertEquals("STOPPED", run.getString("batchStatus"), run.toString());
      assertTrue(run.getString("log").contains("stop requested by admin"), run.getString("log"));
      // The page follows: the row shows STOPPED with a Restart button, the progress bar is gone.
      a.waitUntil(
          dr ->
              rows(a, "jobs:runs").stream()
                  .anyMatch(
                      r -> r.get(0).equals(Long.toString(instance)) && r.get(2).equals("STOPPED")));
      a.waitForAjax();
      assertFalse(a.present("[id$='trainingRuns:0:trainingBar']"), "no running training");
      assertTrue(a.present("#jobs\\:runs\\:0\\:restart"), "a stopped run can be restarted");
    }
  }

  @Test
  void aFailedJobShowsWhyInItsLog() {
    Setup s = taxonomy(); // no model version: a drift check has nothing to check
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      openDashboard(a, s);
      a.find("#jobs\\:start_drift-check").click();
      new WebDriverWait(a.driver, Duration.ofSeconds(120))
          .until(
              d ->
                  rows(a, "jobs:runs").stream()
                      .anyMatch(r -> r.get(1).equals("drift-check") && r.get(2).equals("FAILED")));
      a.waitForAjax();
      assertTrue(a.present("#jobs\\:runs\\:0\\:restart"), "a failed run can be restarted");
      click(a, "#jobs\\:runs\\:0\\:log");
      a.waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("logText")));
      a.waitForAjax();
      String log = a.find("#logText").getText();
      assertTrue(log.contains("step check failed: "), log);
      assertTrue(
          log.contains("Taxonomy '" + s.name() + "' has no ACTIVE model version to check."), log);
      a.screenshot("drift-failed-job-log");
    }
  }

  @Test
  void aReviewerIsRefusedTheDashboard() {
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      assertFalse(r.present("#nav\\:drift"), "reviewer has no Drift & jobs menu item");
      r.open("/portal/admin/drift.xhtml");
      assertEquals("Not allowed", r.find("#page-title").getText());
      assertFalse(r.present("#checks"), "the dashboard's content is not shown");
      assertFalse(r.present("#jobs"), "nor its jobs");
      r.screenshot("drift-refused-for-reviewer");
    }
  }
}
