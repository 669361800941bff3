package dev.qcat.inference.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetReaderTest {

  @Test
  void readsGoodRowsAndReportsBadOnesWithLineNumbers() throws IOException {
    String csv =
        String.join(
            "\n",
            "text,label", // 1 header
            "How far is Denver?,Numeric", // 2 good
            "\"Who wrote \"\"Hamlet\"\", and when?\",Human", // 3 good, quoted
            "", // 4 blank, skipped silently
            ",Numeric", // 5 empty text
            "What is a cat?", // 6 one column
            "Where is Rome?,Location,extra", // 7 three columns
            "Why?,Nonsense", // 8 unknown label
            "What is it?,", // 9 empty label
            "\"A question\nover two lines\",Entity", // 10-11 good, starts on line 10
            "x".repeat(31) + ",Entity", // 12 too long
            "Last one?,Entity"); // 13 good, no trailing newline
    CsvDatasetReader reader =
        new CsvDatasetReader(List.of("Numeric", "Human", "Location", "Entity"), 30);
    SeedDataset d = reader.read(new StringReader(csv));

    assertEquals(4, d.examples().size(), d.toString());
    assertEquals(2, d.examples().get(0).lineNumber());
    assertEquals("How far is Denver?", d.examples().get(0).input());
    assertEquals(Optional.of("Numeric"), d.examples().get(0).output());
    assertEquals("Who wrote \"Hamlet\", and when?", d.examples().get(1).input());
    assertEquals(10, d.examples().get(2).lineNumber());
    assertEquals("A question\nover two lines", d.examples().get(2).input());
    assertEquals(13, d.examples().get(3).lineNumber());
    assertEquals(SeedJsonlReader.DEFAULT_INSTRUCTION, d.examples().get(3).instruction());

    List<BadLine> bad = d.badLines();
    assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 12L), bad.stream().map(BadLine::lineNumber).toList());
    assertEquals("empty text", bad.get(0).reason());
    assertEquals("expected 2 columns (text,label) but found 1", bad.get(1).reason());
    assertEquals("expected 2 columns (text,label) but found 3", bad.get(2).reason());
    assertTrue(bad.get(3).reason().contains("unknown label \"Nonsense\""));
    assertEquals("empty label", bad.get(4).reason());
    assertTrue(bad.get(5).reason().contains("31 characters exceeds the limit of 30"));
    assertTrue(bad.get(2).raw().contains("Where is Rome?"));
  }

  @Test
  void reportsMalformedCsvAndKeepsWhatCameBefore(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, "\uFEFFtext,label\nGood one?,A\n\"unterminated,A\nNever read?,A\n");
    SeedDataset d = new CsvDatasetReader(List.of(), 100).read(file);
    assertEquals(1, d.examples().size());
    assertEquals(1, d.badLines().size());
    assertEquals(3, d.badLines().get(0).lineNumber());
    assertTrue(
        d.badLines()
            .get(0)
            .reason()
            .contains("the rest of the file from this line on was not read"),
        d.badLines().get(0).reason());
  }
}
