package dev.qcat.it;

import static dev.qcat.it.Api.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.it.Api.Answer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * The batch jobs of issue 7 on a real Payara and PostgreSQL (scripts/it.sh): each job through the
 * REST API and the JobOperator, with the keyword test runtimes for drift and the promotion gate,
 * and the tiny random Qwen2 model for LoRA training (including kill -9 of the server mid-run).
 * Every test builds its own taxonomy.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BatchJobsIT {

  private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED");

  @Deployment(testable = false)
  static EnterpriseArchive deployment() {
    File ear = new File(System.getProperty("qcat.it.ear", "../app-ear/target/qcat.ear"));
    EnterpriseArchive archive = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
    archive
        .getAsType(JavaArchive.class, "app-domain.jar")
        .addClasses(KeywordModelRuntime.class, BlindKeywordModelRuntime.class);
    return archive;
  }

  private final Api admin = Api.admin();

  // ---------------------------------------------------------------- helpers

  private long taxonomy(List<String> categories) {
    StringBuilder cats = new StringBuilder();
    for (String c : categories) {
      cats.append(cats.isEmpty() ? "" : ",").append("{\"name\":").append(str(c)).append('}');
    }
    Answer t =
        admin.post(
            "/taxonomies",
            "{\"name\":"
                + str(Api.unique("batch"))
                + ",\"auditRate\":0,\"categories\":["
                + cats
                + "]}");
    assertEquals(201, t.status(), t.toString());
    return t.json().getJsonNumber("id").longValue();
  }

  private String taxonomyName(long id) {
    return admin.get("/taxonomies/" + id).json().getString("name");
  }

  private long dataset(long taxonomyId) {
    Answer d =
        admin.post(
            "/taxonomies/" + taxonomyId + "/datasets",
            "{\"name\":" + str(Api.unique("seed")) + "}");
    assertEquals(201, d.status(), d.toString());
    return d.json().getJsonNumber("id").longValue();
  }

  private static String line(String input, String output, String split) {
    var o = Json.createObjectBuilder().add("instruction", "Categorize the following user query.");
    o.add("input", input).add("output", output);
    if (split != null) {
      o.add("split", split);
    }
    return o.build().toString();
  }

  private static Path file(List<String> lines) throws IOException {
    Path f = Files.createTempFile("qcat-batch-it-", ".jsonl");
    Files.write(f, lines, StandardCharsets.UTF_8);
    f.toFile().deleteOnExit();
    return f;
  }

  private long start(String job, long taxonomyId, Map<String, String> params) {
    var p = Json.createObjectBuilder();
    params.forEach(p::add);
    Answer a =
        admin.post(
            "/jobs",
            "{\"job\":"
                + str(job)
                + ",\"taxonomyId\":"
                + taxonomyId
                + ",\"parameters\":"
                + p.build()
                + "}");
    assertEquals(202, a.status(), a.toString());
    return a.json().getJsonNumber("jobInstanceId").longValue();
  }

  private JsonObject await(long instance, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Answer a = null;
    while (System.nanoTime() < end) {
      a = admin.get("/jobs/" + instance);
      if (a.status() == 200
          && a.json().containsKey("batchStatus")
          && !a.json().isNull("batchStatus")
          && DONE.contains(a.json().getString("batchStatus"))) {
        return a.json();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("job " + instance + " did not end within " + seconds + " s: " + a);
  }

  private JsonObject completed(long instance, long seconds) throws InterruptedException {
    JsonObject j = await(instance, seconds);
    assertEquals("COMPLETED", j.getString("batchStatus"), j.toString());
    return j;
  }

  /** The job run's result (a JSON object stored as text). */
  private static JsonObject result(JsonObject run) {
    try (var r = Json.createReader(new java.io.StringReader(run.getString("result")))) {
      return r.readObject();
    }
  }

  private long importSeed(long taxonomyId, List<String> lines) throws Exception {
    long ds = dataset(taxonomyId);
    long job =
        start(
            "dataset-import",
            taxonomyId,
            Map.of("datasetId", Long.toString(ds), "file", file(lines).toString()));
    completed(job, 120);
    return ds;
  }

  private long register(long taxonomyId, String name, String base) {
    Answer m =
        admin.post(
            "/model-versions",
            "{\"taxonomyId\":"
                + taxonomyId
                + ",\"name\":"
                + str(name)
                + ",\"baseModelPath\":"
                + str(base)
                + "}");
    assertEquals(201, m.status(), m.toString());
    return m.json().getJsonNumber("id").longValue();
  }

  private void activate(long modelVersionId) {
    Answer a = admin.post("/model-versions/" + modelVersionId + "/activate", "");
    assertEquals(200, a.status(), a.toString());
  }

  private static final List<String> BANK = List.of("card", "loan", "transfer");

  /**
   * card/loan/transfer with 10 training and 3 golden (test) examples each, keyword model ACTIVE.
   */
  private long keywordTaxonomy() throws Exception {
    long t = taxonomy(BANK);
    List<String> lines = new ArrayList<>();
    for (String c : BANK) {
      for (int i = 0; i < 10; i++) {
        lines.add(line("question " + i + " about my " + c, c, "train"));
      }
      for (int i = 0; i < 3; i++) {
        lines.add(line("golden " + i + ": the " + c + " again", c, "test"));
      }
    }
    importSeed(t, lines);
    activate(register(t, "keyword", KeywordModelRuntime.BASE_PATH));
    return t;
  }

  private void classify(long taxonomyId, String text) {
    Answer c =
        admin.post(
            "/classify",
            "{\"taxonomy\":" + str(taxonomyName(taxonomyId)) + ",\"text\":" + str(text) + "}");
    assertEquals(200, c.status(), c.toString());
  }

  // ---------------------------------------------------------------- tests

  @Test
  void importJobStreamsAHundredThousandLinesAndReportsBadOnesLineByLine() throws Exception {
    long t = taxonomy(BANK);
    long ds = dataset(t);
    Map<Long, String> bad = new LinkedHashMap<>();
    bad.put(2L, "invalid JSON");
    bad.put(5L, "missing \"output\"");
    bad.put(50_000L, "unknown category 'mortgage'");
    bad.put(100_003L, "characters; the limit is 2000");
    bad.put(100_004L, "\"input\" is blank");
    List<String> lines = new ArrayList<>(100_006);
    int good = 0;
    for (long n = 1; n <= 100_006; n++) {
      if (n == 2) {
        lines.add("{not json");
      } else if (n == 5) {
        lines.add("{\"input\":\"where is my card\"}");
      } else if (n == 7) {
        lines.add("   ");
      } else if (n == 50_000) {
        lines.add(line("a mortgage question", "mortgage", null));
      } else if (n == 100_003) {
        lines.add(line("x".repeat(2001), "card", null));
      } else if (n == 100_004) {
        lines.add(line("   ", "card", null));
      } else {
        lines.add(line("question number " + n, BANK.get((int) (n % 3)), null));
        good++;
      }
    }
    assertEquals(100_000, good);
    long started = System.nanoTime();
    long job =
        start(
            "dataset-import",
            t,
            Map.of("datasetId", Long.toString(ds), "file", file(lines).toString()));
    JsonObject run = completed(job, 400);
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("dataset-import of 100,006 lines took %.1f s%n", seconds);

    Answer report = admin.get("/jobs/" + job + "/report");
    assertEquals(200, report.status(), report.toString());
    var rows = report.body().asJsonArray().getValuesAs(JsonObject.class);
    assertEquals(
        List.copyOf(bad.keySet()),
        rows.stream().map(r -> r.getJsonNumber("line").longValue()).toList(),
        report.toString());
    for (JsonObject r : rows) {
      String expected = bad.get(r.getJsonNumber("line").longValue());
      assertTrue(r.getString("reason").contains(expected), r + " should say " + expected);
    }
    Answer d = admin.get("/datasets/" + ds);
    assertEquals(100_000, d.json().getJsonNumber("examples").longValue(), d.toString());
    assertTrue(run.getString("log").contains("100000 imported, 5 skipped"), run.getString("log"));
  }

  @Test
  void driftCheckPassesTheTrainingDistributionAndFlagsAShiftedStream() throws Exception {
    long same = keywordTaxonomy();
    for (int i = 0; i < 30; i++) {
      classify(same, "live " + i + ": my " + BANK.get(i % 3) + " please");
    }
    JsonObject ok = completed(start("drift-check", same, Map.of()), 120);
    assertEquals("OK", ok.getString("exitStatus"), ok.toString());

    long shifted = keywordTaxonomy();
    for (int i = 0; i < 30; i++) {
      // Categories held out of the taxonomy's training data: refunds and crypto.
      classify(shifted, i % 2 == 0 ? "refund " + i + " please" : "crypto wallet " + i);
    }
    JsonObject drift = completed(start("drift-check", shifted, Map.of()), 120);
    assertEquals("DRIFT", drift.getString("exitStatus"), drift.toString());

    Answer checks = admin.get("/drift/checks?taxonomyId=" + shifted);
    var latest = checks.body().asJsonArray().getValuesAs(JsonObject.class);
    JsonObject c = latest.get(latest.size() - 1);
    assertEquals("DRIFT", c.getString("verdict"));
    assertEquals(30, c.getInt("livePredictions"));
    assertTrue(c.getJsonNumber("psi").doubleValue() > 0.25, c.toString());
    assertTrue(c.getJsonNumber("ks").doubleValue() > 0.35, c.toString());
    assertEquals(1.0, c.getJsonNumber("reviewRate").doubleValue(), 1e-9, c.toString());
    assertEquals(1.0, c.getJsonNumber("accuracy").doubleValue(), 1e-9, c.toString());
    assertTrue(c.getString("reason").contains("PSI"), c.toString());

    Answer okChecks = admin.get("/drift/checks?taxonomyId=" + same);
    var okList = okChecks.body().asJsonArray().getValuesAs(JsonObject.class);
    JsonObject okCheck = okList.get(okList.size() - 1);
    assertEquals(0.0, okCheck.getJsonNumber("reviewRate").doubleValue(), 1e-9, okCheck.toString());
    assertTrue(okCheck.getJsonNumber("psi").doubleValue() < 0.1, okCheck.toString());
  }

  @Test
  void promotionGateRefusesAWorseCandidateAndAcceptsABetterOne() throws Exception {
    long t = taxonomy(BANK);
    List<String> golden = new ArrayList<>();
    for (String c : BANK) {
      for (int i = 0; i < 6; i++) {
        golden.add(line("golden " + i + " about the " + c, c, "test"));
      }
    }
    importSeed(t, golden);
    long active = register(t, "blind-to-loan", BlindKeywordModelRuntime.PREFIX + "loan");
    activate(active);

    long worse =
        register(
            t, "blind-to-loan-and-transfer", BlindKeywordModelRuntime.PREFIX + "loan,transfer");
    Answer refused = admin.post("/model-versions/lifecycle/gate?candidateId=" + worse, "");
    assertEquals(200, refused.status(), refused.toString());
    assertFalse(refused.json().getBoolean("promoted"), refused.toString());
    assertTrue(
        refused.json().getString("reason").contains("macro-F1 on the golden set"),
        refused.toString());
    // 'transfer' loses all 6 of its questions: beyond the margin and significant (p = 1/64)
    assertTrue(
        refused.json().getString("reason").contains("recall of 'transfer' falls from 1.0000 to"),
        refused.toString());
    JsonObject worseNow = admin.get("/model-versions/" + worse).json();
    assertEquals("CANDIDATE", worseNow.getString("status"));
    assertTrue(worseNow.toString().contains("kept as CANDIDATE"), worseNow.toString());

    long better = register(t, "sees-all", KeywordModelRuntime.BASE_PATH);
    Answer accepted = admin.post("/model-versions/lifecycle/gate?candidateId=" + better, "");
    assertEquals(200, accepted.status(), accepted.toString());
    assertTrue(accepted.json().getBoolean("promoted"), accepted.toString());
    assertEquals("ACTIVE", admin.get("/model-versions/" + better).json().getString("status"));

    Answer back = admin.post("/model-versions/lifecycle/rollback?taxonomyId=" + t, "");
    assertEquals(200, back.status(), back.toString());
    assertEquals(active, back.json().getJsonNumber("id").longValue());
    assertEquals("ACTIVE", admin.get("/model-versions/" + active).json().getString("status"));
    assertEquals("RETIRED", admin.get("/model-versions/" + better).json().getString("status"));
  }

  @Test
  void evaluationJobScoresAVersionOnATestSplitAndStoresTheMetrics() throws Exception {
    long t = taxonomy(BANK);
    List<String> lines = new ArrayList<>();
    for (String c : BANK) {
      for (int i = 0; i < 4; i++) {
        lines.add(line("test " + i + " about the " + c, c, "test"));
      }
    }
    long ds = importSeed(t, lines);
    long mv = register(t, "blind-to-loan", BlindKeywordModelRuntime.PREFIX + "loan");
    JsonObject run =
        completed(
            start(
                "evaluation",
                t,
                Map.of(
                    "modelVersionId", Long.toString(mv),
                    "datasetId", Long.toString(ds),
                    "split", "test")),
            180);
    JsonObject r = result(run);
    assertEquals(12, r.getInt("examples"), run.toString());
    // card and transfer right, loan always answered "card": 8 of 12.
    assertEquals(8.0 / 12, r.getJsonNumber("accuracy").doubleValue(), 1e-9, run.toString());
    assertEquals(12L, run.getJsonNumber("step").longValue(), run.toString());
    Answer stored = admin.get("/evaluations/" + r.getJsonNumber("evaluationId"));
    assertEquals(200, stored.status(), stored.toString());
  }

  @Test
  void schedulesAreValidatedAndUnknownJobsRefused() throws Exception {
    long t = taxonomy(BANK);
    Answer s =
        admin.put(
            "/schedules",
            "{\"taxonomyId\":" + t + ",\"job\":\"drift-check\",\"cron\":\"0 3 * * *\"}");
    assertEquals(200, s.status(), s.toString());
    assertEquals("0 3 * * *", s.json().getString("cron"));
    Answer bad =
        admin.put(
            "/schedules",
            "{\"taxonomyId\":" + t + ",\"job\":\"drift-check\",\"cron\":\"61 * * * *\"}");
    assertEquals(400, bad.status(), bad.toString());
    Answer unknown = admin.post("/jobs", "{\"job\":\"nope\",\"taxonomyId\":" + t + "}");
    assertEquals(400, unknown.status(), unknown.toString());
    assertEquals(204, admin.delete("/schedules/" + s.json().getJsonNumber("id")).status());
  }

  @Test
  void aScheduleStartsItsJobFromATimer() throws Exception {
    long t = keywordTaxonomy();
    Answer s =
        admin.put(
            "/schedules",
            "{\"taxonomyId\":" + t + ",\"job\":\"drift-check\",\"cron\":\"*/15 * * * * *\"}");
    assertEquals(200, s.status(), s.toString());
    long scheduleId = s.json().getJsonNumber("id").longValue();
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      JsonObject scheduled = null;
      while (scheduled == null && System.nanoTime() < end) {
        for (JsonObject r :
            admin.get("/jobs?taxonomyId=" + t).body().asJsonArray().getValuesAs(JsonObject.class)) {
          if (r.getString("jobName").equals("drift-check")
              && r.getString("startedBy").equals("scheduler")) {
            scheduled = r;
          }
        }
        Thread.sleep(1000);
      }
      assertTrue(scheduled != null, "no drift-check started by the scheduler within 120 s");
      JsonObject run = completed(scheduled.getJsonNumber("jobInstanceId").longValue(), 120);
      assertEquals("OK", run.getString("exitStatus"), run.toString());
    } finally {
      assertEquals(204, admin.delete("/schedules/" + scheduleId).status());
    }
  }

  @Test
  void loraTrainingSurvivesKillMinus9AndEndsWithTheSameAdapter() throws Exception {
    String tiny = System.getProperty("qcat.it.tinyModelDir", "");
    Assumptions.assumeTrue(!tiny.isBlank(), "qcat.it.tinyModelDir not set (scripts/it.sh sets it)");
    List<String> cats = List.of("alpha", "beta", "gamma");
    long t = taxonomy(cats);
    List<String> lines = new ArrayList<>();
    String[][] words = {
      {"red", "apple", "cherry"}, {"blue", "sky", "ocean"}, {"green", "grass", "leaf"}
    };
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 8; i++) {
        lines.add(
            line(words[c][i % 3] + " " + words[c][(i + 1) % 3] + " " + i, cats.get(c), "train"));
      }
      lines.add(line("the " + words[c][0] + " one", cats.get(c), "test"));
    }
    importSeed(t, lines);
    activate(register(t, "tiny-base", tiny));
    Map<String, String> params =
        Map.of(
            "epochs", "2",
            "batchSize", "4",
            "checkpointEvery", "2",
            "learningRate", "0.001",
            "r", "4",
            "alpha", "8",
            "seed", "7");

    long killed = start("lora-training", t, params);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    JsonObject run = null;
    while (System.nanoTime() < end) {
      run = admin.get("/jobs/" + killed).json();
      if (run.containsKey("step")
          && !run.isNull("step")
          && run.getJsonNumber("step").longValue() >= 3) {
        break;
      }
      assertFalse(
          DONE.contains(run.isNull("batchStatus") ? "" : run.getString("batchStatus")),
          "ended before it could be killed: " + run);
      Thread.sleep(200);
    }
    assertTrue(run.getString("log").contains("checkpoint at step 2"), run.getString("log"));
    Server.killAndRestart();

    JsonObject failed = admin.get("/jobs/" + killed).json();
    assertEquals("FAILED", failed.getString("batchStatus"), failed.toString());
    Answer restarted = admin.post("/jobs/" + killed + "/restart", "");
    assertEquals(202, restarted.status(), restarted.toString());
    JsonObject resumed = completed(killed, 600);
    assertTrue(
        resumed.getString("log").contains("resuming from checkpoint"), resumed.getString("log"));
    String shaResumed = result(resumed).getString("adapterSha256");

    JsonObject straight = completed(start("lora-training", t, params), 600);
    String shaStraight = result(straight).getString("adapterSha256");
    assertEquals(64, shaStraight.length(), straight.toString());
    assertEquals(shaStraight, shaResumed, "adapter after kill -9 + restart vs. uninterrupted run");

    JsonObject candidate =
        admin.get("/model-versions/" + result(straight).getJsonNumber("modelVersionId")).json();
    assertEquals("CANDIDATE", candidate.getString("status"), candidate.toString());

    // retrain = the same training on the latest data, then the promotion gate against tiny-base.
    JsonObject retrain = completed(start("retrain", t, params), 600);
    assertTrue(retrain.getString("result").contains("\"gate\""), retrain.toString());
    assertTrue(
        retrain.getString("exitStatus").equals("PROMOTED")
            || retrain.getString("exitStatus").equals("KEPT_CANDIDATE"),
        retrain.toString());
  }
}
