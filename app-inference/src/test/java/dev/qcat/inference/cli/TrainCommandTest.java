package dev.qcat.inference.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.GgufReader;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.Qwen2GgufExporter;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.lora.LoraAdapter;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.model.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qcat train}, then {@code classify} / {@code eval} with {@code --adapter}, and {@code bench
 * --train}, run in-process on a tiny random model with the byte-level tokenizer.
 */
class TrainCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LABELS = List.of("Card", "Cash", "Exchange rate");

  @TempDir static Path dir;
  static Path model;
  static Path train;
  static Path valid;
  static Path adapter;

  record Run(int code, String out, String err) {}

  static Run qcat(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Qcat.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static String line(String input, String label) {
    return "{\"instruction\": \"Categorize the following user query.\", \"input\": \""
        + input
        + "\", \"output\": \""
        + label
        + "\"}";
  }

  /** A tiny seed dataset: three categories, distinct questions. */
  private static List<String> seed(int n, int offset) {
    String[][] templates = {
      {"my card %d is broken", "Card"},
      {"withdraw cash number %d", "Cash"},
      {"euro rate today %d", "Exchange rate"}
    };
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] t = templates[i % 3];
      lines.add(line(String.format(t[0], offset + i), t[1]));
    }
    return lines;
  }

  @BeforeAll
  static void trainAdapter() throws IOException {
    model = dir.resolve("tiny");
    RandomCheckpoint.write(
        model,
        RandomCheckpoint.preset("tiny"),
        SafetensorsDtype.F32,
        7,
        RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
        null);
    train = dir.resolve("train.jsonl");
    Files.write(train, seed(24, 0));
    valid = dir.resolve("valid.jsonl");
    Files.write(valid, seed(9, 100));
    adapter = dir.resolve("adapter");
    Run r =
        qcat(
            "train",
            "--model",
            model.toString(),
            "--train",
            train.toString(),
            "--valid",
            valid.toString(),
            "--epochs",
            "2",
            "--batch-size",
            "8",
            "--lr",
            "5e-3",
            "--r",
            "4",
            "--alpha",
            "8",
            "--target-modules",
            "q_proj,v_proj",
            "--checkpoint-every",
            "3",
            "--out",
            adapter.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().strip().endsWith("adapter"), r.out());
    assertTrue(r.err().contains("step 6/6"), r.err());
  }

  @Test
  void trainWritesThePeftAdapterAndItsFiles() throws IOException {
    for (String f :
        List.of(
            "adapter_config.json",
            "adapter_model.safetensors",
            "calibration.json",
            "training_history.json",
            "labels.txt")) {
      assertTrue(Files.isRegularFile(adapter.resolve(f)), f);
    }
    assertEquals(LABELS, Files.readAllLines(adapter.resolve("labels.txt")));
    JsonNode cfg = JSON.readTree(adapter.resolve("adapter_config.json").toFile());
    assertEquals(4, cfg.get("r").asInt());
    assertEquals(8.0, cfg.get("lora_alpha").asDouble());
    assertEquals(2, cfg.get("target_modules").size());
    try (Stream<Path> s = Files.list(adapter.resolve("checkpoints"))) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("step-")));
    }
  }

  @Test
  void resumesFromACheckpoint() throws IOException {
    Path checkpoint;
    try (Stream<Path> s = Files.list(adapter.resolve("checkpoints"))) {
      checkpoint = s.sorted().findFirst().orElseThrow();
    }
    Path out = dir.resolve("resumed");
    Run r =
        qcat(
            "train",
            "--model",
            model.toString(),
            "--train",
            train.toString(),
            "--valid",
            valid.toString(),
            "--epochs",
            "2",
            "--batch-size",
            "8",
            "--lr",
            "5e-3",
            "--r",
            "4",
            "--alpha",
            "8",
            "--target-modules",
            "q_proj,v_proj",
            "--checkpoint-every",
            "3",
            "--no-progress",
            "--resume",
            checkpoint.toString(),
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isRegularFile(out.resolve("adapter_model.safetensors")));
  }

  @Test
  void classifiesWithTheAdapterAndItsLabels() throws IOException {
    Run r =
        qcat(
            "classify",
            "--model",
            model.toString(),
            "--adapter",
            adapter.toString(),
            "--text",
            "my card 7 is broken");
    assertEquals(0, r.code(), r.err());
    JsonNode o = JSON.readTree(r.out());
    assertTrue(LABELS.contains(o.get("category").asText()), r.out());
    double c = o.get("confidence").asDouble();
    assertTrue(c > 0 && c <= 1);
    assertEquals(c < 0.75, o.get("needs_review").asBoolean());
    double sum = 0;
    for (JsonNode t : o.get("top_k")) {
      sum += t.get("confidence").asDouble();
    }
    assertEquals(1.0, sum, 1e-5, "three labels, top 3: calibrated confidences sum to 1");
  }

  @Test
  void evaluatesWithCalibrationSweepAndPlots() throws IOException {
    Path plots = dir.resolve("plots");
    Path report = dir.resolve("report.json");
    Run r =
        qcat(
            "eval",
            "--model",
            model.toString(),
            "--adapter",
            adapter.toString(),
            "--input",
            valid.toString(),
            "--plots",
            plots.toString(),
            "--report",
            report.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("NLL"), r.out());
    assertTrue(r.out().contains("ECE (15 bins)"), r.out());
    assertTrue(r.out().contains("threshold sweep"), r.out());
    assertTrue(r.out().contains("     0.95"), r.out());
    assertTrue(Files.size(plots.resolve("reliability.png")) > 0);
    assertTrue(Files.size(plots.resolve("confusion.png")) > 0);
    JsonNode o = JSON.readTree(report.toFile());
    assertEquals(10, o.get("threshold_sweep").size());
    double t =
        JSON.readTree(adapter.resolve("calibration.json").toFile()).get("temperature").asDouble();
    assertEquals(t, o.get("temperature").asDouble(), 1e-12);
    assertTrue(o.get("nll_after").asDouble() >= 0);
  }

  @Test
  void exportsTheMergedAdapterToGguf() throws IOException {
    Path gguf = dir.resolve("merged.gguf");
    Run r =
        qcat(
            "export-gguf",
            "--model",
            model.toString(),
            "--adapter",
            adapter.toString(),
            "--type",
            "F32",
            "--out",
            gguf.toString());
    assertEquals(0, r.code(), r.err());
    String q = CheckpointKeys.layer(CheckpointKeys.Q_PROJ_WEIGHT, 0);
    float[] merged;
    float[] base;
    try (HfCheckpoint ckpt = HfCheckpoint.load(model)) {
      LoraAdapter lora = PeftAdapterIO.load(adapter);
      merged = lora.applyTo(ckpt.config(), ckpt::tensor).apply(q).data();
      base = ckpt.tensor(q).data();
    }
    float[] exported;
    try (GgufReader reader = GgufReader.open(gguf)) {
      exported = reader.readTensor(Qwen2GgufExporter.ggufName(q).orElseThrow());
    }
    assertArrayEquals(merged, exported, "the GGUF holds W + (alpha/r)·B·A");
    assertFalse(Arrays.equals(base, exported), "training moved q_proj away from the base");
  }

  @Test
  void badUsageExitsTwo() throws IOException {
    Run missing = qcat("train", "--model", model.toString(), "--out", dir.resolve("x").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--train"), missing.err());
    Run rank =
        qcat(
            "train",
            "--model",
            model.toString(),
            "--train",
            train.toString(),
            "--r",
            "0",
            "--out",
            dir.resolve("x").toString());
    assertEquals(2, rank.code());
    assertTrue(rank.err().contains("r=0"), rank.err());
    assertEquals(
        2,
        qcat(
                "train",
                "--model",
                model.toString(),
                "--train",
                train.toString(),
                "--schedule",
                "step",
                "--out",
                dir.resolve("x").toString())
            .code());
    assertEquals(
        2,
        qcat(
                "train",
                "--model",
                model.toString(),
                "--train",
                dir.resolve("nope.jsonl").toString(),
                "--out",
                dir.resolve("x").toString())
            .code());
    assertEquals(
        2,
        qcat(
                "train",
                "--model",
                model.toString(),
                "--train",
                train.toString(),
                "--modules-to-save",
                "norm",
                "--out",
                dir.resolve("x").toString())
            .code());
    assertFalse(Files.exists(dir.resolve("x")));
    // No taxonomy: neither --labels nor an adapter with labels.txt.
    Run noLabels = qcat("classify", "--model", model.toString(), "--text", "x");
    assertEquals(2, noLabels.code());
    assertTrue(noLabels.err().contains("--labels"), noLabels.err());
    Run help = qcat("train", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--modules-to-save"), help.out());
    assertEquals(2, qcat("bench", "--no-llama").code());
  }

  @Test
  void benchTrainReportsTokensPerSecondAgainstTheBound() {
    Run r =
        qcat(
            "bench",
            "--train",
            "--preset",
            "tiny",
            "--threads",
            "1",
            "--train-batch",
            "1",
            "--sequence-tokens",
            "16",
            "--warmup",
            "0",
            "--repeats",
            "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("tokens/s"), r.out());
    assertTrue(r.out().contains("share of the bound"), r.out());
  }
}
