package dev.qcat.inference.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The usable records of a seed-format file plus the lines that were skipped.
 *
 * @param examples the records that passed every check, in file order; never null
 * @param badLines the skipped lines with their reasons, in file order; never null
 */
public record SeedDataset(List<SeedExample> examples, List<BadLine> badLines) {

  /** Copies the lists. */
  public SeedDataset {
    examples = List.copyOf(examples);
    badLines = List.copyOf(badLines);
  }

  /**
   * @return the distinct {@code output} values in first-seen order (what {@code --labels-from}
   *     takes). Never null.
   */
  public List<String> distinctOutputs() {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (SeedExample e : examples) {
      e.output().ifPresent(out::add);
    }
    return new ArrayList<>(out);
  }
}
