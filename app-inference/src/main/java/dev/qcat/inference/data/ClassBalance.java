package dev.qcat.inference.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How examples spread over the categories: a count per category, the imbalance ratio (largest count
 * / smallest count) and the majority share (the accuracy of always answering the largest category,
 * the baseline any model must beat).
 *
 * @param counts examples per category, largest first (ties by name); categories of the taxonomy
 *     with no example appear with 0
 * @param total number of labelled examples
 */
public record ClassBalance(Map<String, Integer> counts, int total) {

  /** Copies the map, keeping its order. */
  public ClassBalance {
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }

  /**
   * Counts the labelled examples (unlabelled ones are ignored).
   *
   * @param examples the examples
   * @param taxonomy categories that must appear in the report even with no example; may be empty
   * @return the balance. Never null.
   */
  public static ClassBalance of(List<SeedExample> examples, Collection<String> taxonomy) {
    Objects.requireNonNull(examples, "examples are required.");
    Map<String, Integer> c = new LinkedHashMap<>();
    taxonomy.forEach(t -> c.put(t, 0));
    int total = 0;
    for (SeedExample x : examples) {
      if (x.output().isPresent()) {
        c.merge(x.output().get(), 1, Integer::sum);
        total++;
      }
    }
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(c.entrySet());
    entries.sort(
        Map.Entry.<String, Integer>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Integer> sorted = new LinkedHashMap<>();
    entries.forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return new ClassBalance(sorted, total);
  }

  /**
   * @return largest count / smallest count; {@code +∞} when a category has no example, NaN when
   *     there are no categories
   */
  public double imbalanceRatio() {
    if (counts.isEmpty()) {
      return Double.NaN;
    }
    int max = Collections.max(counts.values());
    int min = Collections.min(counts.values());
    return min == 0 ? Double.POSITIVE_INFINITY : (double) max / min;
  }

  /**
   * @return the share of the largest category, fraction in [0, 1]; 0 when there is no example
   */
  public double majorityShare() {
    if (total == 0) {
      return 0;
    }
    return (double) Collections.max(counts.values()) / total;
  }

  /**
   * @return the largest category's name, or empty string when there are no categories. Never null.
   */
  public String majorityCategory() {
    return counts.isEmpty() ? "" : counts.keySet().iterator().next();
  }

  /**
   * @return one line per category ({@code name count share}), then the totals. Never null.
   */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    int width = counts.keySet().stream().mapToInt(String::length).max().orElse(8);
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-" + width + "s %7d %6.1f%%%n",
              e.getKey(),
              e.getValue(),
              total == 0 ? 0.0 : 100.0 * e.getValue() / total));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%d examples, %d categories, imbalance ratio %.2f, majority share %.3f (%s)%n",
            total,
            counts.size(),
            imbalanceRatio(),
            majorityShare(),
            majorityCategory()));
    return sb.toString();
  }
}
