package dev.qcat.it;

import static dev.qcat.it.Api.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.it.Api.Answer;
import jakarta.json.JsonObject;
import java.io.File;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Models page (issue 6 part A) in a real browser against the EAR on Payara and PostgreSQL:
 * evaluate a version in the background, read its figures and charts, move the threshold slider by
 * keyboard and set the threshold, activate another version and roll back, each behind a
 * confirmation dialog; the home page then shows the active model's last evaluation. Versions are
 * served by the test-only {@link KeywordModelRuntime}, so every figure is known in advance; one
 * test evaluates a tiny random Qwen2 checkpoint through the real engine. Screenshots go to {@code
 * target/screenshots/models-*.png}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ModelsPortalIT {

  private static final String ADMIN_PASSWORD =
      System.getProperty("qcat.it.adminPassword", "admin-change-me");

  @Deployment(testable = false)
  static EnterpriseArchive deployment() {
    File ear = new File(System.getProperty("qcat.it.ear", "../app-ear/target/qcat.ear"));
    EnterpriseArchive archive = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    archive.getAsType(JavaArchive.class, "app-domain.jar").addClass(KeywordModelRuntime.class);
    return archive;
  }

  private final Api admin = Api.admin();

  private static final String I = "\"instruction\":\"Categorize the following user query.\"";

  /**
   * Five test examples for the keyword model. Three name their own category (right, confident), one
   * names two categories (card and loan: a tie, argmax card, labelled loan: wrong), one names none
   * (uniform, argmax card, labelled transfer: wrong). Accuracy 3/5; F1 card 0.5 (P 1/3, R 1), loan
   * and transfer 2/3 (P 1, R 1/2); macro-F1 = (0.5 + 2/3 + 2/3) / 3 = 0.6111.
   */
  private static final String EXAMPLES =
      String.join(
          "\n",
          "{" + I + ",\"input\":\"My card is lost\",\"output\":\"card\"}",
          "{" + I + ",\"input\":\"What are the loan rates\",\"output\":\"loan\"}",
          "{" + I + ",\"input\":\"Send a transfer abroad\",\"output\":\"transfer\"}",
          "{" + I + ",\"input\":\"Pay my loan by card\",\"output\":\"loan\"}",
          "{" + I + ",\"input\":\"Where is my money\",\"output\":\"transfer\"}");

  private record Setup(long taxonomyId, String taxonomyName, long v1, long v2) {}

  /**
   * A taxonomy card/loan/transfer with v1 ACTIVE (keyword model, temperature 4: a confident answer
   * has confidence 1 / (1 + 2·e^−1.5) = 0.691) and v2 a CANDIDATE, and a dataset "eval" with {@link
   * #EXAMPLES} in its test split.
   */
  private Setup setup(String basePath) {
    String name = Api.unique("models");
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(name)
                + ",\"auditRate\":0,\"categories\":[{\"name\":\"card\"},{\"name\":\"loan\"},"
                + "{\"name\":\"transfer\"}]}");
    assertEquals(201, t.status(), t.toString());
    long taxonomyId = t.json().getJsonNumber("id").longValue();
    long v1 = register(taxonomyId, "v1", basePath, 4.0);
    Answer a = admin.post("/model-versions/" + v1 + "/activate", "");
    assertEquals(200, a.status(), a.toString());
    long v2 = register(taxonomyId, "v2", KeywordModelRuntime.BASE_PATH + "/v2", 1.0);
    Answer d = admin.post("/taxonomies/" + taxonomyId + "/datasets", "{\"name\":\"eval\"}");
    assertEquals(201, d.status(), d.toString());
    Answer imported =
        admin.postRaw(
            "/datasets/" + d.json().getJsonNumber("id") + "/import?split=test",
            "application/x-ndjson",
            EXAMPLES);
    assertEquals(200, imported.status(), imported.toString());
    assertEquals(5, imported.json().getInt("imported"), imported.toString());
    return new Setup(taxonomyId, name, v1, v2);
  }

  private long register(long taxonomyId, String name, String basePath, double temperature) {
    Answer m =
        admin.post(
            "/model-versions",
            "{\"taxonomyId\":"
                + taxonomyId
                + ",\"name\":"
                + str(name)
                + ",\"baseModelPath\":"
                + str(basePath)
                + ",\"temperature\":"
                + temperature
                + "}");
    assertEquals(201, m.status(), m.toString());
    return m.json().getJsonNumber("id").longValue();
  }

  private JsonObject version(long id) {
    Answer r = admin.get("/model-versions/" + id);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  /** Opens the Models page on the taxonomy. */
  private static void openModels(Browser a, Setup s) {
    a.open("/portal/admin/models.xhtml");
    Select taxonomy = new Select(a.find("#pick\\:taxonomy"));
    String label = s.taxonomyName() + " v1";
    if (!taxonomy.getFirstSelectedOption().getText().equals(label)) {
      WebElement before = a.find("#versions\\:table");
      taxonomy.selectByVisibleText(label);
      a.waitUntil(ExpectedConditions.stalenessOf(before));
      a.waitForAjax();
    }
  }

  /** Clicks the version's name in the table and waits for its detail panel. */
  private static void openVersion(Browser a, String name) {
    a.driver
        .findElement(By.xpath("//a[contains(@class,'qcat-version-link')][.='" + name + "']"))
        .click();
    a.waitUntil(d -> textOf(a, "selectedName").equals(name));
    a.waitForAjax();
  }

  /**
   * Presses the button, then "Yes" in the confirmation dialog, and waits for the answer: the
   * message shows and the blocking "Loading the model" dialog, which the page opened while the
   * model loaded, is closed again. Loading a real model can take a minute on a busy machine, so
   * this waits up to two.
   */
  private static void confirm(Browser a, String buttonCss, String screenshot, String message) {
    a.find(buttonCss).click();
    WebElement yes =
        a.waitUntil(ExpectedConditions.elementToBeClickable(By.id("confirmForm:confirmYes")));
    a.screenshot(screenshot);
    // Record whether the page opens its blocking dialog for the request Yes starts.
    a.driver.executeScript(
        "window.qcatBusyShown = false; var w = PF('busy'), show = w.show;"
            + " w.show = function() { window.qcatBusyShown = true; return show.apply(w, arguments); };");
    yes.click();
    new WebDriverWait(a.driver, Duration.ofSeconds(120))
        .until(d -> d.getPageSource().contains(message));
    a.waitUntil(ExpectedConditions.invisibilityOfElementLocated(By.id("busy")));
    a.waitForAjax();
    assertEquals(
        Boolean.TRUE,
        a.driver.executeScript("return window.qcatBusyShown;"),
        "the page blocks itself while the model loads");
    assertTrue(
        a.find("#messages").getText().contains(message),
        "the message stays: " + a.find("#messages").getText());
  }

  /** The element's text, or "" while Ajax is replacing it. */
  private static String textOf(Browser a, String id) {
    try {
      return a.driver.findElement(By.id(id)).getText();
    } catch (StaleElementReferenceException | NoSuchElementException e) {
      return "";
    }
  }

  private static boolean imageLoaded(Browser a, String id) {
    Object w =
        a.driver.executeScript(
            "var i = document.getElementById(arguments[0]);"
                + " return i && i.complete ? i.naturalWidth : 0;",
            id);
    return w instanceof Number n && n.intValue() > 100;
  }

  /** Starts "Evaluate now" on dataset eval / test and waits until the result shows. */
  private static void evaluateNow(Browser a, String version, Duration within) {
    new Select(a.find("#detail\\:dataset")).selectByVisibleText("eval (5)");
    new Select(a.find("#detail\\:split")).selectByVisibleText("TEST");
    a.find("#detail\\:evaluate").click();
    new WebDriverWait(a.driver, within)
        .until(
            d ->
                d.getPageSource()
                        .contains("The evaluation of \u201c" + version + "\u201d is finished.")
                    || d.getPageSource().contains("The evaluation failed"));
    a.waitForAjax();
    assertFalse(a.driver.getPageSource().contains("The evaluation failed"), "evaluation failed");
  }

  @Test
  void evaluateMoveThresholdActivateAndRollBack() {
    Setup s = setup(KeywordModelRuntime.BASE_PATH);
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      assertTrue(a.present("#nav\\:models"), "admin sees the Models menu item");
      openModels(a, s);
      String table = a.find("#versions\\:table").getText();
      assertTrue(table.contains("v1") && table.contains("ACTIVE"), table);
      assertTrue(table.contains("v2") && table.contains("CANDIDATE"), table);

      // Evaluate v1 in the background.
      openVersion(a, "v1");
      assertTrue(a.present("#detail\\:noEvaluation"), "not evaluated yet");
      evaluateNow(a, "v1", Duration.ofSeconds(60));
      assertEquals("0.6000", a.find("#detail\\:figAccuracy").getText());
      assertEquals("0.6111", a.find("#detail\\:figMacroF1").getText());
      assertTrue(
          a.find("#detail\\:figExamples").getText().startsWith("5 scored (0 skipped"),
          a.find("#detail\\:figExamples").getText());
      String perCategory = a.find("#detail\\:perCategory").getText();
      assertTrue(perCategory.contains("card") && perCategory.contains("0.333"), perCategory);
      a.waitUntil(
          d ->
              imageLoaded(a, "confusionMatrix")
                  && imageLoaded(a, "reliabilityDiagram")
                  && imageLoaded(a, "operatingCurve"));
      assertTrue(a.find("#versions\\:table").getText().contains("0.600"), "the table shows it");
      a.screenshot("models-evaluated");

      // The slider starts at the taxonomy's threshold 0.75: above every confidence (0.691).
      String routing = a.find("#detail\\:routing").getText();
      assertTrue(
          routing.contains("At threshold 0.75: 100.0% of the questions go to review"), routing);
      // Ten steps left by keyboard: 0.65, where the three confident answers are auto-routed.
      WebElement handle = a.find("#detail\\:thresholdSlider .ui-slider-handle");
      for (int i = 0; i < 10; i++) {
        handle.sendKeys(Keys.ARROW_LEFT);
      }
      a.waitUntil(d -> textOf(a, "detail:routing").contains("At threshold 0.65"));
      a.waitForAjax();
      routing = a.find("#detail\\:routing").getText();
      assertTrue(routing.contains("40.0% of the questions go to review, 3 are routed"), routing);
      assertTrue(routing.contains("automatically routed questions: 100.0%"), routing);
      assertEquals("65", a.find("#detail\\:threshold").getAttribute("value"));
      a.screenshot("models-threshold-slider");
      a.find("#detail\\:setThreshold").click();
      a.waitUntil(
          d -> d.getPageSource().contains("The review threshold of \u201cv1\u201d is now 0.65."));
      a.waitForAjax();
      assertEquals(0.65, version(s.v1()).getJsonNumber("threshold").doubleValue(), 1e-9);
      a.screenshot("models-threshold-set");

      // Activate v2 behind the confirmation dialog.
      openVersion(a, "v2");
      confirm(
          a,
          "#detail\\:activate",
          "models-confirm-activate",
          "\u201cv2\u201d is now the active model.");
      assertEquals("ACTIVE", version(s.v2()).getString("status"));
      assertEquals("RETIRED", version(s.v1()).getString("status"));
      a.screenshot("models-activated");

      // Roll back to v1, the version that was ACTIVE before.
      assertTrue(a.find("#versions\\:rollback").isEnabled(), "a roll back target exists");
      confirm(
          a,
          "#versions\\:rollback",
          "models-confirm-rollback",
          "Rolled back: \u201cv1\u201d is the active model again.");
      assertEquals("ACTIVE", version(s.v1()).getString("status"));
      assertEquals("RETIRED", version(s.v2()).getString("status"));
      a.screenshot("models-rolled-back");

      // Home: the active model with its last evaluation.
      a.open("/portal/home.xhtml");
      WebElement row =
          a.driver.findElement(
              By.xpath("//tbody//tr[td[1][normalize-space()='" + s.taxonomyName() + "']]"));
      assertTrue(row.getText().contains("v1"), row.getText());
      assertTrue(row.getText().contains("accuracy 0.600 \u00b7 macro-F1 0.611"), row.getText());
      assertTrue(row.getText().contains("on eval/TEST"), row.getText());
      a.driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", row);
      a.screenshot("models-home-last-evaluation");
      // Its "Models page" link opens the page on that version, evaluation shown.
      row.findElement(By.linkText("Models page")).click();
      a.waitUntil(d -> textOf(a, "selectedName").equals("v1"));
      a.waitForAjax();
      assertEquals("0.6000", a.find("#detail\\:figAccuracy").getText());
    }
    // Reviewers may not open the page, nor its charts.
    try (Browser r =
        new Browser()
            .signIn(
                "reviewer", System.getProperty("qcat.it.reviewerPassword", "reviewer-change-me"))) {
      assertFalse(r.present("#nav\\:models"), "reviewer has no Models menu item");
      r.open("/portal/admin/models.xhtml?taxonomy=" + s.taxonomyId());
      assertEquals("Not allowed", r.find("#page-title").getText());
      assertFalse(r.present("#versions\\:table"));
      long evaluationId =
          admin
              .get("/model-versions/" + s.v1() + "/evaluations")
              .body()
              .asJsonArray()
              .getJsonObject(0)
              .getJsonNumber("id")
              .longValue();
      r.open("/portal/admin/charts/" + evaluationId + "/confusion.png");
      assertEquals("Not allowed", r.find("#page-title").getText());
      r.screenshot("models-refused-for-reviewer");
    }
    // The classifier serves v1 again, with the threshold set on the page: 0.691 ≥ 0.65 → automatic.
    Answer c =
        admin.post(
            "/classify", "{\"taxonomy\":" + str(s.taxonomyName()) + ",\"text\":\"Lost my card\"}");
    assertEquals(200, c.status(), c.toString());
    assertEquals(s.v1(), c.json().getJsonNumber("modelVersionId").longValue(), c.toString());
    assertEquals("AUTOMATIC", c.json().getString("routing"), c.toString());
  }

  @Test
  void evaluatesATinyQwen2CheckpointThroughTheEngine() {
    String tiny = System.getProperty("qcat.it.tinyModelDir");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        tiny != null && new File(tiny, "config.json").isFile(),
        "no tiny random checkpoint (qcat.it.tinyModelDir)");
    Setup s = setup(tiny);
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      openModels(a, s);
      openVersion(a, "v1");
      evaluateNow(a, "v1", Duration.ofSeconds(240));
      // A random model: only the bookkeeping is known, not the figures.
      assertTrue(
          a.find("#detail\\:figExamples").getText().startsWith("5 scored (0 skipped"),
          a.find("#detail\\:figExamples").getText());
      double accuracy = Double.parseDouble(a.find("#detail\\:figAccuracy").getText());
      assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
      a.waitUntil(d -> imageLoaded(a, "reliabilityDiagram"));
      a.screenshot("models-evaluated-tiny-qwen2");
    }
  }

  /**
   * A dataset whose questions all contain "slow": the keyword model takes 300 ms per batch of 16,
   * so an evaluation of its {@code n} examples runs for about n / 16 × 0.3 s.
   */
  private long slowDataset(long taxonomyId, int n) {
    Answer d = admin.post("/taxonomies/" + taxonomyId + "/datasets", "{\"name\":\"slow\"}");
    assertEquals(201, d.status(), d.toString());
    long id = d.json().getJsonNumber("id").longValue();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < n; i++) {
      lines
          .append("{" + I + ",\"input\":\"slow question ")
          .append(i)
          .append(" about my card\",\"output\":\"card\"}\n");
    }
    Answer imported =
        admin.postRaw(
            "/datasets/" + id + "/import?split=test", "application/x-ndjson", lines.toString());
    assertEquals(200, imported.status(), imported.toString());
    assertEquals(n, imported.json().getInt("imported"), imported.toString());
    return id;
  }

  private static final java.util.regex.Pattern SCORED =
      java.util.regex.Pattern.compile("Evaluation RUNNING: ([\\d,]+) of ([\\d,]+) examples scored");

  /** A count as the page formats it ("1,600"). */
  private static int number(String text) {
    return Integer.parseInt(text.replace(",", ""));
  }

  /** Examples scored so far, as the progress line says; -1 while it shows none. */
  private static int scored(Browser a) {
    java.util.regex.Matcher m = SCORED.matcher(textOf(a, "detail:runState"));
    return m.find() ? number(m.group(1)) : -1;
  }

  /**
   * "Cancel evaluation" on the Models page stops a running evaluation for real: it ends CANCELLED
   * part-way, nothing is stored, and the next evaluation runs at once (one runs at a time, so the
   * cancelled one has let go). The same through REST: 202 while cancelling, 409 once finished.
   */
  @Test
  void runningEvaluationCancelledOnThePageAndThroughRest() throws Exception {
    Setup s = setup(KeywordModelRuntime.BASE_PATH);
    int n = 1_600; // 100 batches of 300 ms: ~30 s unless cancelled
    long slow = slowDataset(s.taxonomyId(), n);
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      openModels(a, s);
      openVersion(a, "v1");
      assertFalse(a.present("#detail\\:cancelEvaluation"), "nothing to cancel yet");
      new Select(a.find("#detail\\:dataset")).selectByVisibleText("slow (" + n + ")");
      new Select(a.find("#detail\\:split")).selectByVisibleText("TEST");
      a.find("#detail\\:evaluate").click();
      a.waitUntil(d -> scored(a) > 0);
      a.waitForAjax();
      a.screenshot("models-evaluation-running");
      a.find("#detail\\:cancelEvaluation").click();
      new WebDriverWait(a.driver, Duration.ofSeconds(60))
          .until(d -> d.getPageSource().contains("The evaluation was cancelled after"));
      a.waitForAjax();
      String message = a.find("#messages").getText();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("cancelled after ([\\d,]+) of ([\\d,]+) examples")
              .matcher(message);
      assertTrue(m.find(), message);
      assertEquals(n, number(m.group(2)), message);
      assertTrue(number(m.group(1)) < n, "stopped part-way: " + message);
      assertFalse(a.present("#detail\\:cancelEvaluation"), "nothing runs any more");
      assertTrue(a.present("#detail\\:noEvaluation"), "nothing was stored");
      assertEquals(
          0, admin.get("/model-versions/" + s.v1() + "/evaluations").body().asJsonArray().size());
      a.driver.executeScript("window.scrollTo(0, 0);");
      a.screenshot("models-evaluation-cancelled");
      // One evaluation runs at a time: this one finishes only if the cancelled one has stopped.
      evaluateNow(a, "v1", Duration.ofSeconds(60));
      assertEquals("0.6000", a.find("#detail\\:figAccuracy").getText());
    }

    // REST: start, cancel (202, cancelling), then CANCELLED part-way; cancelling again is 409.
    String body = "{\"datasetId\":" + slow + ",\"split\":\"test\"}";
    Answer started = admin.post("/model-versions/" + s.v1() + "/evaluations", body);
    assertEquals(202, started.status(), started.toString());
    String runId = started.json().getString("id");
    JsonObject run = started.json();
    for (int i = 0; i < 240 && run.getInt("done") == 0; i++) {
      Thread.sleep(250);
      run = admin.get("/evaluations/runs/" + runId).json();
    }
    assertTrue(run.getInt("done") > 0, run.toString());
    assertEquals(403, Api.reviewer().post("/evaluations/runs/" + runId + "/cancel", "").status());
    Answer cancel = admin.post("/evaluations/runs/" + runId + "/cancel", "");
    assertEquals(202, cancel.status(), cancel.toString());
    assertTrue(
        cancel.json().getBoolean("cancelling")
            || cancel.json().getString("state").equals("CANCELLED"),
        cancel.toString());
    for (int i = 0; i < 240 && !run.getString("state").equals("CANCELLED"); i++) {
      Thread.sleep(250);
      run = admin.get("/evaluations/runs/" + runId).json();
    }
    assertEquals("CANCELLED", run.getString("state"), run.toString());
    assertTrue(run.getInt("done") < n, run.toString());
    assertFalse(run.getBoolean("cancelling"), run.toString());
    Thread.sleep(1_000);
    assertEquals(
        run.getInt("done"),
        admin.get("/evaluations/runs/" + runId).json().getInt("done"),
        "no batch is scored after the cancel");
    assertEquals(409, admin.post("/evaluations/runs/" + runId + "/cancel", "").status());
    assertEquals(404, admin.post("/evaluations/runs/no-such-run/cancel", "").status());
    assertEquals(
        1, admin.get("/model-versions/" + s.v1() + "/evaluations").body().asJsonArray().size());
  }

  /** The same evaluation through REST: 202 + run to poll, then the stored figures as JSON. */
  @Test
  void evaluationThroughRestWithBadInputRefused() throws Exception {
    Setup s = setup(KeywordModelRuntime.BASE_PATH);
    long datasetId =
        admin
            .get("/taxonomies/" + s.taxonomyId() + "/datasets")
            .body()
            .asJsonArray()
            .getValuesAs(JsonObject.class)
            .stream()
            .filter(o -> o.getString("name").equals("eval"))
            .findFirst()
            .orElseThrow()
            .getJsonNumber("id")
            .longValue();
    String body = "{\"datasetId\":" + datasetId + ",\"split\":\"test\"}";

    assertEquals(
        403, Api.reviewer().post("/model-versions/" + s.v1() + "/evaluations", body).status());
    assertEquals(404, admin.post("/model-versions/999999999/evaluations", body).status());
    Answer badSplit =
        admin.post(
            "/model-versions/" + s.v1() + "/evaluations",
            "{\"datasetId\":" + datasetId + ",\"split\":\"holdout\"}");
    assertEquals(400, badSplit.status(), badSplit.toString());
    Setup other = setup(KeywordModelRuntime.BASE_PATH);
    Answer foreign = admin.post("/model-versions/" + other.v1() + "/evaluations", body);
    assertEquals(400, foreign.status(), foreign.toString());

    Answer started = admin.post("/model-versions/" + s.v1() + "/evaluations", body);
    assertEquals(202, started.status(), started.toString());
    String runId = started.json().getString("id");
    JsonObject run = started.json();
    for (int i = 0; i < 120 && !run.getString("state").equals("DONE"); i++) {
      assertFalse(run.getString("state").equals("FAILED"), run.toString());
      Thread.sleep(250);
      Answer r = admin.get("/evaluations/runs/" + runId);
      assertEquals(200, r.status(), r.toString());
      run = r.json();
    }
    assertEquals("DONE", run.getString("state"), run.toString());
    assertEquals(5, run.getInt("total"), run.toString());

    Answer e = admin.get("/evaluations/" + run.getJsonNumber("evaluationId"));
    assertEquals(200, e.status(), e.toString());
    JsonObject figures = e.json();
    assertEquals(5, figures.getInt("examples"));
    assertEquals(0.6, figures.getJsonNumber("accuracy").doubleValue(), 1e-12);
    assertEquals(
        (0.5 + 2.0 / 3 + 2.0 / 3) / 3, figures.getJsonNumber("macroF1").doubleValue(), 1e-12);
    assertEquals(46, figures.getJsonArray("operatingCurve").size());
    JsonObject at95 = figures.getJsonArray("operatingCurve").getJsonObject(45);
    assertEquals(0, at95.getInt("autoRouted"));
    assertTrue(at95.isNull("autoAccuracy"), "no auto-routed question: null, not NaN");
    assertEquals(
        "[[1,0,0],[1,1,0],[1,0,1]]",
        figures.getJsonObject("confusionMatrix").getJsonArray("counts").toString());
    Answer list = Api.reviewer().get("/model-versions/" + s.v1() + "/evaluations");
    assertEquals(200, list.status(), list.toString());
    assertEquals(1, list.body().asJsonArray().size());
    Answer missing = admin.get("/evaluations/" + run.getJsonNumber("evaluationId") + "0000");
    assertEquals(404, missing.status(), missing.toString());
  }
}
