package dev.qcat.inference.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qcat.inference.calibration.TemperatureScaling;
import dev.qcat.inference.io.GgufReader;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.RandomCheckpoint;
import dev.qcat.inference.quant.QuantType;
import dev.qcat.inference.quant.QuantizedMatrix;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --quant} and {@code --calibrate-on} of {@code qcat classify / eval}, on a tiny model. */
class QuantCliTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path model;
  static Path labels;
  static Path dataset;

  @BeforeAll
  static void tinyModel() throws IOException {
    model = dir.resolve("tiny");
    RandomCheckpoint.write(
        model,
        RandomCheckpoint.preset("tiny"),
        SafetensorsDtype.F32,
        9,
        RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
        null);
    labels = dir.resolve("labels.txt");
    Files.write(labels, List.of("Card", "Card arrival", "Exchange rate", "Cash"));
    dataset = dir.resolve("data.jsonl");
    Files.write(
        dataset,
        List.of(
            "{\"input\": \"Where is my new card?\", \"output\": \"Card arrival\"}",
            "{\"input\": \"What rate do you use for euros?\", \"output\": \"Exchange rate\"}",
            "{\"input\": \"Can I get cash at an ATM?\", \"output\": \"Cash\"}",
            "{\"input\": \"My card broke\", \"output\": \"Card\"}",
            "{\"input\": \"Card still not here\", \"output\": \"Card arrival\"}",
            "{\"input\": \"Withdraw money\", \"output\": \"Cash\"}"));
  }

  @Test
  void evalServesQuantizedWeightsAndRefitsTheTemperature() throws IOException {
    for (String quant : List.of("Q8_0", "Q4_0")) {
      Path report = dir.resolve("report-" + quant + ".json");
      Path calDir = dir.resolve("cal-" + quant);
      QcatTest.Run r =
          QcatTest.qcat(
              "eval",
              "--model",
              model.toString(),
              "--labels",
              labels.toString(),
              "--input",
              dataset.toString(),
              "--quant",
              quant,
              "--calibrate-on",
              dataset.toString(),
              "--save-calibration",
              calDir.toString(),
              "--report",
              report.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("weights            " + quant), r.out());
      assertTrue(r.out().contains("(refit on " + dataset), r.out());
      assertTrue(
          r.err().contains("calibration refit on " + dataset + " (6 examples, " + quant), r.err());
      TemperatureScaling saved = TemperatureScaling.load(calDir);
      assertEquals(6, saved.examples());
      JsonNode j = JSON.readTree(report.toFile());
      assertEquals(quant, j.get("weights").asText());
      assertEquals(saved.temperature(), j.get("temperature").asDouble(), 1e-12);
      // refit on the evaluated set itself: the NLL at the refit T is at most that at T = 1
      assertTrue(j.get("nll_after").asDouble() <= j.get("nll_before").asDouble() + 1e-9, r.out());
    }
  }

  private static QcatTest.Run exportWithGptq(String type, Path out) {
    return QcatTest.qcat(
        "export-gguf",
        "--model",
        model.toString(),
        "--type",
        type,
        "--gptq",
        dataset.toString(),
        "--out",
        out.toString());
  }

  @Test
  void gptqRoundsTheExportedAndTheServedWeightsAlike() throws IOException {
    Path gguf = dir.resolve("gptq-Q4_0.gguf");
    QcatTest.Run export = exportWithGptq("Q4_0", gguf);
    assertEquals(0, export.code(), export.err());
    assertTrue(
        export.err().contains("GPTQ calibration: 6 questions from " + dataset), export.err());
    // The same rounding in-process (the calibration is deterministic) ...
    GptqOptions options = new GptqOptions();
    options.file = dataset;
    options.samples = GptqOptions.DEFAULT_SAMPLES;
    String name = "model.layers.1.mlp.down_proj.weight";
    float[] rounded;
    float[] plain;
    try (HfCheckpoint c = HfCheckpoint.load(model)) {
      rounded =
          options
              .apply(
                  model,
                  c.config(),
                  c::tensor,
                  QuantType.Q4_0,
                  new PrintWriter(Writer.nullWriter()))
              .apply(name)
              .data();
      plain = c.tensor(name).data();
    }
    // ... is what the file holds, block for block: llama.cpp reads GPTQ's codes.
    try (GgufReader r = GgufReader.open(gguf)) {
      assertArrayEquals(rounded, r.readTensor("blk.1.ffn_down.weight"));
    }
    QuantizedMatrix rtn =
        QuantizedMatrix.quantize(name, new long[] {64, 128}, plain, QuantType.Q4_0);
    float[] rtnValues = new float[plain.length];
    rtn.dequantizeRows(0, 64, rtnValues);
    assertFalse(Arrays.equals(rtnValues, rounded), "GPTQ left round-to-nearest's weights");

    QcatTest.Run eval =
        QcatTest.qcat(
            "eval",
            "--model",
            model.toString(),
            "--labels",
            labels.toString(),
            "--input",
            dataset.toString(),
            "--quant",
            "Q8_0",
            "--gptq",
            dataset.toString(),
            "--gptq-samples",
            "4");
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.err().contains("GPTQ calibration: 4 questions"), eval.err());

    QcatTest.Run f32 =
        QcatTest.qcat(
            "classify",
            "--model",
            model.toString(),
            "--labels",
            labels.toString(),
            "--gptq",
            dataset.toString(),
            "--text",
            "x");
    assertEquals(2, f32.code(), f32.err());
    assertTrue(f32.err().contains("--gptq goes with --quant Q8_0 or Q4_0"), f32.err());

    QcatTest.Run f16 = exportWithGptq("F16", dir.resolve("x.gguf"));
    assertEquals(2, f16.code(), f16.err());
    assertTrue(f16.err().contains("--gptq needs --type Q8_0 or Q4_0, not F16"), f16.err());
  }

  @Test
  void classifyServesEachPrecisionAndRejectsAnUnknownOne() {
    for (String quant : List.of("F32", "Q8_0", "Q4_0")) {
      QcatTest.Run r =
          QcatTest.qcat(
              "classify",
              "--model",
              model.toString(),
              "--labels",
              labels.toString(),
              "--quant",
              quant,
              "--text",
              "Where is my card?");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("\"category\""), r.out());
    }
    QcatTest.Run bad =
        QcatTest.qcat(
            "classify",
            "--model",
            model.toString(),
            "--labels",
            labels.toString(),
            "--quant",
            "Q5_K",
            "--text",
            "x");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--quant Q5_K is unknown"), bad.err());
    QcatTest.Run lonely =
        QcatTest.qcat(
            "classify",
            "--model",
            model.toString(),
            "--labels",
            labels.toString(),
            "--save-calibration",
            dir.toString(),
            "--text",
            "x");
    assertEquals(2, lonely.code(), lonely.err());
  }
}
