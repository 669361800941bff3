package dev.qcat.inference.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads seed-format JSONL ({@code {"instruction", "input", "output"}}, one object a line, UTF-8),
 * skipping and reporting each bad line with its 1-based number and the reason: invalid JSON, not an
 * object, a missing or non-string field, empty text, or an {@code output} outside the known
 * categories. Blank lines are skipped silently. A missing {@code instruction} takes {@link
 * #DEFAULT_INSTRUCTION}.
 */
public final class SeedJsonlReader {

  /** The instruction the seed uses and DESIGN.md §2 names as the default. */
  public static final String DEFAULT_INSTRUCTION = "Categorize the following user query.";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean requireOutput;
  private final Set<String> knownLabels;

  /**
   * @param requireOutput whether a line without {@code output} is bad (evaluation, labels-from) or
   *     allowed (classification input)
   * @param knownLabels the categories an {@code output} must belong to; empty to accept any. Never
   *     null.
   */
  public SeedJsonlReader(boolean requireOutput, Collection<String> knownLabels) {
    this.requireOutput = requireOutput;
    this.knownLabels = Set.copyOf(Objects.requireNonNull(knownLabels, "knownLabels are required."));
  }

  /**
   * @param file a JSONL file, UTF-8
   * @return the good records and the bad lines. Never null.
   * @throws IOException if the file cannot be read
   */
  public SeedDataset read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * @param in JSONL text; read to its end, not closed
   * @return the good records and the bad lines. Never null.
   * @throws IOException if reading fails
   */
  public SeedDataset read(BufferedReader in) throws IOException {
    List<SeedExample> examples = new ArrayList<>();
    List<BadLine> bad = new ArrayList<>();
    String line;
    long number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      if (number == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      try {
        examples.add(parse(number, line));
      } catch (BadLineException e) {
        bad.add(new BadLine(number, e.getMessage(), line));
      }
    }
    return new SeedDataset(examples, bad);
  }

  private SeedExample parse(long number, String line) throws BadLineException {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new BadLineException("invalid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new BadLineException("expected a JSON object but got " + describe(node));
    }
    String instruction = text(node, "instruction", false).orElse(DEFAULT_INSTRUCTION);
    String input = text(node, "input", true).orElseThrow();
    if (input.isBlank()) {
      throw new BadLineException("empty text in \"input\"");
    }
    Optional<String> output = text(node, "output", requireOutput);
    if (output.isPresent()) {
      String label = output.get();
      if (label.isBlank()) {
        throw new BadLineException("empty label in \"output\"");
      }
      if (!knownLabels.isEmpty() && !knownLabels.contains(label)) {
        throw new BadLineException("unknown label \"" + label + "\" (not one of the categories)");
      }
    }
    return new SeedExample(number, instruction, input, output);
  }

  private static Optional<String> text(JsonNode node, String field, boolean required)
      throws BadLineException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new BadLineException("missing field \"" + field + "\"");
      }
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new BadLineException("field \"" + field + "\" must be a string but is " + describe(v));
    }
    return Optional.of(v.textValue());
  }

  private static String describe(JsonNode node) {
    return node == null ? "nothing" : "a " + node.getNodeType().name().toLowerCase();
  }

  private static final class BadLineException extends Exception {
    BadLineException(String message) {
      super(message, null, false, false);
    }
  }
}
