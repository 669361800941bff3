package dev.qcat.inference.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A taxonomy's category names as a list, read from a labels file ({@code --labels}: one name a
 * line) or taken from a dataset ({@code --labels-from}: the distinct {@code output} values in
 * first-seen order).
 */
public final class CategoryLabels {

  private CategoryLabels() {}

  /**
   * Reads one category name per line (UTF-8); surrounding whitespace is stripped and blank lines
   * are skipped.
   *
   * @param file the labels file
   * @return the names in file order, non-empty. Never null.
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if a name repeats (both line numbers are named) or the file
   *     holds no name
   */
  public static List<String> readLabelsFile(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String name = lines.get(i).strip();
      if (i == 0 && name.startsWith("\uFEFF")) {
        name = name.substring(1).strip();
      }
      if (name.isEmpty()) {
        continue;
      }
      Integer before = seen.put(name, i + 1);
      if (before != null) {
        throw new IllegalArgumentException(
            file + ": category \"" + name + "\" on line " + (i + 1) + " repeats line " + before);
      }
      out.add(name);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": expected at least one category but found none");
    }
    return out;
  }

  /**
   * Takes the distinct {@code output} values of a seed-format dataset, in first-seen order. Lines
   * without a usable {@code output} are skipped and returned in the dataset's bad lines.
   *
   * @param dataset a seed-format JSONL file
   * @return the dataset read with {@code output} required; its {@link
   *     SeedDataset#distinctOutputs()} are the labels. Never null.
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if no line has an {@code output}
   */
  public static SeedDataset fromDataset(Path dataset) throws IOException {
    SeedDataset data = new SeedJsonlReader(true, List.of()).read(dataset);
    if (data.examples().isEmpty()) {
      throw new IllegalArgumentException(
          dataset + ": expected at least one line with an \"output\" but found none");
    }
    return data;
  }
}
