package dev.qcat.inference.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedJsonlReaderTest {

  private static final String FILE =
      String.join(
          "\n",
          "{\"instruction\": \"Categorize.\", \"input\": \"Where is my card?\", \"output\": \"Card arrival\", \"label\": \"card_arrival\"}",
          "{\"input\": \"Rate today?\", \"output\": \"Exchange rate\"",
          "",
          "{\"instruction\": \"Categorize.\", \"output\": \"Card arrival\"}",
          "{\"input\": \"   \", \"output\": \"Card arrival\"}",
          "{\"input\": \"Who?\", \"output\": \"Weather\"}",
          "[1, 2]",
          "{\"input\": 42, \"output\": \"Card arrival\"}",
          "{\"input\": \"Is 1 EUR = 1 USD?\", \"output\": \"Exchange rate\"}");

  private static SeedDataset read(SeedJsonlReader reader, String text) throws IOException {
    return reader.read(new BufferedReader(new StringReader(text)));
  }

  @Test
  void reportsEachBadLineWithItsNumberAndReasonAndSkipsIt() throws IOException {
    SeedDataset d = read(new SeedJsonlReader(true, List.of("Card arrival", "Exchange rate")), FILE);
    assertEquals(2, d.examples().size());
    assertEquals(1, d.examples().get(0).lineNumber());
    assertEquals("Categorize.", d.examples().get(0).instruction());
    assertEquals(9, d.examples().get(1).lineNumber());
    assertEquals(SeedJsonlReader.DEFAULT_INSTRUCTION, d.examples().get(1).instruction());
    List<Long> lines = d.badLines().stream().map(BadLine::lineNumber).toList();
    assertEquals(List.of(2L, 4L, 5L, 6L, 7L, 8L), lines);
    assertTrue(
        d.badLines().get(0).reason().startsWith("invalid JSON"), d.badLines().get(0).reason());
    assertEquals("missing field \"input\"", d.badLines().get(1).reason());
    assertEquals("empty text in \"input\"", d.badLines().get(2).reason());
    assertTrue(d.badLines().get(3).reason().contains("unknown label \"Weather\""));
    assertTrue(d.badLines().get(4).reason().contains("JSON object"));
    assertTrue(d.badLines().get(5).reason().contains("must be a string"));
    assertEquals("line 2: " + d.badLines().get(0).reason(), d.badLines().get(0).toString());
  }

  @Test
  void outputIsOptionalForClassificationInput() throws IOException {
    SeedDataset d = read(new SeedJsonlReader(false, List.of()), "{\"input\": \"Hello\"}\n");
    assertEquals(Optional.empty(), d.examples().get(0).output());
    assertTrue(d.badLines().isEmpty());
    SeedDataset strict = read(new SeedJsonlReader(true, List.of()), "{\"input\": \"Hello\"}\n");
    assertEquals("missing field \"output\"", strict.badLines().get(0).reason());
  }

  @Test
  void labelsFromADatasetAreTheDistinctOutputsInFirstSeenOrder(@TempDir Path dir)
      throws IOException {
    Path f = dir.resolve("d.jsonl");
    Files.writeString(
        f,
        "{\"input\": \"a\", \"output\": \"B\"}\n"
            + "{\"input\": \"b\", \"output\": \"A\"}\n"
            + "not json\n"
            + "{\"input\": \"c\", \"output\": \"B\"}\n");
    SeedDataset d = CategoryLabels.fromDataset(f);
    assertEquals(List.of("B", "A"), d.distinctOutputs());
    assertEquals(3, d.badLines().get(0).lineNumber());
  }

  @Test
  void labelsFileIsOneNameALine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("labels.txt");
    Files.writeString(f, "Card arrival\n  Exchange rate \n\nCash\n");
    assertEquals(
        List.of("Card arrival", "Exchange rate", "Cash"), CategoryLabels.readLabelsFile(f));
    Files.writeString(f, "A\nB\nA\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CategoryLabels.readLabelsFile(f));
    assertTrue(e.getMessage().contains("line 3 repeats line 1"), e.getMessage());
  }
}
