package dev.qcat.inference.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * Splits labelled examples into training and validation sets with the same category proportions
 * (stratified), reproducibly from a seed.
 *
 * <p>Examples whose normalised texts are equal ({@link DuplicateDetector#normalise}) form one unit
 * and always land on the same side, so the split itself never creates leakage. Per category (in
 * name order), units are shuffled with {@code java.util.Random(seed)} (the same on every JVM) and
 * {@code round(n·fraction)} of them go to validation, clamped so that a category with two or more
 * units keeps at least one on each side; a category with one unit stays in training. Each side
 * keeps the input order.
 */
public final class StratifiedSplitter {

  private StratifiedSplitter() {}

  /**
   * The two sides of a split.
   *
   * @param train training examples, in input order
   * @param validation validation examples, in input order
   */
  public record Split(List<SeedExample> train, List<SeedExample> validation) {

    /** Copies the lists. */
    public Split {
      train = List.copyOf(train);
      validation = List.copyOf(validation);
    }
  }

  /**
   * Splits labelled examples.
   *
   * @param examples labelled examples (each with an {@code output})
   * @param validationFraction share of each category's units for validation, fraction in (0, 1)
   * @param seed random seed; the same seed and input give the same split
   * @return the split. Never null.
   * @throws IllegalArgumentException if the fraction is outside (0, 1) or an example has no label
   */
  public static Split split(List<SeedExample> examples, double validationFraction, long seed) {
    Objects.requireNonNull(examples, "examples are required.");
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "expected validationFraction in (0, 1) but got " + validationFraction);
    }
    // Units: examples sharing a normalised text, labelled by their first member.
    Map<String, List<Integer>> units = new LinkedHashMap<>();
    for (int i = 0; i < examples.size(); i++) {
      SeedExample x = examples.get(i);
      if (x.output().isEmpty()) {
        throw new IllegalArgumentException(
            "line " + x.lineNumber() + " has no label; a stratified split needs every label");
      }
      units.computeIfAbsent(DuplicateDetector.normalise(x.input()), k -> new ArrayList<>()).add(i);
    }
    Map<String, List<List<Integer>>> byLabel = new TreeMap<>();
    for (List<Integer> unit : units.values()) {
      String label = examples.get(unit.get(0)).output().orElseThrow();
      byLabel.computeIfAbsent(label, k -> new ArrayList<>()).add(unit);
    }
    Random random = new Random(seed);
    boolean[] toValidation = new boolean[examples.size()];
    for (List<List<Integer>> group : byLabel.values()) {
      List<List<Integer>> shuffled = new ArrayList<>(group);
      shuffled.sort(Comparator.comparing(u -> u.get(0)));
      java.util.Collections.shuffle(shuffled, random);
      int n = shuffled.size();
      int k = (int) Math.round(n * validationFraction);
      if (n >= 2) {
        k = Math.max(1, Math.min(n - 1, k));
      } else {
        k = 0;
      }
      for (int u = 0; u < k; u++) {
        for (int i : shuffled.get(u)) {
          toValidation[i] = true;
        }
      }
    }
    List<SeedExample> train = new ArrayList<>();
    List<SeedExample> validation = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      (toValidation[i] ? validation : train).add(examples.get(i));
    }
    return new Split(train, validation);
  }
}
