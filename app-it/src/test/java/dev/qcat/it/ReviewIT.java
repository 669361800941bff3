package dev.qcat.it;

import static dev.qcat.it.Api.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.it.Api.Answer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The review queue (issue 6, part B) in a real browser and through REST: sorting and filters of the
 * lazy queue table, "next" within the filters, skip releasing the claim, ambiguous / needs a new
 * category by keyboard (no training example, admin filters), a lost race against a mark, similar
 * labelled examples (pg_trgm) and per-reviewer counts. Tasks come from the test-only {@link
 * KeywordModelRuntime}: a question naming no category is uniform (1/3 → review), one naming two of
 * the three is ≈0.5 (→ review, higher confidence). Each browser test saves a screenshot.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReviewIT {

  private static final String ADMIN_PASSWORD =
      System.getProperty("qcat.it.adminPassword", "admin-change-me");
  private static final String REVIEWER_PASSWORD =
      System.getProperty("qcat.it.reviewerPassword", "reviewer-change-me");

  @Deployment(testable = false)
  static EnterpriseArchive deployment() {
    File ear = new File(System.getProperty("qcat.it.ear", "../app-ear/target/qcat.ear"));
    EnterpriseArchive archive = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    archive.getAsType(JavaArchive.class, "app-domain.jar").addClass(KeywordModelRuntime.class);
    return archive;
  }

  private final Api admin = Api.admin();
  private final Api reviewer = Api.reviewer();

  /** A taxonomy with card/loan/transfer and an active keyword model "v1"; its JSON. */
  private JsonObject taxonomy() {
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(Api.unique("review"))
                + ",\"auditRate\":0,\"categories\":[{\"name\":\"card\"},{\"name\":\"loan\"},"
                + "{\"name\":\"transfer\"}]}");
    assertEquals(201, t.status(), t.toString());
    activate(id(t.json()), "v1");
    return t.json();
  }

  /** Registers and activates a keyword model version; returns its id. */
  private long activate(long taxonomyId, String name) {
    Answer m =
        admin.post(
            "/model-versions",
            "{\"taxonomyId\":"
                + taxonomyId
                + ",\"name\":"
                + str(name)
                + ",\"baseModelPath\":"
                + str(KeywordModelRuntime.BASE_PATH)
                + "}");
    assertEquals(201, m.status(), m.toString());
    Answer a = admin.post("/model-versions/" + id(m.json()) + "/activate", "");
    assertEquals(200, a.status(), a.toString());
    return id(m.json());
  }

  /** Classifies a question that goes to review; returns the task id. */
  private long reviewTask(JsonObject taxonomy, String question) {
    Answer c =
        admin.post(
            "/classify",
            "{\"taxonomy\":"
                + str(taxonomy.getString("name"))
                + ",\"text\":"
                + str(question)
                + "}");
    assertEquals(200, c.status(), c.toString());
    assertEquals("REVIEW", c.json().getString("routing"), c.toString());
    return c.json().getJsonNumber("reviewTaskId").longValue();
  }

  private JsonObject task(long id) {
    Answer r = admin.get("/reviews/" + id);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  /** JSON-B leaves null fields out. */
  private static boolean absent(JsonObject o, String key) {
    return !o.containsKey(key) || o.isNull(key);
  }

  private static long id(JsonObject o) {
    return o.getJsonNumber("id").longValue();
  }

  private static void press(Browser b, CharSequence keys) {
    new Actions(b.driver).sendKeys(keys).perform();
  }

  /** Picks an option of a select that re-renders the form, and waits for the new form. */
  private static void choose(Browser b, String selectCss, String visibleText) {
    WebElement before = b.find(selectCss);
    new Select(before).selectByVisibleText(visibleText);
    b.waitUntil(ExpectedConditions.stalenessOf(before));
    b.waitForAjax();
  }

  /** The task ids in the queue table, top to bottom. */
  private static List<Long> queueIds(Browser b) {
    return b.driver.findElements(By.cssSelector("#review\\:queue_data a[data-task-id]")).stream()
        .map(a -> Long.parseLong(a.getAttribute("data-task-id")))
        .toList();
  }

  private long examples(long taxonomyId) {
    Answer d = admin.get("/taxonomies/" + taxonomyId + "/datasets");
    assertEquals(200, d.status(), d.toString());
    return d.body().asJsonArray().getValuesAs(JsonObject.class).stream()
        .mapToLong(o -> o.getJsonNumber("examples").longValue())
        .sum();
  }

  @Test
  void queueSortsByConfidenceOrAgeFiltersByModelAndNextClaimsWithinTheFilters() {
    JsonObject t = taxonomy();
    long taxonomyId = id(t);
    long twoNamed = reviewTask(t, "Is it about a card or a loan?"); // ≈0.5, oldest
    long none1 = reviewTask(t, "What about my thing from yesterday?"); // 1/3
    long v2 = activate(taxonomyId, "v2");
    long none2 = reviewTask(t, "Something else entirely"); // 1/3, by v2
    String predicted = task(none1).getString("predictedCategory");

    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      r.open("/portal/review.xhtml");
      choose(r, "#review\\:taxonomy", t.getString("name"));
      assertEquals(List.of(none1, none2, twoNamed), queueIds(r), "lowest confidence first");
      r.find("#review\\:sort")
          .findElement(By.xpath(".//*[normalize-space()='Oldest first']"))
          .click();
      r.waitForAjax();
      r.waitUntil(d -> queueIds(r).equals(List.of(twoNamed, none1, none2)));

      choose(r, "#review\\:modelVersion", "v2 (ACTIVE)");
      assertEquals(List.of(none2), queueIds(r), "only v2's predictions");
      choose(r, "#review\\:modelVersion", "v1 (RETIRED)");
      assertEquals(List.of(twoNamed, none1), queueIds(r), "only v1's predictions");
      r.screenshot("review-queue-filtered-by-model");

      // "n" claims the first task in the chosen order that passes the filters.
      press(r, "n");
      r.waitUntil(d -> d.findElements(By.id("review:taskInfo")).size() == 1);
      assertEquals(String.valueOf(twoNamed), r.find("#review\\:task").getAttribute("data-task-id"));
      JsonObject claimed = task(twoNamed);
      assertEquals("CLAIMED", claimed.getString("status"));
      assertEquals("reviewer", claimed.getString("reviewer"));

      choose(r, "#review\\:modelVersion", "All");
      choose(r, "#review\\:category", predicted);
      List<Long> shown = queueIds(r);
      assertTrue(shown.contains(none1), shown.toString());
      for (long id : shown) {
        assertEquals(predicted, task(id).getString("predictedCategory"), "task " + id);
      }
      Answer rest =
          reviewer.get(
              "/reviews?taxonomyId="
                  + taxonomyId
                  + "&modelVersionId="
                  + v2
                  + "&status=OPEN&sort=created");
      assertEquals(200, rest.status(), rest.toString());
      assertEquals(1, rest.body().asJsonArray().size(), rest.toString());
      r.screenshot("review-queue-filtered-by-category");
    }
  }

  @Test
  void skipReleasesTheClaimAndTakesTheNextTask() {
    JsonObject t = taxonomy();
    long first = reviewTask(t, "First one without a category");
    long second = reviewTask(t, "Second one without a category");
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      r.open("/portal/review.xhtml");
      choose(r, "#review\\:taxonomy", t.getString("name"));
      press(r, "n");
      r.waitUntil(d -> d.findElements(By.id("review:taskInfo")).size() == 1);
      assertEquals(String.valueOf(first), r.find("#review\\:task").getAttribute("data-task-id"));
      assertEquals("CLAIMED", task(first).getString("status"));

      press(r, "s");
      r.waitUntil(d -> d.getPageSource().contains("Skipped."));
      r.waitForAjax();
      assertEquals(String.valueOf(second), r.find("#review\\:task").getAttribute("data-task-id"));
      JsonObject released = task(first);
      assertEquals("OPEN", released.getString("status"), "skip gives the task back");
      assertTrue(absent(released, "reviewer"), released.toString());
      assertEquals("CLAIMED", task(second).getString("status"));
      r.screenshot("review-skip-released");

      // Someone else can take the skipped task now.
      Answer other = admin.post("/reviews/" + first + "/claim", "");
      assertEquals(200, other.status(), other.toString());
      assertEquals("admin", other.json().getString("reviewer"));
    }
  }

  @Test
  void ambiguousAndNewCategoryByKeyboardAddNoExampleAndAreAdminFilters() {
    JsonObject t = taxonomy();
    long taxonomyId = id(t);
    long ambiguous = reviewTask(t, "Could be either, who knows");
    long missing = reviewTask(t, "How do I buy crypto with my account?");
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      r.open("/portal/review.xhtml?task=" + ambiguous);
      press(r, "a");
      r.waitUntil(d -> "review:note".equals(d.switchTo().activeElement().getAttribute("id")));
      press(r, "card or loan, cannot tell\n");
      r.waitUntil(d -> d.getPageSource().contains("Marked as ambiguous."));
      r.waitForAjax();

      r.open("/portal/review.xhtml?task=" + missing);
      press(r, "c");
      r.waitUntil(d -> "review:note".equals(d.switchTo().activeElement().getAttribute("id")));
      press(r, "crypto\n");
      r.waitUntil(d -> d.getPageSource().contains("Marked as needing a new category."));
      r.waitForAjax();
      r.screenshot("review-marked-new-category");
      assertEquals(
          1,
          new Select(r.find("#review\\:show")).getOptions().size(),
          "reviewers see the queue only");
    }
    JsonObject a = task(ambiguous);
    assertEquals("RESOLVED", a.getString("status"));
    assertEquals("AMBIGUOUS", a.getString("outcome"));
    assertEquals("card or loan, cannot tell", a.getString("note"));
    assertTrue(absent(a, "chosenCategory"));
    JsonObject m = task(missing);
    assertEquals("NEW_CATEGORY", m.getString("outcome"));
    assertEquals("crypto", m.getString("note"));
    assertEquals(0, examples(taxonomyId), "marks add no training example");

    try (Browser b = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      b.open("/portal/review.xhtml");
      choose(b, "#review\\:taxonomy", t.getString("name"));
      choose(b, "#review\\:show", "Marked ambiguous");
      assertEquals(List.of(ambiguous), queueIds(b));
      assertTrue(b.find("#review\\:queue_data").getText().contains("card or loan, cannot tell"));
      choose(b, "#review\\:show", "Marked as needing a new category");
      assertEquals(List.of(missing), queueIds(b));
      assertTrue(b.find("#review\\:queue_data").getText().contains("crypto"));
      b.screenshot("review-admin-filter-new-category");
    }
  }

  @Test
  void resolveThatLostToAMarkSaysSoKindly() {
    JsonObject t = taxonomy();
    long id = reviewTask(t, "Which of these is it, really?");
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      r.open("/portal/review.xhtml?task=" + id);
      Answer mark =
          admin.post("/reviews/" + id + "/mark", "{\"outcome\":\"AMBIGUOUS\",\"note\":\"both\"}");
      assertEquals(200, mark.status(), mark.toString());
      press(r, "1");
      r.waitUntil(d -> d.findElements(By.id("review:conflict")).size() == 1);
      String text = r.find("#review\\:conflict").getText();
      assertTrue(text.contains("Someone else was quicker."), text);
      assertTrue(text.contains("admin had already marked this question as ambiguous"), text);
      r.screenshot("review-race-lost-to-mark");
    }
    JsonObject after = task(id);
    assertEquals("AMBIGUOUS", after.getString("outcome"), "the winner's answer stays");
    assertTrue(absent(after, "chosenCategory"));
  }

  @Test
  void answeringATaskSomeoneElseHoldsSaysWhoHoldsIt() {
    JsonObject t = taxonomy();
    long id = reviewTask(t, "Held by someone else meanwhile");
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      r.open("/portal/review.xhtml?task=" + id);
      Answer claim = admin.post("/reviews/" + id + "/claim", "");
      assertEquals(200, claim.status(), claim.toString());
      press(r, "1");
      r.waitUntil(d -> d.findElements(By.id("review:conflict")).size() == 1);
      String text = r.find("#review\\:conflict").getText();
      assertTrue(text.contains("admin is working on this question right now"), text);
      assertFalse(r.present("[data-key='1']"), "no suggestions to press after the lost race");
      r.screenshot("review-held-by-someone-else");
    }
    JsonObject after = task(id);
    assertEquals("CLAIMED", after.getString("status"));
    assertEquals("admin", after.getString("reviewer"));
  }

  @Test
  void similarLabelledExamplesAndPerReviewerCountsOnThePage() {
    JsonObject t = taxonomy();
    long taxonomyId = id(t);
    Answer d = admin.post("/taxonomies/" + taxonomyId + "/datasets", "{\"name\":\"seed\"}");
    assertEquals(201, d.status(), d.toString());
    String i = "\"instruction\":\"Categorize the following user query.\"";
    String jsonl =
        String.join(
            "\n",
            "{" + i + ",\"input\":\"My new plastic has not arrived yet\",\"output\":\"card\"}",
            "{" + i + ",\"input\":\"When will the new plastic arrive?\",\"output\":\"card\"}",
            "{"
                + i
                + ",\"input\":\"What interest do you charge on borrowing?\",\"output\":\"loan\"}");
    Answer imported =
        admin.postRaw("/datasets/" + id(d.json()) + "/import", "application/x-ndjson", jsonl);
    assertEquals(200, imported.status(), imported.toString());
    long id = reviewTask(t, "my new plastic has not arrived");

    Answer similar = reviewer.get("/reviews/" + id + "/similar?limit=5");
    assertEquals(200, similar.status(), similar.toString());
    List<JsonObject> rows = similar.body().asJsonArray().getValuesAs(JsonObject.class);
    assertTrue(rows.size() >= 2, rows.toString());
    assertEquals("My new plastic has not arrived yet", rows.get(0).getString("text"));
    assertEquals("card", rows.get(0).getString("category"));
    assertTrue(
        rows.stream().noneMatch(o -> o.getString("text").contains("borrowing")),
        "unrelated text is below the minimum similarity: " + rows);
    assertEquals(400, reviewer.get("/reviews/" + id + "/similar?limit=0").status());

    long before = labelledToday("reviewer");
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      r.open("/portal/review.xhtml?task=" + id);
      String table = r.find("#review\\:similar").getText();
      assertTrue(table.contains("My new plastic has not arrived yet"), table);
      assertTrue(table.contains("card"), table);
      r.screenshot("review-similar-examples");
      press(r, "/");
      r.waitUntil(
          d2 -> "review:search_input".equals(d2.switchTo().activeElement().getAttribute("id")));
      press(r, "car");
      // The autoComplete offers the one category containing "car", highlighted: Enter picks it.
      WebElement offered =
          r.waitUntil(
              ExpectedConditions.visibilityOfElementLocated(
                  By.cssSelector("[id='review:search_panel'] li.ui-autocomplete-item")));
      assertEquals("card", offered.getAttribute("data-item-label"));
      assertTrue(offered.getAttribute("class").contains("ui-state-highlight"), "highlighted");
      assertEquals(
          1,
          r.driver
              .findElements(By.cssSelector("[id='review:search_panel'] li.ui-autocomplete-item"))
              .size());
      r.screenshot("review-category-search");
      press(r, "\n");
      r.waitUntil(d2 -> d2.getPageSource().contains("Labelled as \u201ccard\u201d"));
      r.waitForAjax();
      assertEquals(before + 1, labelledToday("reviewer"));
      WebElement row =
          r.driver.findElement(
              By.xpath("//*[@id='review:counts_data']/tr[td[1][normalize-space()='reviewer']]"));
      List<WebElement> cells = row.findElements(By.tagName("td"));
      assertEquals(String.valueOf(before + 1), cells.get(1).getText().trim(), row.getText());
      r.driver.executeScript("arguments[0].scrollIntoView()", r.find("#review\\:counts"));
      r.screenshot("review-per-reviewer-counts");
    }
    assertEquals("card", task(id).getString("chosenCategory"));
  }

  /**
   * On real input: BANKING77 (read from ../shared/datasets, never copied) — the training set
   * imported through REST as the taxonomy's examples, 20 test questions routed to review by the
   * keyword model (uniform over the 77 categories), then cleared in the portal by keyboard ("/",
   * the gold category, Enter). Also reports how often the most similar labelled example (pg_trgm)
   * already has the gold category. Figures go to {@code target/review-banking77.txt}.
   */
  @Test
  void banking77TestQuestionsClearedInTheQueueByKeyboard() throws Exception {
    Path dir =
        Path.of(System.getProperty("qcat.it.datasets", "../../shared/datasets"), "banking77");
    Assumptions.assumeTrue(
        Files.isReadable(dir.resolve("train.jsonl")), "BANKING77 not found under " + dir);
    List<JsonObject> test = jsonl(dir.resolve("test.jsonl"));
    String train = Files.readString(dir.resolve("train.jsonl"));
    List<String> labels =
        jsonl(dir.resolve("train.jsonl")).stream()
            .map(o -> o.getString("output"))
            .distinct()
            .sorted()
            .toList();
    assertEquals(77, labels.size());

    String name = Api.unique("banking77");
    String categories =
        labels.stream().map(l -> "{\"name\":" + str(l) + "}").collect(Collectors.joining(","));
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":" + str(name) + ",\"auditRate\":0,\"categories\":[" + categories + "]}");
    assertEquals(201, t.status(), t.toString());
    long taxonomyId = id(t.json());
    activate(taxonomyId, "keyword");
    Answer d = admin.post("/taxonomies/" + taxonomyId + "/datasets", "{\"name\":\"train\"}");
    assertEquals(201, d.status(), d.toString());
    long importStart = System.nanoTime();
    Answer imported =
        admin.postRaw("/datasets/" + id(d.json()) + "/import", "application/x-ndjson", train);
    double importSeconds = (System.nanoTime() - importStart) / 1e9;
    assertEquals(200, imported.status(), imported.toString());
    assertEquals(10003, imported.json().getInt("imported"), imported.raw());

    // Keyword model: a question naming no category is uniform (1/77) and goes to review.
    Map<Long, String> gold = new LinkedHashMap<>();
    int from = 0;
    while (gold.size() < 20 && from < test.size()) {
      // only as many as still needed, so that no other task of this taxonomy waits afterwards
      int to = Math.min(test.size(), from + Math.min(16, 20 - gold.size()));
      List<JsonObject> chunk = test.subList(from, to);
      from = to;
      String texts =
          chunk.stream().map(o -> str(o.getString("input"))).collect(Collectors.joining(","));
      Answer c =
          admin.post(
              "/classify/batch", "{\"taxonomy\":" + str(name) + ",\"texts\":[" + texts + "]}");
      assertEquals(200, c.status(), c.toString());
      List<JsonObject> predictions =
          c.json().getJsonArray("predictions").getValuesAs(JsonObject.class);
      for (int i = 0; i < predictions.size() && gold.size() < 20; i++) {
        if ("REVIEW".equals(predictions.get(i).getString("routing"))) {
          gold.put(
              predictions.get(i).getJsonNumber("reviewTaskId").longValue(),
              chunk.get(i).getString("output"));
        }
      }
    }
    assertEquals(20, gold.size());
    int similarAgrees = 0;
    for (Map.Entry<Long, String> e : gold.entrySet()) {
      Answer s = reviewer.get("/reviews/" + e.getKey() + "/similar?limit=1");
      assertEquals(200, s.status(), s.toString());
      var top = s.body().asJsonArray();
      if (!top.isEmpty() && top.getJsonObject(0).getString("category").equals(e.getValue())) {
        similarAgrees++;
      }
    }

    long clearStart;
    int byKey = 0;
    int bySearchList = 0;
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      r.open("/portal/review.xhtml");
      choose(r, "#review\\:taxonomy", name);
      clearStart = System.nanoTime();
      press(r, "n");
      for (int done = 0; done < gold.size(); done++) {
        r.waitUntil(dr -> dr.findElements(By.id("review:taskInfo")).size() == 1);
        String shown = r.find("#review\\:task").getAttribute("data-task-id");
        String label = gold.get(Long.parseLong(shown));
        assertTrue(label != null, "task " + shown + " is one of ours");
        if (done == 0) {
          assertFalse(
              r.driver
                  .findElements(
                      By.cssSelector("#review\\:similar_data tr:not(.ui-datatable-empty-message)"))
                  .isEmpty(),
              "similar examples are shown");
          r.screenshot("review-banking77-task");
        }
        // A numbered suggestion (the model's top-k, then similar examples' categories) when the
        // gold category is among them, else "/" and the name.
        String key = null;
        for (WebElement b : r.driver.findElements(By.cssSelector(".qcat-suggestions button"))) {
          if (label.equals(b.getAttribute("data-category"))) {
            key = b.getAttribute("data-key");
          }
        }
        if (key != null && done % 4 != 3) {
          byKey++;
          press(r, key);
        } else if (key != null) {
          // Every fourth of these through the search box instead: wait for its list, where the
          // exact name comes first and is highlighted (BANKING77 has "Exchange rate" inside other
          // names), and pick it with Enter.
          press(r, "/");
          r.waitUntil(
              dr -> "review:search_input".equals(dr.switchTo().activeElement().getAttribute("id")));
          press(r, label);
          r.waitUntil(
              dr ->
                  Boolean.TRUE.equals(
                      r.driver.executeScript(
                          "var w = PF('categorySearch'); var first = document.querySelector("
                              + "\"[id='review:search_panel'] li.ui-autocomplete-item\");"
                              + " return !w.timeout && !w.querying && w.panel.is(':visible')"
                              + " && !!first && first.classList.contains('ui-state-highlight')"
                              + " && first.getAttribute('data-item-label') === arguments[0];",
                          label)));
          bySearchList++;
          press(r, "\n");
        } else {
          press(r, "/");
          r.waitUntil(
              dr -> "review:search_input".equals(dr.switchTo().activeElement().getAttribute("id")));
          press(r, label + "\n");
        }
        r.waitUntil(
            dr -> {
              try {
                List<WebElement> task = dr.findElements(By.id("review:task"));
                return task.isEmpty() || !shown.equals(task.get(0).getAttribute("data-task-id"));
              } catch (StaleElementReferenceException rendering) {
                return false; // the form is being replaced; look again
              }
            });
        r.waitForAjax();
      }
      r.waitUntil(dr -> dr.getPageSource().contains("No task is waiting that passes the filters."));
      r.screenshot("review-banking77-cleared");
    }
    double clearSeconds = (System.nanoTime() - clearStart) / 1e9;
    for (Map.Entry<Long, String> e : gold.entrySet()) {
      JsonObject done = task(e.getKey());
      assertEquals("RESOLVED", done.getString("status"));
      assertEquals(e.getValue(), done.getString("chosenCategory"));
    }
    String figures =
        String.format(
            java.util.Locale.ROOT,
            "BANKING77: imported %d training examples in %.1f s; cleared %d review tasks by keyboard"
                + " in %.1f s (%.2f s per task, browser and server round trips, polled every 0.5 s);"
                + " %d by a suggestion key 1-9, the rest by \"/\" search (%d of them picked from"
                + " its list, the others typed and Enter); the most similar"
                + " labelled example had the gold category for %d of %d%n",
            imported.json().getInt("imported"),
            importSeconds,
            gold.size(),
            clearSeconds,
            clearSeconds / gold.size(),
            byKey,
            bySearchList,
            similarAgrees,
            gold.size());
    System.out.print(figures);
    Files.writeString(Path.of("target", "review-banking77.txt"), figures);
  }

  private static List<JsonObject> jsonl(Path file) throws java.io.IOException {
    try (var lines = Files.lines(file)) {
      return lines
          .filter(l -> !l.isBlank())
          .map(l -> Json.createReader(new StringReader(l)).readObject())
          .toList();
    }
  }

  private long labelledToday(String user) {
    Answer c = admin.get("/reviews/counts");
    assertEquals(200, c.status(), c.toString());
    return c.body().asJsonArray().getValuesAs(JsonObject.class).stream()
        .filter(o -> o.getString("reviewer").equals(user))
        .mapToLong(o -> o.getJsonNumber("labelledToday").longValue())
        .findFirst()
        .orElse(0);
  }

  @Test
  void concurrentNextCallsGetDifferentTasksAndMarksAreChecked() throws Exception {
    JsonObject t = taxonomy();
    long taxonomyId = id(t);
    long a = reviewTask(t, "One without a category");
    long b = reviewTask(t, "Another without a category");
    CountDownLatch start = new CountDownLatch(1);
    String next = "/reviews/next?sort=created&taxonomyId=" + taxonomyId;
    CompletableFuture<Answer> byAdmin =
        CompletableFuture.supplyAsync(
            () -> {
              await(start);
              return admin.post(next, "");
            });
    CompletableFuture<Answer> byReviewer =
        CompletableFuture.supplyAsync(
            () -> {
              await(start);
              return reviewer.post(next, "");
            });
    start.countDown();
    Answer x = byAdmin.get();
    Answer y = byReviewer.get();
    assertEquals(200, x.status(), x.toString());
    assertEquals(200, y.status(), y.toString());
    assertNotEquals(id(x.json()), id(y.json()), "each caller gets a task of its own");
    assertEquals(java.util.Set.of(a, b), java.util.Set.of(id(x.json()), id(y.json())));
    assertEquals(id(x.json()), id(admin.post(next, "").json()), "the task one holds comes back");
    assertEquals(
        204,
        reviewer.post("/reviews/next?taxonomyId=" + taxonomyId + "&categoryId=" + 0, "").status());

    long held = id(y.json());
    assertEquals(409, admin.post("/reviews/" + held + "/release", "").status(), "not admin's");
    assertEquals(
        409, admin.post("/reviews/" + held + "/mark", "{\"outcome\":\"AMBIGUOUS\"}").status());
    assertEquals(
        400, reviewer.post("/reviews/" + held + "/mark", "{\"outcome\":\"LABELLED\"}").status());
    assertEquals(400, reviewer.post("/reviews/" + held + "/mark", "{\"note\":\"x\"}").status());
    String longNote = "x".repeat(2001);
    Answer tooLong =
        reviewer.post(
            "/reviews/" + held + "/mark",
            "{\"outcome\":\"NEW_CATEGORY\",\"note\":" + str(longNote) + "}");
    assertEquals(400, tooLong.status(), tooLong.toString());
    assertEquals("CLAIMED", task(held).getString("status"), "nothing changed");
    Answer released = reviewer.post("/reviews/" + held + "/release", "");
    assertEquals(200, released.status(), released.toString());
    assertEquals("OPEN", released.json().getString("status"));
    Answer marked =
        reviewer.post(
            "/reviews/" + held + "/mark", "{\"outcome\":\"new_category\",\"note\":\"crypto\"}");
    assertEquals(200, marked.status(), marked.toString());
    assertEquals("NEW_CATEGORY", marked.json().getString("outcome"));
    Answer late = admin.post("/reviews/" + held + "/resolve", "{\"category\":\"card\"}");
    assertEquals(409, late.status(), late.toString());
    assertTrue(late.raw().contains("needing a new category"), late.raw());
    assertFalse(
        admin
            .get("/reviews?status=RESOLVED&outcome=NEW_CATEGORY&taxonomyId=" + taxonomyId)
            .body()
            .asJsonArray()
            .isEmpty());
    assertEquals(400, admin.get("/reviews?outcome=MAYBE").status());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
