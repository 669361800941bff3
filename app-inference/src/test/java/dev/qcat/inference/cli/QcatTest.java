package dev.qcat.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code qcat} tool run in-process on a tiny random model with the byte-level tokenizer. */
class QcatTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LABELS =
      List.of("Card", "Card arrival", "Exchange rate", "Cash");

  @TempDir static Path dir;
  static Path model;
  static Path labels;
  static Path dataset;

  record Run(int code, String out, String err) {}

  static Run qcat(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Qcat.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void tinyModel() throws IOException {
    model = dir.resolve("tiny");
    RandomCheckpoint.write(
        model,
        RandomCheckpoint.preset("tiny"),
        SafetensorsDtype.F32,
        7,
        RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
        null);
    labels = dir.resolve("labels.txt");
    Files.write(labels, LABELS);
    dataset = dir.resolve("data.jsonl");
    Files.writeString(
        dataset,
        String.join(
            "\n",
            "{\"instruction\": \"Categorize the following user query.\", \"input\": \"Where is my new card?\", \"output\": \"Card arrival\"}",
            "{\"input\": \"What rate do you use for euros?\", \"output\": \"Exchange rate\"",
            "{\"input\": \"Can I get cash at an ATM?\", \"output\": \"Cash\"}",
            "{\"input\": \"   \", \"output\": \"Cash\"}",
            "{\"input\": \"My card broke\", \"output\": \"Card\"}",
            "{\"input\": \"Where is the weather?\", \"output\": \"Weather\"}",
            ""));
  }

  @Test
  void classifiesOneText() throws IOException {
    Run r =
        qcat(
            "classify",
            "--model",
            model.toString(),
            "--labels",
            labels.toString(),
            "--text",
            "Where is my card?");
    assertEquals(0, r.code(), r.err());
    JsonNode o = JSON.readTree(r.out());
    assertTrue(LABELS.contains(o.get("category").asText()));
    double c = o.get("confidence").asDouble();
    assertTrue(c > 0 && c <= 1);
    assertEquals(3, o.get("top_k").size());
    assertEquals(o.get("category").asText(), o.get("top_k").get(0).get("category").asText());
    assertEquals(c < 0.75, o.get("needs_review").asBoolean());
  }

  @Test
  void classifiesJsonlSkippingAndReportingBadLines() throws IOException {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(
        in, "{\"input\": \"Where is my card?\"}\n{not json}\n{\"input\": \"Rate for USD?\"}\n");
    Path out = dir.resolve("out.jsonl");
    Run r =
        qcat(
            "classify",
            "--model",
            model.toString(),
            "--labels-from",
            dataset.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--batch-size",
            "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains(in + ":2: skipped: invalid JSON"), r.err());
    List<String> lines = Files.readAllLines(out);
    assertEquals(2, lines.size());
    assertEquals(1, JSON.readTree(lines.get(0)).get("line").asInt());
    assertEquals(3, JSON.readTree(lines.get(1)).get("line").asInt());
    // --labels-from: distinct outputs of the good lines, in first-seen order ("Weather" included).
    assertTrue(r.err().contains(dataset + ":2: skipped: invalid JSON"), r.err());
    JsonNode first = JSON.readTree(lines.get(0));
    assertTrue(
        List.of("Card arrival", "Cash", "Card", "Weather")
            .contains(first.get("category").asText()));
  }

  @Test
  void batchedClassificationEqualsOneByOne() throws IOException {
    Path in = dir.resolve("in2.jsonl");
    Files.writeString(
        in,
        "{\"input\": \"a\"}\n{\"input\": \"Where is my new card, it has been a week?\"}\n{\"input\": \"rate\"}\n");
    Path one = dir.resolve("one.jsonl");
    Path three = dir.resolve("three.jsonl");
    String[] base = {
      "classify",
      "--model",
      model.toString(),
      "--labels",
      labels.toString(),
      "--input",
      in.toString(),
      "--output"
    };
    assertEquals(0, qcat(concat(base, one.toString(), "--batch-size", "1")).code());
    assertEquals(0, qcat(concat(base, three.toString(), "--batch-size", "3")).code());
    List<String> a = Files.readAllLines(one);
    List<String> b = Files.readAllLines(three);
    for (int i = 0; i < 3; i++) {
      JsonNode x = JSON.readTree(a.get(i));
      JsonNode y = JSON.readTree(b.get(i));
      assertEquals(x.get("category"), y.get("category"));
      assertEquals(x.get("confidence").asDouble(), y.get("confidence").asDouble(), 1e-4);
    }
  }

  @Test
  void evaluatesAFewLines() throws IOException {
    Path report = dir.resolve("report.json");
    Run r =
        qcat(
            "eval",
            "--model",
            model.toString(),
            "--labels",
            labels.toString(),
            "--input",
            dataset.toString(),
            "--report",
            report.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains(":2: skipped: invalid JSON"), r.err());
    assertTrue(r.err().contains(":4: skipped: empty text"), r.err());
    assertTrue(r.err().contains(":6: skipped: unknown label \"Weather\""), r.err());
    assertTrue(r.out().contains("examples           3 (3 lines skipped)"), r.out());
    for (String s :
        List.of(
            "accuracy",
            "macro-F1",
            "ECE (15 bins)",
            "auto-routed share",
            "auto-routed acc.",
            "confusion matrix",
            "Card arrival")) {
      assertTrue(r.out().contains(s), s + " in\n" + r.out());
    }
    JsonNode j = JSON.readTree(report.toFile());
    assertEquals(3, j.get("examples").asInt());
    assertEquals(4, j.get("confusion_matrix").get("counts").size());
    long sum = 0;
    for (JsonNode row : j.get("confusion_matrix").get("counts")) {
      for (JsonNode v : row) {
        sum += v.asLong();
      }
    }
    assertEquals(3, sum);
  }

  @Test
  void badUsageExitsWithTwo() {
    assertEquals(2, qcat().code());
    assertEquals(2, qcat("no-such-command").code());
    assertEquals(
        2,
        qcat("classify", "--labels", labels.toString(), "--text", "x").code(),
        "missing --model");
    assertEquals(
        2,
        qcat(
                "classify",
                "--model",
                model.toString(),
                "--labels",
                labels.toString(),
                "--labels-from",
                dataset.toString(),
                "--text",
                "x")
            .code());
    assertEquals(
        2,
        qcat("classify", "--model", model.toString(), "--labels", labels.toString()).code(),
        "no --text or --input");
    assertEquals(
        2,
        qcat(
                "classify",
                "--model",
                dir.resolve("missing").toString(),
                "--labels",
                labels.toString(),
                "--text",
                "x")
            .code());
    assertEquals(
        2,
        qcat("classify", "--model", model.toString(), "--labels", labels.toString(), "--text", " ")
            .code());
    assertEquals(
        2,
        qcat(
                "eval",
                "--model",
                model.toString(),
                "--labels",
                labels.toString(),
                "--input",
                dataset.toString(),
                "--threshold",
                "1.5")
            .code());
    assertEquals(
        2,
        qcat(
                "export-gguf",
                "--model",
                model.toString(),
                "--type",
                "Q5_K",
                "--out",
                dir.resolve("x.gguf").toString())
            .code());
    Run adapter =
        qcat(
            "classify",
            "--model",
            model.toString(),
            "--adapter",
            dir.toString(),
            "--labels",
            labels.toString(),
            "--text",
            "x");
    assertEquals(2, adapter.code());
    assertTrue(adapter.err().contains("adapter_config.json: no such file"), adapter.err());
    Run bogus =
        qcat(
            "eval",
            "--model",
            model.toString(),
            "--labels",
            labels.toString(),
            "--input",
            dataset.toString(),
            "--bogus");
    assertEquals(2, bogus.code());
    assertTrue(bogus.err().contains("Unknown option"), bogus.err());
  }

  @Test
  void everySubcommandHasHelp() {
    for (String c :
        List.of("download", "init-random", "classify", "eval", "export-gguf", "merge", "bench")) {
      Run r = qcat(c, "--help");
      assertEquals(0, r.code(), c);
      assertTrue(r.out().contains("Usage: qcat " + c), r.out());
    }
    assertEquals(0, qcat("--help").code());
  }

  @Test
  void initRandomAndExportGguf() throws IOException {
    Path out = dir.resolve("init");
    Run r =
        qcat(
            "init-random",
            "--preset",
            "tiny",
            "--tokenizer",
            "byte-level",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
    Path gguf = dir.resolve("tiny.gguf");
    Run e =
        qcat("export-gguf", "--model", out.toString(), "--type", "F32", "--out", gguf.toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(Files.size(gguf) > 0);
    Path q8 = dir.resolve("tiny-q8_0.gguf");
    Run eq =
        qcat("export-gguf", "--model", out.toString(), "--type", "q8_0", "--out", q8.toString());
    assertEquals(0, eq.code(), eq.err());
    assertTrue(Files.size(q8) < Files.size(gguf) / 3, "Q8_0 is about 8.5/32 of F32");
    assertTrue(
        Files.readString(dir.resolve("tiny-q8_0.Modelfile")).startsWith("FROM ./tiny-q8_0.gguf"));
    assertEquals(2, qcat("init-random", "--preset", "huge", "--out", out.toString()).code());
  }

  @Test
  void benchPromptHasTheAskedLength() {
    try (var tok =
        dev.qcat.inference.tokenizer.Qwen2Tokenizer.load(model.resolve("tokenizer.json"))) {
      var enc = dev.qcat.inference.training.PromptEncoder.chatMl(tok);
      var examples =
          List.of(
              new dev.qcat.inference.data.SeedExample(
                  1,
                  "Categorize the following user query.",
                  "I still have not received my new card, I ordered over a week ago and nothing came",
                  java.util.Optional.of("Card arrival")));
      // The byte-level tokenizer spends a token per byte: ask for the template plus 20.
      int template =
          enc.prompt(
                  new dev.qcat.inference.data.SeedExample(
                      0, "Categorize the following user query.", "I", java.util.Optional.empty()))
              .length;
      int[] p = BenchCommand.promptOfLength(enc, examples, template + 20);
      assertEquals(template + 20, p.length);
    }
    assertEquals(3.0, BenchCommand.percentile(new double[] {5, 1, 3, 2, 4}, 0.5));
    assertEquals(5.0, BenchCommand.percentile(new double[] {5, 1, 3, 2, 4}, 0.95));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
