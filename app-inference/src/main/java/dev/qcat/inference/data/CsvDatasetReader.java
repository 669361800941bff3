package dev.qcat.inference.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a two-column CSV dataset ({@code text,label}; RFC 4180 quoting, UTF-8, optional header row
 * {@code text,label}) into seed-format records, so CSV and JSONL imports feed the same pipeline.
 *
 * <p>A bad row is skipped and reported with the line it starts on and the reason: wrong number of
 * columns, empty text, text longer than {@code maxTextChars}, empty label, or a label outside the
 * taxonomy. Malformed CSV (e.g. an unterminated quote) cannot be resynchronised: the reader reports
 * it as a bad line whose reason says that the rest of the file was not read, and returns what it
 * had (the import never stops half-way without saying so). Blank lines are skipped silently.
 *
 * <p>Each record gets the default instruction ({@link SeedJsonlReader#DEFAULT_INSTRUCTION}).
 */
public final class CsvDatasetReader {

  /** Default longest accepted text, in characters (UTF-16 units). */
  public static final int DEFAULT_MAX_TEXT_CHARS = 2000;

  private final Set<String> knownLabels;
  private final int maxTextChars;

  /**
   * @param knownLabels the categories a label must belong to; empty to accept any. Never null.
   * @param maxTextChars longest accepted text, in characters, ≥ 1
   * @throws IllegalArgumentException if {@code maxTextChars < 1}
   */
  public CsvDatasetReader(Collection<String> knownLabels, int maxTextChars) {
    this.knownLabels = Set.copyOf(Objects.requireNonNull(knownLabels, "knownLabels are required."));
    if (maxTextChars < 1) {
      throw new IllegalArgumentException("expected maxTextChars >= 1 but got " + maxTextChars);
    }
    this.maxTextChars = maxTextChars;
  }

  /**
   * @param file a CSV file, UTF-8
   * @return the good records and the bad lines, each in file order. Never null.
   * @throws IOException if the file cannot be read
   */
  public SeedDataset read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in);
    }
  }

  /**
   * @param in CSV text; read to its end, not closed
   * @return the good records and the bad lines, each in file order. Never null.
   * @throws IOException if reading fails
   */
  public SeedDataset read(Reader in) throws IOException {
    List<SeedExample> examples = new ArrayList<>();
    List<BadLine> bad = new ArrayList<>();
    CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();
    CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get();
    Iterator<CSVRecord> it = parser.iterator();
    long previousEnd = 0; // lines consumed before the current record
    boolean first = true;
    while (true) {
      CSVRecord record;
      try {
        if (!it.hasNext()) {
          break;
        }
        record = it.next();
      } catch (UncheckedIOException | IllegalStateException e) {
        long line = previousEnd + 1;
        bad.add(
            new BadLine(
                line,
                "malformed CSV ("
                    + rootMessage(e)
                    + "); the rest of the file from this line on was not read",
                ""));
        break;
      }
      long start = previousEnd + 1;
      previousEnd = Math.max(parser.getCurrentLineNumber(), start);
      List<String> values = record.toList();
      if (first && !values.isEmpty() && values.get(0).startsWith("\uFEFF")) {
        values = new ArrayList<>(values);
        values.set(0, values.get(0).substring(1));
      }
      boolean wasFirst = first;
      first = false;
      if (values.size() == 1 && values.get(0).isBlank()) {
        continue; // blank line
      }
      if (wasFirst && isHeader(values)) {
        continue;
      }
      String raw = format.format(values.toArray());
      if (values.size() != 2) {
        bad.add(
            new BadLine(start, "expected 2 columns (text,label) but found " + values.size(), raw));
        continue;
      }
      String text = values.get(0).strip();
      String label = values.get(1).strip();
      if (text.isEmpty()) {
        bad.add(new BadLine(start, "empty text", raw));
      } else if (text.length() > maxTextChars) {
        bad.add(
            new BadLine(
                start,
                "text of " + text.length() + " characters exceeds the limit of " + maxTextChars,
                raw));
      } else if (label.isEmpty()) {
        bad.add(new BadLine(start, "empty label", raw));
      } else if (!knownLabels.isEmpty() && !knownLabels.contains(label)) {
        bad.add(
            new BadLine(start, "unknown label \"" + label + "\" (not one of the categories)", raw));
      } else {
        examples.add(
            new SeedExample(start, SeedJsonlReader.DEFAULT_INSTRUCTION, text, Optional.of(label)));
      }
    }
    return new SeedDataset(examples, bad);
  }

  private static boolean isHeader(List<String> values) {
    return values.size() == 2
        && values.get(0).strip().toLowerCase(Locale.ROOT).equals("text")
        && values.get(1).strip().toLowerCase(Locale.ROOT).equals("label");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
