package dev.qcat.it;

import static dev.qcat.it.Api.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.it.Api.Answer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The REST API on a real Payara and a real PostgreSQL (scripts/it.sh). The archive is the built EAR
 * plus, in app-domain.jar, the test-only {@link KeywordModelRuntime}. Each test builds its own
 * taxonomy and model version, so tests do not depend on each other or on order.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class QcatApiIT {

  private static final List<String> CATEGORIES = List.of("card", "loan", "transfer");

  @Deployment(testable = false)
  static EnterpriseArchive deployment() {
    File ear = new File(System.getProperty("qcat.it.ear", "../app-ear/target/qcat.ear"));
    EnterpriseArchive archive = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    archive.getAsType(JavaArchive.class, "app-domain.jar").addClass(KeywordModelRuntime.class);
    return archive;
  }

  private final Api admin = Api.admin();
  private final Api reviewer = Api.reviewer();

  /** A taxonomy with card/loan/transfer served by the keyword model; returns its JSON. */
  private JsonObject taxonomyWithModel(double auditRate) {
    String name = Api.unique("it");
    StringBuilder cats = new StringBuilder();
    for (String c : CATEGORIES) {
      cats.append(cats.isEmpty() ? "" : ",").append("{\"name\":").append(str(c)).append('}');
    }
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(name)
                + ",\"auditRate\":"
                + auditRate
                + ",\"categories\":["
                + cats
                + "]}");
    assertEquals(201, t.status(), t.toString());
    long taxonomyId = t.json().getJsonNumber("id").longValue();
    long mv = registerModel(taxonomyId, "v1");
    Answer a = admin.post("/model-versions/" + mv + "/activate", "");
    assertEquals(200, a.status(), a.toString());
    assertEquals("ACTIVE", a.json().getString("status"));
    return t.json();
  }

  /**
   * A version registered without a temperature takes the one {@code qcat train} fitted and stored
   * in the adapter's {@code calibration.json}; an explicit temperature wins; no file means 1.
   */
  @Test
  void registeringTakesTheAdapterCalibrationTemperature() throws Exception {
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":" + str(Api.unique("calibrated")) + ",\"categories\":[{\"name\":\"a\"}]}");
    assertEquals(201, t.status(), t.toString());
    long taxonomyId = t.json().getJsonNumber("id").longValue();
    java.nio.file.Path adapter = java.nio.file.Files.createTempDirectory("qcat-it-adapter");
    java.nio.file.Files.writeString(
        adapter.resolve("calibration.json"),
        "{\"method\":\"temperature_scaling\",\"temperature\":0.625,\"examples\":10}");
    java.nio.file.Path bare = java.nio.file.Files.createTempDirectory("qcat-it-adapter-bare");
    String prefix =
        "{\"taxonomyId\":"
            + taxonomyId
            + ",\"baseModelPath\":"
            + str(KeywordModelRuntime.BASE_PATH)
            + ",\"adapterPath\":";
    Answer fromFile =
        admin.post("/model-versions", prefix + str(adapter.toString()) + ",\"name\":\"f\"}");
    assertEquals(201, fromFile.status(), fromFile.toString());
    assertEquals(0.625, fromFile.json().getJsonNumber("temperature").doubleValue(), 1e-12);
    Answer explicit =
        admin.post(
            "/model-versions",
            prefix + str(adapter.toString()) + ",\"name\":\"e\",\"temperature\":2.0}");
    assertEquals(201, explicit.status(), explicit.toString());
    assertEquals(2.0, explicit.json().getJsonNumber("temperature").doubleValue(), 1e-12);
    Answer none = admin.post("/model-versions", prefix + str(bare.toString()) + ",\"name\":\"n\"}");
    assertEquals(201, none.status(), none.toString());
    assertEquals(1.0, none.json().getJsonNumber("temperature").doubleValue(), 1e-12);
  }

  private long registerModel(long taxonomyId, String name) {
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
    return m.json().getJsonNumber("id").longValue();
  }

  private Answer classify(Api api, String taxonomy, String text) {
    return api.post("/classify", "{\"taxonomy\":" + str(taxonomy) + ",\"text\":" + str(text) + "}");
  }

  private long openReview(String taxonomy) {
    Answer c = classify(admin, taxonomy, "something else entirely");
    assertEquals(200, c.status(), c.toString());
    assertEquals("REVIEW", c.json().getString("routing"));
    return c.json().getJsonNumber("reviewTaskId").longValue();
  }

  private long feedbackExamples(long taxonomyId) {
    Answer d = admin.get("/taxonomies/" + taxonomyId + "/datasets");
    assertEquals(200, d.status(), d.toString());
    return d.body().asJsonArray().getValuesAs(JsonObject.class).stream()
        .filter(o -> o.getString("kind").equals("FEEDBACK"))
        .mapToLong(o -> o.getJsonNumber("examples").longValue())
        .sum();
  }

  @Test
  void classifyStoresPredictionWithLatencyAndModelVersion() {
    JsonObject t = taxonomyWithModel(0);
    Answer c = classify(Api.admin(), t.getString("name"), "Where is my new card?");
    assertEquals(200, c.status(), c.toString());
    JsonObject p = c.json();
    assertEquals("card", p.getString("category"));
    assertTrue(p.getJsonNumber("confidence").doubleValue() > 0.9, c.toString());
    assertEquals("AUTOMATIC", p.getString("routing"));
    assertEquals(3, p.getJsonArray("topK").size());

    Answer stored = admin.get("/predictions/" + p.getJsonNumber("id").longValue());
    assertEquals(200, stored.status(), stored.toString());
    assertEquals("Where is my new card?", stored.json().getString("question"));
    assertEquals(
        p.getJsonNumber("modelVersionId").longValue(),
        stored.json().getJsonNumber("modelVersionId").longValue());
    assertTrue(stored.json().getInt("latencyMs") >= 0);
  }

  @Test
  void classifyBatchAnswersEachQuestionInOrder() {
    JsonObject t = taxonomyWithModel(0);
    Answer b =
        admin.post(
            "/classify/batch",
            "{\"taxonomy\":"
                + str(t.getString("name"))
                + ",\"texts\":[\"loan rates?\",\"card lost\",\"a transfer failed\"]}");
    assertEquals(200, b.status(), b.toString());
    var ps = b.json().getJsonArray("predictions").getValuesAs(JsonObject.class);
    assertEquals(
        List.of("loan", "card", "transfer"),
        ps.stream().map(p -> p.getString("category")).toList());
  }

  @Test
  void lowConfidenceCreatesOpenReviewTask() {
    JsonObject t = taxonomyWithModel(0);
    long taskId = openReview(t.getString("name"));
    Answer list =
        reviewer.get("/reviews?status=OPEN&sort=confidence&taxonomyId=" + t.getJsonNumber("id"));
    assertEquals(200, list.status(), list.toString());
    var tasks = list.body().asJsonArray().getValuesAs(JsonObject.class);
    assertTrue(
        tasks.stream().anyMatch(r -> r.getJsonNumber("id").longValue() == taskId), list.toString());
    assertFalse(tasks.get(0).getBoolean("audit"));
  }

  @Test
  void auditShareSendsConfidentPredictionsToReview() {
    JsonObject t = taxonomyWithModel(1.0); // audit every confident prediction
    Answer c = classify(admin, t.getString("name"), "card please");
    assertEquals(200, c.status(), c.toString());
    assertEquals("AUDIT", c.json().getString("routing"));
    Answer task = reviewer.get("/reviews/" + c.json().getJsonNumber("reviewTaskId"));
    assertEquals(200, task.status(), task.toString());
    assertTrue(task.json().getBoolean("audit"));
  }

  @Test
  void categoryThresholdOverridesTheTaxonomys() {
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(Api.unique("strict"))
                + ",\"auditRate\":0,\"categories\":[{\"name\":\"card\",\"reviewThreshold\":1.0},"
                + "{\"name\":\"loan\"},{\"name\":\"transfer\"}]}");
    assertEquals(201, t.status(), t.toString());
    long mv = registerModel(t.json().getJsonNumber("id").longValue(), "v1");
    assertEquals(200, admin.post("/model-versions/" + mv + "/activate", "").status());
    String name = t.json().getString("name");
    Answer card = classify(admin, name, "my card");
    assertEquals("REVIEW", card.json().getString("routing"), card.toString());
    Answer loan = classify(admin, name, "my loan");
    assertEquals("AUTOMATIC", loan.json().getString("routing"), loan.toString());
  }

  @Test
  void resolveAddsExampleToFeedbackDataset() {
    JsonObject t = taxonomyWithModel(0);
    long taxonomyId = t.getJsonNumber("id").longValue();
    long taskId = openReview(t.getString("name"));
    assertEquals(200, reviewer.post("/reviews/" + taskId + "/claim", "").status());
    Answer r = reviewer.post("/reviews/" + taskId + "/resolve", "{\"category\":\"loan\"}");
    assertEquals(200, r.status(), r.toString());
    assertEquals("RESOLVED", r.json().getString("status"));
    assertEquals("loan", r.json().getString("chosenCategory"));
    assertEquals(1, feedbackExamples(taxonomyId));
  }

  @Test
  void secondResolveIsConflictAndOverwritesNothing() {
    JsonObject t = taxonomyWithModel(0);
    long taskId = openReview(t.getString("name"));
    assertEquals(
        200, reviewer.post("/reviews/" + taskId + "/resolve", "{\"category\":\"loan\"}").status());
    Answer second = admin.post("/reviews/" + taskId + "/resolve", "{\"category\":\"card\"}");
    assertEquals(409, second.status(), second.toString());
    Answer task = reviewer.get("/reviews/" + taskId);
    assertEquals("loan", task.json().getString("chosenCategory"));
    assertEquals("reviewer", task.json().getString("reviewer"));
    assertEquals(1, feedbackExamples(t.getJsonNumber("id").longValue()));
  }

  @Test
  void concurrentResolvesExactlyOneWins() throws Exception {
    JsonObject t = taxonomyWithModel(0);
    long taskId = openReview(t.getString("name"));
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (String category : List.of("loan", "card")) {
        Callable<Integer> call =
            () -> {
              start.await();
              return reviewer
                  .post("/reviews/" + taskId + "/resolve", "{\"category\":" + str(category) + "}")
                  .status();
            };
        results.add(pool.submit(call));
      }
      start.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : results) {
        statuses.add(f.get());
      }
      statuses.sort(Integer::compare);
      assertEquals(List.of(200, 409), statuses);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, feedbackExamples(t.getJsonNumber("id").longValue()));
  }

  @Test
  void reviewerCannotActivateModels() {
    JsonObject t = taxonomyWithModel(0);
    long mv = registerModel(t.getJsonNumber("id").longValue(), "v2");
    Answer a = reviewer.post("/model-versions/" + mv + "/activate", "");
    assertEquals(403, a.status(), a.toString());
  }

  @Test
  void apiClientCanClassifyButCannotResolveReviews() {
    JsonObject t = taxonomyWithModel(0);
    Answer k = admin.post("/api-clients", "{\"name\":" + str(Api.unique("client")) + "}");
    assertEquals(201, k.status(), k.toString());
    Api client = Api.apiKey(k.json().getString("key"));
    Answer c = classify(client, t.getString("name"), "nothing matching");
    assertEquals(200, c.status(), c.toString());
    long taskId = c.json().getJsonNumber("reviewTaskId").longValue();
    Answer r = client.post("/reviews/" + taskId + "/resolve", "{\"category\":\"loan\"}");
    assertEquals(403, r.status(), r.toString());
    assertEquals(403, client.get("/reviews").status());
  }

  @Test
  void missingOrWrongCredentialsAre401() {
    assertEquals(401, Api.anonymous().get("/taxonomies").status());
    assertEquals(401, Api.basic("admin", "wrong").get("/taxonomies").status());
    assertEquals(401, Api.apiKey("qk_not-a-key").get("/taxonomies").status());
  }

  @Test
  void textOverTheLimitIs413() {
    JsonObject t = taxonomyWithModel(0);
    Answer a = classify(admin, t.getString("name"), "card ".repeat(401)); // 2005 characters
    assertEquals(413, a.status(), a.toString());
    assertTrue(a.json().getString("message").contains("2000"), a.toString());
  }

  @Test
  void invalidJsonIs400NamingTheProblem() {
    Answer a = admin.post("/classify", "{\"text\": \"card\"");
    assertEquals(400, a.status(), a.toString());
    assertTrue(a.json().getString("message").startsWith("Invalid JSON"), a.toString());
    Answer missing = admin.post("/classify", "{}");
    assertEquals(400, missing.status(), missing.toString());
    assertTrue(missing.json().getString("message").contains("\"text\""), missing.toString());
  }

  @Test
  void unknownIdsAre404() {
    assertEquals(404, reviewer.get("/reviews/987654321").status());
    assertEquals(404, reviewer.post("/reviews/987654321/resolve", "{\"category\":\"x\"}").status());
    assertEquals(404, admin.post("/model-versions/987654321/activate", "").status());
    assertEquals(
        404, admin.postRaw("/datasets/987654321/import", "application/x-ndjson", "{}").status());
    assertEquals(404, classify(admin, "no-such-taxonomy", "card").status());
  }

  @Test
  void noActiveModelIs503WithHowToLoadOne() {
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":" + str(Api.unique("no-model")) + ",\"categories\":[{\"name\":\"a\"}]}");
    assertEquals(201, t.status(), t.toString());
    Answer c = classify(admin, t.json().getString("name"), "anything");
    assertEquals(503, c.status(), c.toString());
    assertTrue(c.json().getString("message").contains("activate"), c.toString());
  }

  @Test
  void importSkipsBadLinesAndReportsThem() {
    JsonObject t = taxonomyWithModel(0);
    Answer d =
        admin.post("/taxonomies/" + t.getJsonNumber("id") + "/datasets", "{\"name\":\"seed\"}");
    assertEquals(201, d.status(), d.toString());
    String jsonl =
        String.join(
            "\n",
            "{\"instruction\":\"Categorize the following user query.\",\"input\":\"card stuck\",\"output\":\"card\"}",
            "{\"input\":\"no label\"}",
            "",
            "{\"input\":\"apply for a loan\",\"output\":\"loan\",\"split\":\"test\"}",
            "not json at all",
            "{\"input\":\"unknown one\",\"output\":\"mortgage\"}");
    Answer r =
        admin.postRaw(
            "/datasets/" + d.json().getJsonNumber("id") + "/import", "application/x-ndjson", jsonl);
    assertEquals(200, r.status(), r.toString());
    assertEquals(5, r.json().getInt("linesRead"));
    assertEquals(2, r.json().getInt("imported"));
    var skipped = r.json().getJsonArray("skipped").getValuesAs(JsonObject.class);
    assertEquals(List.of(2, 5, 6), skipped.stream().map(s -> s.getInt("line")).toList());
    assertTrue(skipped.get(0).getString("reason").contains("\"output\""), r.toString());
    assertTrue(skipped.get(2).getString("reason").contains("mortgage"), r.toString());
  }

  @Test
  void activatingANewVersionDoesNotFailRequestsInFlight() throws Exception {
    JsonObject t = taxonomyWithModel(0);
    long v2 = registerModel(t.getJsonNumber("id").longValue(), "v2");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Answer>> calls = new ArrayList<>();
      IntStream.range(0, 24)
          .forEach(
              i ->
                  calls.add(
                      pool.submit(() -> classify(admin, t.getString("name"), "slow card " + i))));
      Thread.sleep(200);
      Answer activated = admin.post("/model-versions/" + v2 + "/activate", "");
      assertEquals(200, activated.status(), activated.toString());
      for (Future<Answer> f : calls) {
        Answer a = f.get();
        assertEquals(200, a.status(), a.toString());
        assertEquals("card", a.json().getString("category"));
      }
    } finally {
      pool.shutdownNow();
    }
    Answer after = classify(admin, t.getString("name"), "card");
    assertEquals(v2, after.json().getJsonNumber("modelVersionId").longValue());
  }

  @Test
  void realEngineServesATinyRandomCheckpoint() {
    String dir = System.getProperty("qcat.it.tinyModelDir", "");
    Assumptions.assumeFalse(dir.isBlank(), "qcat.it.tinyModelDir not set (scripts/it.sh sets it)");
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(Api.unique("engine"))
                + ",\"categories\":[{\"name\":\"card_arrival\"},{\"name\":\"card\"},"
                + "{\"name\":\"exchange_rate\"}]}");
    assertEquals(201, t.status(), t.toString());
    Answer m =
        admin.post(
            "/model-versions",
            "{\"taxonomyId\":"
                + t.json().getJsonNumber("id")
                + ",\"name\":\"tiny-random\",\"baseModelPath\":"
                + str(dir)
                + "}");
    assertEquals(201, m.status(), m.toString());
    Answer a = admin.post("/model-versions/" + m.json().getJsonNumber("id") + "/activate", "");
    assertEquals(200, a.status(), a.toString());
    Answer c = classify(admin, t.json().getString("name"), "When will my card arrive?");
    assertEquals(200, c.status(), c.toString());
    double sum =
        c.json().getJsonArray("topK").getValuesAs(JsonObject.class).stream()
            .mapToDouble(s -> s.getJsonNumber("confidence").doubleValue())
            .sum();
    assertEquals(1.0, sum, 1e-6, "confidences over all 3 categories sum to 1: " + c);
  }

  @Test
  void healthIsReadyWhenModelsAreLoaded() {
    taxonomyWithModel(0);
    String root = Api.BASE.substring(0, Api.BASE.indexOf("/qcat/"));
    Answer h = Api.anonymous().getAbsolute(root + "/health/ready");
    assertNotNull(h.body());
    assertEquals(JsonValue.ValueType.OBJECT, h.body().getValueType(), h.toString());
    assertEquals("UP", h.json().getString("status"), h.toString());
  }

  // --- quant (issue 4): quantized model versions served by the real engine ---

  @Test
  void realEngineServesQuantizedVersions() {
    String dir = System.getProperty("qcat.it.tinyModelDir", "");
    Assumptions.assumeFalse(dir.isBlank(), "qcat.it.tinyModelDir not set (scripts/it.sh sets it)");
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(Api.unique("quant"))
                + ",\"categories\":[{\"name\":\"card_arrival\"},{\"name\":\"card\"},"
                + "{\"name\":\"exchange_rate\"}]}");
    assertEquals(201, t.status(), t.toString());
    for (String q : List.of("Q8_0", "Q4_0")) {
      Answer m =
          admin.post(
              "/model-versions",
              "{\"taxonomyId\":"
                  + t.json().getJsonNumber("id")
                  + ",\"name\":\"tiny-random-"
                  + q
                  + "\",\"baseModelPath\":"
                  + str(dir)
                  + ",\"quantization\":\""
                  + q
                  + "\"}");
      assertEquals(201, m.status(), m.toString());
      Answer a = admin.post("/model-versions/" + m.json().getJsonNumber("id") + "/activate", "");
      assertEquals(200, a.status(), q + " activates: " + a);
      Answer c = classify(admin, t.json().getString("name"), "When will my card arrive?");
      assertEquals(200, c.status(), c.toString());
      assertEquals(
          m.json().getJsonNumber("id").longValue(),
          c.json().getJsonNumber("modelVersionId").longValue(),
          q + " version answered: " + c);
      double sum =
          c.json().getJsonArray("topK").getValuesAs(JsonObject.class).stream()
              .mapToDouble(s -> s.getJsonNumber("confidence").doubleValue())
              .sum();
      assertEquals(1.0, sum, 1e-6, q + ": confidences over all 3 categories sum to 1: " + c);
    }
  }
}
