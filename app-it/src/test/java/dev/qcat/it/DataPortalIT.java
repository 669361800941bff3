package dev.qcat.it;

import static dev.qcat.it.Api.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.it.Api.Answer;
import jakarta.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The taxonomy editor's merge and split and the datasets page (CSV upload with bad lines, search,
 * edit, delete, splits, duplicates, class balance) in headless Chromium against the EAR on a real
 * Payara and PostgreSQL; the keyword model ({@link KeywordModelRuntime}) answers classifications.
 * Each test saves screenshots under {@code target/screenshots}. {@code QCAT_IT_PERF_100K=1} also
 * runs the 100,000-row timing of the examples table.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DataPortalIT {

  private static final String ADMIN_PASSWORD =
      System.getProperty("qcat.it.adminPassword", "admin-change-me");
  private static final String INSTRUCTION =
      "\"instruction\":\"Categorize the following user query.\"";

  @Deployment(testable = false)
  static EnterpriseArchive deployment() {
    File ear = new File(System.getProperty("qcat.it.ear", "../app-ear/target/qcat.ear"));
    EnterpriseArchive archive = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    archive.getAsType(JavaArchive.class, "app-domain.jar").addClass(KeywordModelRuntime.class);
    return archive;
  }

  private final Api admin = Api.admin();

  /** A taxonomy card/loan/transfer served by the keyword model; returns its JSON. */
  private JsonObject taxonomyWithModel() {
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(Api.unique("data"))
                + ",\"auditRate\":0,\"categories\":[{\"name\":\"card\"},{\"name\":\"loan\"},"
                + "{\"name\":\"transfer\"}]}");
    assertEquals(201, t.status(), t.toString());
    Answer m =
        admin.post(
            "/model-versions",
            "{\"taxonomyId\":"
                + t.json().getJsonNumber("id")
                + ",\"name\":\"v1\",\"baseModelPath\":"
                + str(KeywordModelRuntime.BASE_PATH)
                + "}");
    assertEquals(201, m.status(), m.toString());
    Answer a = admin.post("/model-versions/" + m.json().getJsonNumber("id") + "/activate", "");
    assertEquals(200, a.status(), a.toString());
    return t.json();
  }

  private long dataset(long taxonomyId, String name) {
    Answer d =
        admin.post("/taxonomies/" + taxonomyId + "/datasets", "{\"name\":" + str(name) + "}");
    assertEquals(201, d.status(), d.toString());
    return d.json().getJsonNumber("id").longValue();
  }

  private static String line(String input, String output, String split) {
    return "{"
        + INSTRUCTION
        + ",\"input\":"
        + str(input)
        + ",\"output\":"
        + str(output)
        + (split == null ? "" : ",\"split\":" + str(split))
        + "}";
  }

  private void importJsonl(long datasetId, List<String> lines) {
    Answer r =
        admin.postRaw(
            "/datasets/" + datasetId + "/import", "application/x-ndjson", String.join("\n", lines));
    assertEquals(200, r.status(), r.toString());
    assertEquals(lines.size(), r.json().getInt("imported"), r.toString());
  }

  private JsonObject classify(String taxonomy, String text) {
    Answer c =
        admin.post("/classify", "{\"taxonomy\":" + str(taxonomy) + ",\"text\":" + str(text) + "}");
    assertEquals(200, c.status(), c.toString());
    return c.json();
  }

  private long examplesIn(long taxonomyId, String dataset) {
    Answer d = admin.get("/taxonomies/" + taxonomyId + "/datasets");
    assertEquals(200, d.status(), d.toString());
    return d.body().asJsonArray().getValuesAs(JsonObject.class).stream()
        .filter(o -> o.getString("name").equals(dataset))
        .mapToLong(o -> o.getJsonNumber("examples").longValue())
        .sum();
  }

  /** Picks the taxonomy (and then the dataset) on the datasets page, waiting for each re-render. */
  private static void pick(Browser a, JsonObject taxonomy, String datasetName) {
    Select t = new Select(a.find("#pick\\:taxonomy"));
    String label = taxonomy.getString("name") + " v" + taxonomy.getInt("version");
    if (!t.getFirstSelectedOption().getText().equals(label)) {
      WebElement before = a.find("#pick\\:newName");
      t.selectByVisibleText(label);
      a.waitUntil(ExpectedConditions.stalenessOf(before));
      a.waitForAjax();
    }
    if (datasetName != null) {
      Select d = new Select(a.find("#pick\\:dataset"));
      WebElement option =
          d.getOptions().stream()
              .filter(o -> o.getText().startsWith(datasetName + " ("))
              .findFirst()
              .orElseThrow();
      if (!option.isSelected()) {
        WebElement before = a.find("#examplesForm\\:examples");
        d.selectByVisibleText(option.getText());
        a.waitUntil(ExpectedConditions.stalenessOf(before));
        a.waitForAjax();
      }
    }
  }

  /** Rows shown in the examples table (read in one script, so a re-render cannot interfere). */
  private static int rows(Browser a) {
    Object n =
        a.driver.executeScript(
            "return document.querySelectorAll("
                + "'[id=\"examplesForm:examples_data\"] > tr:not(.ui-datatable-empty-message)')"
                + ".length;");
    return ((Number) n).intValue();
  }

  @Test
  void mergeAndSplitCarryExamplesAndReviewsAndNewCategoriesAreScoredZeroShot() {
    JsonObject t = taxonomyWithModel();
    long taxonomyId = t.getJsonNumber("id").longValue();
    String name = t.getString("name");
    long d = dataset(taxonomyId, "seed");
    importJsonl(
        d,
        List.of(
            line("card one", "card", null),
            line("card two", "card", null),
            line("loan one", "loan", null),
            line("transfer one", "transfer", null)));
    // Uniform over card/loan/transfer: goes to review, its top-k lists card.
    JsonObject open = classify(name, "Something without a category");
    assertEquals("REVIEW", open.getString("routing"), open.toString());
    assertFalse(open.getBoolean("zeroShot"), open.toString());
    long openTask = open.getJsonNumber("reviewTaskId").longValue();

    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      a.open("/portal/admin/taxonomy.xhtml?id=" + taxonomyId);
      assertTrue(a.find("#editor\\:untrainedSummary").getText().contains("v1"));
      new Select(a.find("#editor\\:selected")).selectByVisibleText("card");
      new Select(a.find("#editor\\:mergeTarget")).selectByVisibleText("loan");
      a.find("#editor\\:merge").click();
      a.driver.switchTo().alert().accept();
      a.waitUntil(
          d2 -> d2.getPageSource().contains("Merged \u201ccard\u201d into \u201cloan\u201d"));
      a.waitForAjax();
      assertEquals("2", a.find("#editor\\:version").getText());
      WebElement loanRow =
          a.driver.findElement(By.xpath("//tbody//tr[td[1][normalize-space()='loan']]"));
      assertEquals("3", loanRow.findElements(By.tagName("td")).get(3).getText().trim());

      new Select(a.find("#editor\\:selected")).selectByVisibleText("transfer");
      a.find("#editor\\:splitParts")
          .sendKeys("transfer_in: money coming in", Keys.ENTER, "transfer_out: money going out");
      a.find("#editor\\:split").click();
      a.waitUntil(
          d2 ->
              d2.getPageSource()
                  .contains(
                      "Split \u201ctransfer\u201d into transfer_in, transfer_out; its 1 examples"
                          + " stay with \u201ctransfer\u201d"));
      a.waitForAjax();
      assertEquals("3", a.find("#editor\\:version").getText());
      assertEquals(
          2, a.driver.findElements(By.cssSelector("#editor\\:tree .qcat-zero-shot")).size());
      String changes = a.find("#editor\\:untrainedChanges").getText();
      assertTrue(changes.contains("taxonomy.category.merge"), changes);
      assertTrue(changes.contains("taxonomy.category.split"), changes);
      assertTrue(a.find("#editor\\:untrainedSummary").getText().contains("2 change"));
      a.screenshot("taxonomy-merge-split-untrained");

      // A rename takes effect on the loaded model at once (no re-activation).
      new Select(a.find("#editor\\:selected")).selectByVisibleText("loan");
      a.find("#editor\\:newName").sendKeys("loans");
      a.find("#editor\\:rename").click();
      a.waitUntil(
          d2 -> d2.getPageSource().contains("Renamed \u201cloan\u201d to \u201cloans\u201d"));
      a.waitForAjax();
    }
    var categories =
        admin
            .get("/taxonomies/" + taxonomyId)
            .json()
            .getJsonArray("categories")
            .getValuesAs(JsonObject.class);
    assertTrue(
        categories.stream()
            .anyMatch(
                c ->
                    c.getString("name").equals("card") && c.getString("status").equals("RETIRED")));
    assertTrue(
        categories.stream()
            .anyMatch(
                c ->
                    c.getString("name").equals("transfer")
                        && c.getString("status").equals("RETIRED")));

    // The open review came along: its prediction now names loans (card + loan), not card.
    JsonObject task = admin.get("/reviews/" + openTask).json();
    JsonObject prediction = admin.get("/predictions/" + task.getJsonNumber("predictionId")).json();
    var topK = prediction.getJsonArray("topK").getValuesAs(JsonObject.class);
    assertEquals("loans", topK.get(0).getString("category"), prediction.toString());
    assertEquals(2.0 / 3, topK.get(0).getJsonNumber("confidence").doubleValue(), 0.02);
    assertTrue(topK.stream().noneMatch(k -> k.getString("category").equals("card")));
    Answer resolved = admin.post("/reviews/" + openTask + "/resolve", "{\"category\":\"loans\"}");
    assertEquals(200, resolved.status(), resolved.toString());

    JsonObject renamed = classify(name, "Two loans please");
    assertEquals("loans", renamed.getString("category"), renamed.toString());
    assertFalse(renamed.getBoolean("zeroShot"), "loans (was loan) was trained on");
    JsonObject fresh = classify(name, "A transfer_in from abroad");
    assertEquals("transfer_in", fresh.getString("category"), fresh.toString());
    assertTrue(fresh.getBoolean("zeroShot"), "a category added after the model is zero-shot");
    JsonObject stored = admin.get("/predictions/" + fresh.getJsonNumber("id")).json();
    assertTrue(stored.getBoolean("zeroShot"), "stored on the prediction: " + stored);
  }

  @Test
  void csvUploadWithBadLinesThenSearchEditAndDelete() throws Exception {
    JsonObject t = taxonomyWithModel();
    long taxonomyId = t.getJsonNumber("id").longValue();
    Path file = Files.createTempFile("qcat-upload-", ".csv");
    Files.writeString(
        file,
        String.join(
            "\n",
            "text,label",
            "My card is lost,card",
            "\"Loan rates, please?\",loan",
            "Send money abroad,transfer",
            "one,two,three",
            "Empty label here,",
            "Pizza?,pizza"));
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      a.open("/portal/admin/datasets.xhtml");
      pick(a, t, null);
      a.find("#pick\\:newName").sendKeys("csv-test");
      a.find("#pick\\:create").click();
      a.waitUntil(d -> d.getPageSource().contains("Dataset \u201ccsv-test\u201d created."));
      a.waitForAjax();
      a.find("#upload input[type=file]").sendKeys(file.toAbsolutePath().toString());
      a.find("#upload\\:check").click();
      String summary = a.waitUntil(d -> d.findElement(By.id("reportSummary"))).getText();
      assertTrue(
          summary.contains("(CSV): 6 lines read, 3 would be imported, 3 would be skipped"),
          summary);
      String report = a.find("#upload\\:skipped").getText();
      assertTrue(report.contains("expected 2 columns (text,label) but found 3"), report);
      assertTrue(report.contains("empty label"), report);
      assertTrue(report.contains("unknown category 'pizza'"), report);
      a.screenshot("dataset-csv-import-report");
      assertEquals(0, examplesIn(taxonomyId, "csv-test"), "nothing stored before the commit");

      a.find("#upload\\:commit").click();
      a.waitUntil(d -> d.getPageSource().contains("Imported 3 examples from"));
      a.waitForAjax();
      assertEquals(3, examplesIn(taxonomyId, "csv-test"));
      a.waitUntil(d -> rows(a) == 3);
      a.screenshot("dataset-csv-after-commit");

      // Full-text search (stemmed: "lost" finds "lost").
      a.find("#examplesForm\\:search").sendKeys("lost");
      a.find("#examplesForm\\:applyFilter").click();
      a.waitUntil(d -> rows(a) == 1);
      a.waitForAjax();
      assertTrue(a.find("#examplesForm\\:examples_data").getText().contains("My card is lost"));
      a.screenshot("dataset-search");

      // Edit the row in place: text, category and split.
      a.find("#examplesForm\\:examples_data .ui-row-editor-pencil").click();
      WebElement text = a.waitUntil(d -> d.findElement(By.id("examplesForm:examples:0:editText")));
      a.waitUntil(ExpectedConditions.visibilityOf(text));
      text.clear();
      text.sendKeys("My credit card was lost");
      new Select(a.find("#examplesForm\\:examples\\:0\\:editSplit"))
          .selectByVisibleText("VALIDATION");
      a.find("#examplesForm\\:examples_data .ui-row-editor-check").click();
      a.waitUntil(d -> d.getPageSource().contains(" saved."));
      a.waitForAjax();
      String row = a.find("#examplesForm\\:examples_data").getText();
      assertTrue(row.contains("My credit card was lost") && row.contains("VALIDATION"), row);
      a.screenshot("dataset-example-edited");

      // Clear the search; delete one example.
      a.find("#examplesForm\\:clearFilter").click();
      a.waitUntil(d -> rows(a) == 3);
      a.waitForAjax();
      WebElement abroad =
          a.driver.findElement(
              By.xpath(
                  "//tbody[@id='examplesForm:examples_data']/tr[td[contains(., 'Send money abroad')]]"));
      abroad.findElement(By.cssSelector("button[id$=':delete']")).click();
      a.driver.switchTo().alert().accept();
      a.waitUntil(d -> d.getPageSource().contains(" deleted."));
      a.waitForAjax();
      a.waitUntil(d -> rows(a) == 2);
      assertEquals(2, examplesIn(taxonomyId, "csv-test"));
      assertFalse(a.find("#examplesForm\\:examples_data").getText().contains("Send money abroad"));
      a.screenshot("dataset-example-deleted");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void splitsDuplicatesLeakageAndClassBalance() {
    JsonObject t = taxonomyWithModel();
    long taxonomyId = t.getJsonNumber("id").longValue();
    long d = dataset(taxonomyId, "splits");
    java.util.ArrayList<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      lines.add(line("card question number " + i, "card", "train"));
      lines.add(line("loan question number " + i, "loan", "train"));
    }
    lines.add(line("transfer question", "transfer", "train"));
    lines.add(line("My card is lost", "card", "train"));
    lines.add(line("my card is LOST!", "card", "test")); // leaks after normalisation
    lines.add(line("loan question number 3", "loan", "train")); // exact repeat within train
    importJsonl(d, lines);

    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      a.open("/portal/admin/datasets.xhtml");
      pick(a, t, "splits");
      assertTrue(a.present("#balanceForm\\:balanceChart canvas"), "class-balance chart drawn");
      assertTrue(a.find("#balanceForm\\:imbalance").getText().startsWith("3 categories"));

      a.find("#duplicatesForm\\:findDuplicates").click();
      String summary = a.waitUntil(d2 -> d2.findElement(By.id("duplicatesSummary"))).getText();
      assertTrue(
          summary.contains(
              "1 question(s) occur in more than one split (0 validation and 1 test"
                  + " examples leak); 1 repeat within one split"),
          summary);
      String groups = a.find("#duplicatesForm\\:duplicateGroups").getText();
      assertTrue(groups.contains("NORMALISED") && groups.contains("EXACT"), groups);
      a.screenshot("dataset-duplicates-leakage");

      // Filter by split.
      new Select(a.find("#examplesForm\\:filterSplit")).selectByValue("TEST");
      a.find("#examplesForm\\:applyFilter").click();
      a.waitUntil(d2 -> rows(a) == 1);
      a.waitForAjax();

      // Stratified re-split (test stays): 25 % validation of train + validation.
      WebElement share = a.find("#splitForm\\:validationPercent_input");
      share.sendKeys(Keys.chord(Keys.CONTROL, "a"), "25");
      a.find("#splitForm\\:resplit").click();
      a.driver.switchTo().alert().accept();
      a.waitUntil(d2 -> d2.getPageSource().contains("Re-split with seed 42:"));
      a.waitForAjax();
      String msg = a.find("#messages").getText();
      assertTrue(msg.contains(" 1 test."), msg);

      // Move two selected rows to TEST.
      a.find("#examplesForm\\:clearFilter").click();
      a.waitUntil(d2 -> rows(a) == 20);
      a.waitForAjax();
      List<WebElement> boxes =
          a.driver.findElements(By.cssSelector("#examplesForm\\:examples_data .ui-chkbox-box"));
      boxes.get(0).click();
      a.waitForAjax();
      boxes.get(1).click();
      a.waitForAjax();
      new Select(a.find("#examplesForm\\:moveTo")).selectByValue("TEST");
      a.find("#examplesForm\\:move").click();
      a.waitUntil(d2 -> d2.getPageSource().contains("Moved 2 examples to TEST."));
      a.waitForAjax();
      a.screenshot("dataset-splits-balance");
    }
  }

  /**
   * On real input: the BANKING77 training set (read from ../shared/datasets, never copied) uploaded
   * through the datasets page into an empty taxonomy, letting the import add the 77 categories. The
   * report (10,003 lines, all importable) shows before anything is stored; after the commit the
   * examples table browses all of them, and filtered by a category it shows as many as the file
   * has. Times go to {@code target/dataset-banking77.txt}.
   */
  @Test
  void banking77TrainingSetUploadedThroughThePage() throws Exception {
    Path train =
        Path.of(System.getProperty("qcat.it.datasets", "../../shared/datasets"), "banking77")
            .resolve("train.jsonl");
    Assumptions.assumeTrue(Files.isReadable(train), "BANKING77 not found at " + train);
    List<String> labels;
    try (var lines = Files.lines(train)) {
      labels =
          lines
              .filter(l -> !l.isBlank())
              .map(l -> jakarta.json.Json.createReader(new java.io.StringReader(l)).readObject())
              .map(o -> o.getString("output"))
              .toList();
    }
    assertEquals(10_003, labels.size());
    assertEquals(77, labels.stream().distinct().count());
    String category = "Card arrival";
    long inCategory = labels.stream().filter(category::equals).count();
    String renamed = "Card delivery status";
    String source = "Card linking";
    String target = "Activate my card";
    long inSource = labels.stream().filter(source::equals).count();
    long inTarget = labels.stream().filter(target::equals).count();
    assertTrue(inCategory > 0 && inSource > 0 && inTarget > 0, "labels in the file");

    Answer created =
        admin.post(
            "/taxonomies",
            "{\"name\":" + str(Api.unique("banking77")) + ",\"auditRate\":0,\"categories\":[]}");
    assertEquals(201, created.status(), created.toString());
    JsonObject t = created.json();
    long taxonomyId = t.getJsonNumber("id").longValue();
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      a.open("/portal/admin/datasets.xhtml");
      pick(a, t, null);
      a.find("#pick\\:newName").sendKeys("banking77-train");
      a.find("#pick\\:create").click();
      a.waitUntil(d -> d.getPageSource().contains("Dataset \u201cbanking77-train\u201d created."));
      a.waitForAjax();

      a.find("#upload input[type=file]").sendKeys(train.toRealPath().toString());
      a.find("#upload\\:createCategories .ui-chkbox-box").click();
      a.waitUntil(
          d ->
              d.findElement(By.cssSelector("#upload\\:createCategories .ui-chkbox-box"))
                  .getAttribute("class")
                  .contains("ui-state-active"));
      long start = System.nanoTime();
      a.find("#upload\\:check").click();
      String summary =
          new org.openqa.selenium.support.ui.WebDriverWait(a.driver, Duration.ofSeconds(180))
              .until(d -> d.findElement(By.id("reportSummary")))
              .getText();
      double checkSeconds = (System.nanoTime() - start) / 1e9;
      assertTrue(
          summary.contains(
              "train.jsonl (JSONL): 10,003 lines read, 10,003 would be imported, 0 would be"
                  + " skipped"),
          summary);
      String skipped = a.find("#upload\\:skipped").getText();
      assertTrue(skipped.contains("No bad lines."), skipped);
      a.screenshot("dataset-banking77-import-report");
      assertEquals(0, examplesIn(taxonomyId, "banking77-train"), "nothing stored before commit");
      assertEquals(0, categories(taxonomyId), "no category added before commit");

      start = System.nanoTime();
      a.find("#upload\\:commit").click();
      new org.openqa.selenium.support.ui.WebDriverWait(a.driver, Duration.ofSeconds(300))
          .until(
              d ->
                  d.getPageSource()
                      .contains("Imported 10,003 examples from train.jsonl; 0 lines skipped."));
      double commitSeconds = (System.nanoTime() - start) / 1e9;
      a.waitForAjax();
      assertEquals(10_003, examplesIn(taxonomyId, "banking77-train"));
      assertEquals(77, categories(taxonomyId));

      // The table browses them all; filtered by one category it has as many as the file.
      assertEquals("1\u201320 / 10003", pageReport(a));
      assertEquals(20, rows(a));
      Select filter = new Select(a.find("#examplesForm\\:filterCategory"));
      assertEquals(1 + 77, filter.getOptions().size(), "(any category) and the 77 added");
      filter.selectByVisibleText(category);
      a.find("#examplesForm\\:applyFilter").click();
      a.waitUntil(d -> pageReport(a).equals("1\u201320 / " + inCategory));
      a.waitForAjax();
      Object ofCategory =
          a.driver.executeScript(
              "return Array.from(document.querySelectorAll('[id=\"examplesForm:examples_data\"] >"
                  + " tr')).filter(r => r.cells.length > 3 && r.cells[3].innerText.trim() ==="
                  + " arguments[0]).length;",
              category);
      assertEquals(20L, ((Number) ofCategory).longValue(), "every row shown is " + category);
      a.screenshot("dataset-banking77-imported");

      String figures =
          String.format(
              Locale.ROOT,
              "BANKING77 train.jsonl (10,003 lines) through the datasets page: check (upload +"
                  + " report) %.1f s, commit (background import, progress bar) %.1f s%n",
              checkSeconds,
              commitSeconds);
      System.out.print(figures);
      Files.writeString(Path.of("target", "dataset-banking77.txt"), figures);

      // The imported taxonomy edited on the taxonomy page, in the same session: a rename and a
      // merge, each a new version with an audit event; the examples go along.
      int version = admin.get("/taxonomies/" + taxonomyId).json().getInt("version");
      a.open("/portal/admin/taxonomy.xhtml?id=" + taxonomyId);
      assertEquals(String.valueOf(version), a.find("#editor\\:version").getText());
      assertEquals(inCategory, treeExamples(a, category));
      new Select(a.find("#editor\\:selected")).selectByVisibleText(category);
      a.find("#editor\\:newName").sendKeys(renamed);
      a.find("#editor\\:rename").click();
      a.waitUntil(
          d ->
              d.getPageSource()
                  .contains("Renamed \u201c" + category + "\u201d to \u201c" + renamed + "\u201d"));
      a.waitForAjax();
      assertEquals(String.valueOf(version + 1), a.find("#editor\\:version").getText());
      assertEquals(inCategory, treeExamples(a, renamed), "examples came along with the rename");

      new Select(a.find("#editor\\:selected")).selectByVisibleText(source);
      new Select(a.find("#editor\\:mergeTarget")).selectByVisibleText(target);
      a.find("#editor\\:merge").click();
      a.driver.switchTo().alert().accept();
      a.waitUntil(
          d ->
              d.getPageSource()
                  .contains("Merged \u201c" + source + "\u201d into \u201c" + target + "\u201d"));
      a.waitForAjax();
      assertEquals(String.valueOf(version + 2), a.find("#editor\\:version").getText());
      assertEquals(inSource + inTarget, treeExamples(a, target), "merged examples went along");
      assertEquals(0, treeExamples(a, source));
      String changes = a.find("#editor\\:untrainedChanges").getText();
      assertTrue(
          changes.contains(
              category + " -> " + renamed + "; open reviews restated: 0; now v" + (version + 1)),
          changes);
      assertTrue(
          changes.contains(source + " into " + target + "; examples relabelled: " + inSource),
          changes);
      assertTrue(changes.contains("taxonomy.category.rename"), changes);
      assertTrue(changes.contains("taxonomy.category.merge"), changes);
      a.screenshot("taxonomy-banking77-edited");
      assertEquals(
          version + 2, admin.get("/taxonomies/" + taxonomyId).json().getInt("version"), "REST");
    }
    Answer after = admin.get("/taxonomies/" + taxonomyId);
    assertEquals(200, after.status(), after.toString());
    JsonObject edited = after.json();
    var categories = edited.getJsonArray("categories").getValuesAs(JsonObject.class);
    assertTrue(categories.stream().noneMatch(c -> c.getString("name").equals(category)));
    assertTrue(
        categories.stream()
            .anyMatch(
                c -> c.getString("name").equals(renamed) && c.getString("status").equals("ACTIVE")),
        categories.toString());
    assertTrue(
        categories.stream()
            .anyMatch(
                c -> c.getString("name").equals(source) && c.getString("status").equals("RETIRED")),
        categories.toString());
    assertEquals(10_003, examplesIn(taxonomyId, "banking77-train"), "no example lost");
  }

  /** The examples column of the taxonomy page's tree for one category. */
  private static long treeExamples(Browser a, String category) {
    WebElement row =
        a.driver.findElement(By.xpath("//tbody//tr[td[1][normalize-space()='" + category + "']]"));
    return Long.parseLong(row.findElements(By.tagName("td")).get(3).getText().trim());
  }

  /** The examples table's "first–last / total" report, or "" while Ajax is replacing it. */
  private static String pageReport(Browser a) {
    try {
      return a.find("#examplesForm\\:examples_paginator_top .ui-paginator-current").getText();
    } catch (org.openqa.selenium.StaleElementReferenceException
        | org.openqa.selenium.NoSuchElementException e) {
      return "";
    }
  }

  private long categories(long taxonomyId) {
    Answer r = admin.get("/taxonomies/" + taxonomyId);
    assertEquals(200, r.status(), r.toString());
    return r.json().getJsonArray("categories").size();
  }

  /**
   * The examples table at 100,000 rows: imports a generated dataset through REST, then times the
   * page (first page, last page, a search, a filter) in the browser. Runs only with {@code
   * QCAT_IT_PERF_100K=1}; prints the figures.
   */
  @Test
  void examplesTableStaysFastAt100kRows() {
    Assumptions.assumeTrue(
        "1".equals(System.getenv("QCAT_IT_PERF_100K")), "set QCAT_IT_PERF_100K=1 to run");
    JsonObject t = taxonomyWithModel();
    long taxonomyId = t.getJsonNumber("id").longValue();
    long d = dataset(taxonomyId, "big");
    String[] words = {"card", "loan", "transfer"};
    java.util.Random random = new java.util.Random(1);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      String c = words[i % 3];
      body.append(
              line(
                  "question " + i + " about my " + c + " number " + random.nextInt(1_000_000),
                  c,
                  i % 10 == 0 ? "valid" : "train"))
          .append('\n');
    }
    long start = System.nanoTime();
    Answer r = admin.postRaw("/datasets/" + d + "/import", "application/x-ndjson", body.toString());
    long importMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, r.status(), r.toString());
    assertEquals(100_000, r.json().getInt("imported"));
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      a.open("/portal/admin/datasets.xhtml");
      pick(a, t, null);
      start = System.nanoTime();
      a.open("/portal/admin/datasets.xhtml");
      long pageMs = (System.nanoTime() - start) / 1_000_000;
      pick(a, t, "big");
      assertEquals(20, rows(a));
      start = System.nanoTime();
      a.find("#examplesForm\\:examples_paginator_top .ui-paginator-last").click();
      a.waitUntil(
          d2 ->
              d2.findElement(By.id("examplesForm:examples_data"))
                  .getText()
                  .contains("question 99999 "));
      long lastMs = (System.nanoTime() - start) / 1_000_000;
      start = System.nanoTime();
      a.find("#examplesForm\\:search").sendKeys("99999");
      a.find("#examplesForm\\:applyFilter").click();
      a.waitUntil(d2 -> rows(a) == 1);
      long searchMs = (System.nanoTime() - start) / 1_000_000;
      a.screenshot("dataset-100k-search");
      System.out.printf(
          Locale.ROOT,
          "100k rows: REST import %d ms; datasets page load %d ms; last page %d ms; search %d ms%n",
          importMs,
          pageMs,
          lastMs,
          searchMs);
    }
  }
}
