package dev.qcat.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qcat.inference.calibration.TemperatureScaling;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.RandomCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
