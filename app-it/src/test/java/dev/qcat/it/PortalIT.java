package dev.qcat.it;

import static dev.qcat.it.Api.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.it.Api.Answer;
import jakarta.json.JsonObject;
import java.io.File;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The PrimeFaces portal in a real browser (headless Chromium through Selenium) against the EAR on a
 * real Payara and PostgreSQL. Review tasks are made through the REST API with the test-only {@link
 * KeywordModelRuntime}: a question naming no category is uniform over card/loan/transfer and goes
 * to review. Each test saves a screenshot under {@code target/screenshots}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PortalIT {

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

  /** A taxonomy with card/loan/transfer served by the keyword model; returns its name. */
  private String taxonomyWithModel() {
    return taxonomyWithModelJson().getString("name");
  }

  /** As {@link #taxonomyWithModel()}; returns the taxonomy's JSON. */
  private JsonObject taxonomyWithModelJson() {
    String name = Api.unique("portal");
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(name)
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

  /** Classifies a question that names no category, so it goes to review; returns the task id. */
  private long reviewTask(String taxonomy, String question) {
    Answer c =
        admin.post(
            "/classify", "{\"taxonomy\":" + str(taxonomy) + ",\"text\":" + str(question) + "}");
    assertEquals(200, c.status(), c.toString());
    assertEquals("REVIEW", c.json().getString("routing"), c.toString());
    return c.json().getJsonNumber("reviewTaskId").longValue();
  }

  private JsonObject task(long id) {
    Answer r = admin.get("/reviews/" + id);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  private static void press(Browser b, CharSequence key) {
    new Actions(b.driver).sendKeys(key).perform();
  }

  @Test
  void signInShowsEachRoleItsPagesAndRefusesReviewerOnAdminPage() {
    try (Browser anonymous = new Browser()) {
      anonymous.open("/portal/home.xhtml");
      anonymous.waitUntil(d -> d.getCurrentUrl().contains("/login.xhtml"));
      anonymous.find("#login\\:username").sendKeys("admin");
      anonymous.find("#login\\:password").sendKeys("wrong password");
      anonymous.find("#login\\:signIn").click();
      anonymous.waitUntil(d -> d.getPageSource().contains("Wrong user name or password."));
      anonymous.screenshot("signin-wrong-password");
    }
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      assertEquals("admin", a.find("#nav\\:user").getText());
      assertTrue(a.present("#queueDepthValue"), "home shows the queue depth");
      assertTrue(a.present("#predictionsTodayValue"), "home shows today's predictions");
      assertTrue(a.driver.getPageSource().contains("Active models"));
      assertTrue(a.present("#nav\\:taxonomies"), "admin sees the Taxonomies menu item");
      a.screenshot("home-admin");
      a.open("/portal/admin/taxonomies.xhtml");
      assertEquals("Taxonomies", a.find("#page-title").getText());
      assertTrue(a.present("#taxonomies"));
      a.screenshot("taxonomies-admin");
    }
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      assertEquals("reviewer", r.find("#nav\\:user").getText());
      assertFalse(r.present("#nav\\:taxonomies"), "reviewer has no Taxonomies menu item");
      r.screenshot("home-reviewer");
      r.open("/portal/admin/taxonomies.xhtml");
      assertEquals("Not allowed", r.find("#page-title").getText());
      assertFalse(r.present("#taxonomies"), "the admin page's content is not shown");
      r.screenshot("admin-page-refused-for-reviewer");
      r.open("/portal/review.xhtml");
      assertEquals("Review queue", r.find("#page-title").getText());
      r.find("#nav\\:signOut").click();
      r.waitUntil(d -> d.getCurrentUrl().contains("/login.xhtml"));
      r.open("/portal/home.xhtml");
      r.waitUntil(d -> d.getCurrentUrl().contains("/login.xhtml"));
    }
  }

  @Test
  void reviewResolvedByKeyboard() {
    String taxonomy = taxonomyWithModel();
    long first = reviewTask(taxonomy, "What about my thing from yesterday?");
    long second = reviewTask(taxonomy, "Is this even a banking question?");
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      r.open("/portal/review.xhtml?task=" + first);
      WebElement one = r.find("[data-key='1']");
      String suggested = one.getText().replaceFirst("^1\\s+", "").replaceFirst(" \\(.*$", "");
      assertEquals(3, r.driver.findElements(By.cssSelector(".qcat-suggestions button")).size());
      r.screenshot("review-task-before-key");
      press(r, "1");
      r.waitUntil(d -> d.getPageSource().contains("Labelled as \u201c" + suggested + "\u201d"));
      r.waitForAjax();
      JsonObject resolved = task(first);
      assertEquals("RESOLVED", resolved.getString("status"));
      assertEquals(suggested, resolved.getString("chosenCategory"));
      assertEquals("reviewer", resolved.getString("reviewer"));

      // "/" searches all categories; Enter resolves with the typed one.
      r.open("/portal/review.xhtml?task=" + second);
      press(r, "/");
      WebElement search =
          r.waitUntil(
              d -> {
                WebElement active = d.switchTo().activeElement();
                return "review:search_input".equals(active.getAttribute("id")) ? active : null;
              });
      search.sendKeys("transfer", Keys.ENTER);
      r.waitUntil(d -> d.getPageSource().contains("Labelled as \u201ctransfer\u201d"));
      r.waitForAjax();
      assertEquals("transfer", task(second).getString("chosenCategory"));
      r.screenshot("review-resolved-by-keyboard");

      // "n" claims the next open task; "s" skips it.
      reviewTask(taxonomy, "One more without a category");
      r.open("/portal/review.xhtml");
      press(r, "n");
      r.waitUntil(d -> d.findElements(By.id("review:taskInfo")).size() == 1);
      String claimed = r.find("#review\\:task").getAttribute("data-task-id");
      assertEquals("CLAIMED", task(Long.parseLong(claimed)).getString("status"));
      press(r, "s");
      r.waitUntil(d -> d.getPageSource().contains("Skipped."));
    }
  }

  @Test
  void twoReviewersRacingOnOneTask() {
    String taxonomy = taxonomyWithModel();
    long id = reviewTask(taxonomy, "Which of these is it, really?");
    try (Browser first = new Browser().signIn("admin", ADMIN_PASSWORD);
        Browser second = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      first.open("/portal/review.xhtml?task=" + id);
      second.open("/portal/review.xhtml?task=" + id);
      String winning =
          first
              .find("[data-key='2']")
              .getText()
              .replaceFirst("^2\\s+", "")
              .replaceFirst(" \\(.*$", "");
      press(first, "2");
      first.waitUntil(d -> d.getPageSource().contains("Labelled as"));
      assertEquals("RESOLVED", task(id).getString("status"));

      press(second, "1");
      second.waitUntil(d -> d.findElements(By.id("review:conflict")).size() == 1);
      String text = second.find("#review\\:conflict").getText();
      assertTrue(text.contains("Someone else was quicker."), text);
      assertTrue(
          text.contains("admin had already labelled this question as \u201c" + winning + "\u201d"),
          text);
      second.screenshot("review-race-lost");
      JsonObject after = task(id);
      assertEquals(winning, after.getString("chosenCategory"), "the winner's answer stays");
      assertEquals("admin", after.getString("reviewer"));
    }
  }

  @Test
  void questionWithMarkupIsShownAsPlainText() {
    String taxonomy = taxonomyWithModel();
    String question =
        "<script>window.qcatXss = 1;</script><b>bold?</b> <img src=x onerror=\"window.qcatXss = 2\"> & done";
    long id = reviewTask(taxonomy, question);
    try (Browser r = new Browser().signIn("reviewer", REVIEWER_PASSWORD)) {
      r.open("/portal/review.xhtml?task=" + id);
      WebElement shown = r.find("#question");
      assertEquals(question, shown.getText());
      assertTrue(
          shown.findElements(By.cssSelector("script, b, img")).isEmpty(), "no markup inside");
      assertNull(r.driver.executeScript("return window.qcatXss;"), "no script ran");
      r.screenshot("review-markup-as-text");
    }
  }

  @Test
  void taxonomyEditorRenameCarriesExamplesAndOpenReviews() {
    JsonObject t = taxonomyWithModelJson();
    long taxonomyId = t.getJsonNumber("id").longValue();
    String name = t.getString("name");
    long labelled = reviewTask(name, "An example labelled before the rename");
    Answer resolved = admin.post("/reviews/" + labelled + "/resolve", "{\"category\":\"card\"}");
    assertEquals(200, resolved.status(), resolved.toString());
    long open = reviewTask(name, "Still open during the rename");

    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      a.open("/portal/admin/taxonomies.xhtml");
      a.driver.findElement(By.linkText("Edit")).isDisplayed();
      a.open("/portal/admin/taxonomy.xhtml?id=" + taxonomyId);
      assertEquals("1", a.find("#editor\\:version").getText());
      new Select(a.find("#editor\\:selected")).selectByVisibleText("card");
      a.find("#editor\\:newName").sendKeys("cards");
      a.find("#editor\\:rename").click();
      a.waitUntil(d -> d.getPageSource().contains("Renamed \u201ccard\u201d to \u201ccards\u201d"));
      a.waitForAjax();
      assertEquals("2", a.find("#editor\\:version").getText());
      WebElement row =
          a.driver.findElement(By.xpath("//tbody//tr[td[1][normalize-space()='cards']]"));
      assertEquals("1", row.findElements(By.tagName("td")).get(3).getText().trim(), row.getText());

      a.find("#editor\\:addName").sendKeys("atm");
      new Select(a.find("#editor\\:addParent")).selectByVisibleText("cards");
      a.find("#editor\\:add").click();
      a.waitUntil(d -> d.getPageSource().contains("Added \u201catm\u201d"));
      a.waitForAjax();

      new Select(a.find("#editor\\:selected")).selectByVisibleText("transfer");
      a.find("#editor\\:retire").click();
      a.driver.switchTo().alert().accept();
      a.waitUntil(d -> d.getPageSource().contains("Retired \u201ctransfer\u201d"));
      a.waitForAjax();
      assertEquals("4", a.find("#editor\\:version").getText());
      a.screenshot("taxonomy-editor-after-rename");
    }
    Answer after = admin.get("/taxonomies/" + taxonomyId);
    assertEquals(200, after.status(), after.toString());
    assertEquals(4, after.json().getInt("version"));
    var categories = after.json().getJsonArray("categories").getValuesAs(JsonObject.class);
    assertTrue(categories.stream().anyMatch(c -> c.getString("name").equals("cards")));
    assertTrue(categories.stream().noneMatch(c -> c.getString("name").equals("card")));
    assertTrue(
        categories.stream()
            .anyMatch(
                c -> c.getString("name").equals("atm") && "cards".equals(c.getString("parent"))));
    // The open review came along: it resolves with the new name.
    Answer r = admin.post("/reviews/" + open + "/resolve", "{\"category\":\"cards\"}");
    assertEquals(200, r.status(), r.toString());
    assertEquals("cards", r.json().getString("chosenCategory"));
    assertEquals("cards", task(labelled).getString("chosenCategory"), "earlier labels follow too");
  }

  @Test
  void datasetUploadShowsReportAndCommitsOnlyGoodLines() throws Exception {
    JsonObject t = taxonomyWithModelJson();
    long taxonomyId = t.getJsonNumber("id").longValue();
    String i = "\"instruction\":\"Categorize the following user query.\"";
    java.nio.file.Path file = java.nio.file.Files.createTempFile("qcat-upload-", ".jsonl");
    java.nio.file.Files.writeString(
        file,
        String.join(
            "\n",
            "{" + i + ",\"input\":\"My card is lost\",\"output\":\"card\"}",
            "{" + i + ",\"input\":\"Loan rates?\",\"output\":\"loan\"}",
            "{" + i + ",\"input\":\"Send money abroad\",\"output\":\"transfer\"}",
            "{this is not json",
            "{" + i + ",\"input\":\"Pizza?\",\"output\":\"pizza\"}"));
    try (Browser a = new Browser().signIn("admin", ADMIN_PASSWORD)) {
      a.open("/portal/admin/datasets.xhtml");
      Select taxonomy = new Select(a.find("#pick\\:taxonomy"));
      String label = t.getString("name") + " v1";
      if (!taxonomy.getFirstSelectedOption().getText().equals(label)) {
        WebElement before = a.find("#pick\\:newName");
        taxonomy.selectByVisibleText(label);
        a.waitUntil(ExpectedConditions.stalenessOf(before)); // the form was rendered again
        a.waitForAjax();
      }
      a.find("#pick\\:newName").sendKeys("upload-test");
      a.find("#pick\\:create").click();
      a.waitUntil(d -> d.getPageSource().contains("Dataset \u201cupload-test\u201d created."));
      a.waitForAjax();
      a.find("#upload input[type=file]").sendKeys(file.toAbsolutePath().toString());
      a.find("#upload\\:check").click();
      String summary = a.waitUntil(d -> d.findElement(By.id("reportSummary"))).getText();
      assertTrue(
          summary.contains("5 lines read, 3 would be imported, 2 would be skipped"), summary);
      String report = a.find("#upload\\:skipped").getText();
      assertTrue(report.contains("4") && report.contains("5"), report);
      a.screenshot("dataset-import-report");
      assertEquals(0, examplesIn(taxonomyId, "upload-test"), "nothing stored before the commit");

      a.find("#upload\\:commit").click();
      a.waitUntil(d -> d.getPageSource().contains("Imported 3 examples"));
      assertEquals(3, examplesIn(taxonomyId, "upload-test"));
      a.waitUntil(
          d -> d.findElements(By.cssSelector("#examplesForm\\:examples_data tr")).size() == 3);
      a.screenshot("dataset-after-commit");
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  private long examplesIn(long taxonomyId, String dataset) {
    Answer d = admin.get("/taxonomies/" + taxonomyId + "/datasets");
    assertEquals(200, d.status(), d.toString());
    return d.body().asJsonArray().getValuesAs(JsonObject.class).stream()
        .filter(o -> o.getString("name").equals(dataset))
        .mapToLong(o -> o.getJsonNumber("examples").longValue())
        .sum();
  }
}
