package dev.qcat.inference.data;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds duplicate questions inside each split and across splits (leakage: a validation or test
 * question that also appears, exactly or after normalisation, in training or in another held-out
 * split inflates every metric computed on it).
 *
 * <p>Two texts are <em>exact</em> duplicates when equal after stripping surrounding whitespace, and
 * <em>normalised</em> duplicates when equal after {@link #normalise}: Unicode NFKC, lower case,
 * punctuation and symbols removed, runs of whitespace collapsed. Each group is reported once, at
 * the strongest kind that holds for all its members (exact if all texts are exactly equal). A group
 * whose members carry different labels is flagged {@code conflictingLabels}: no model can get both
 * right.
 */
public final class DuplicateDetector {

  private static final Pattern PUNCTUATION = Pattern.compile("[\\p{P}\\p{S}]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private DuplicateDetector() {}

  /** How strongly the members of a group agree. */
  public enum Kind {
    /** Texts equal after stripping surrounding whitespace. */
    EXACT,
    /** Texts equal only after {@link #normalise}. */
    NORMALISED
  }

  /**
   * One example as it occurs in a split.
   *
   * @param split split name, e.g. {@code train}
   * @param lineNumber 1-based line number in that split's file
   * @param text the question as read
   * @param label the category, empty string when unlabelled
   */
  public record Occurrence(String split, long lineNumber, String text, String label) {}

  /**
   * Examples sharing one normalised text.
   *
   * @param normalisedText the shared normalised text
   * @param kind EXACT if every member's stripped text is the same, NORMALISED otherwise
   * @param conflictingLabels whether members carry different labels
   * @param occurrences members in split order, then file order; at least 2
   */
  public record Group(
      String normalisedText, Kind kind, boolean conflictingLabels, List<Occurrence> occurrences) {

    /**
     * @return the distinct split names of the members, in order. Never null.
     */
    public Set<String> splits() {
      Set<String> s = new LinkedHashSet<>();
      occurrences.forEach(o -> s.add(o.split()));
      return s;
    }
  }

  /**
   * The result of {@link #detect}.
   *
   * @param withinSplit groups whose members all lie in one split, in first-seen order
   * @param leakage groups whose members span two or more splits, in first-seen order
   * @param sizes number of examples per split, in the order given
   */
  public record Report(List<Group> withinSplit, List<Group> leakage, Map<String, Integer> sizes) {

    /**
     * @param split a split name
     * @return how many examples of that split repeat an earlier one of the same split (group size −
     *     1 summed over the split's groups, also counting in-split repeats within leaking groups)
     */
    public int redundantIn(String split) {
      int n = 0;
      for (List<Group> groups : List.of(withinSplit, leakage)) {
        for (Group g : groups) {
          long c = g.occurrences().stream().filter(o -> o.split().equals(split)).count();
          n += (int) Math.max(0, c - 1);
        }
      }
      return n;
    }

    /**
     * @param heldOut a held-out split name (e.g. {@code test})
     * @return how many examples of {@code heldOut} also occur in any other split
     */
    public int leakedFrom(String heldOut) {
      int n = 0;
      for (Group g : leakage) {
        n += (int) g.occurrences().stream().filter(o -> o.split().equals(heldOut)).count();
      }
      return n;
    }

    /**
     * @return a human-readable report: one line per split, then one line per group with its lines.
     *     Never null.
     */
    public String toText() {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, Integer> e : sizes.entrySet()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%s: %d examples, %d repeat an earlier one, %d also occur in another split%n",
                e.getKey(),
                e.getValue(),
                redundantIn(e.getKey()),
                leakedFrom(e.getKey())));
      }
      appendGroups(sb, "duplicates within a split", withinSplit);
      appendGroups(sb, "leakage across splits", leakage);
      return sb.toString();
    }

    private static void appendGroups(StringBuilder sb, String title, List<Group> groups) {
      sb.append(title).append(": ").append(groups.size()).append(System.lineSeparator());
      for (Group g : groups) {
        sb.append("  ").append(g.kind()).append(g.conflictingLabels() ? " CONFLICTING LABELS" : "");
        sb.append(" \"").append(g.normalisedText()).append("\":");
        for (Occurrence o : g.occurrences()) {
          sb.append(' ')
              .append(o.split())
              .append(':')
              .append(o.lineNumber())
              .append(" [")
              .append(o.label())
              .append(']');
        }
        sb.append(System.lineSeparator());
      }
    }
  }

  /**
   * The normalised form of a question: NFKC, lower case (root locale), punctuation and symbols
   * removed, whitespace collapsed to single spaces and stripped.
   *
   * @param text any text
   * @return the normalised text. Never null.
   */
  public static String normalise(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    s = PUNCTUATION.matcher(s).replaceAll(" ");
    return SPACES.matcher(s).replaceAll(" ").strip();
  }

  /**
   * Finds duplicate groups within and across splits.
   *
   * @param splits examples by split name (e.g. train, validation, test), in the order to report
   * @return the report. Never null.
   */
  public static Report detect(Map<String, List<SeedExample>> splits) {
    Objects.requireNonNull(splits, "splits are required.");
    Map<String, List<Occurrence>> byKey = new LinkedHashMap<>();
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (Map.Entry<String, List<SeedExample>> e : splits.entrySet()) {
      sizes.put(e.getKey(), e.getValue().size());
      for (SeedExample x : e.getValue()) {
        byKey
            .computeIfAbsent(normalise(x.input()), k -> new ArrayList<>())
            .add(new Occurrence(e.getKey(), x.lineNumber(), x.input(), x.output().orElse("")));
      }
    }
    List<Group> within = new ArrayList<>();
    List<Group> leakage = new ArrayList<>();
    for (Map.Entry<String, List<Occurrence>> e : byKey.entrySet()) {
      List<Occurrence> occ = e.getValue();
      if (occ.size() < 2) {
        continue;
      }
      Set<String> texts = new LinkedHashSet<>();
      Set<String> labels = new LinkedHashSet<>();
      Set<String> splitNames = new LinkedHashSet<>();
      for (Occurrence o : occ) {
        texts.add(o.text().strip());
        labels.add(o.label());
        splitNames.add(o.split());
      }
      Group g =
          new Group(
              e.getKey(),
              texts.size() == 1 ? Kind.EXACT : Kind.NORMALISED,
              labels.size() > 1,
              List.copyOf(occ));
      (splitNames.size() > 1 ? leakage : within).add(g);
    }
    return new Report(
        List.copyOf(within), List.copyOf(leakage), Collections.unmodifiableMap(sizes));
  }

  /**
   * Keeps the first example of each normalised text, in order.
   *
   * @param examples examples of one split
   * @return the examples without later duplicates. Never null.
   */
  public static List<SeedExample> keepFirst(List<SeedExample> examples) {
    Set<String> seen = new LinkedHashSet<>();
    List<SeedExample> out = new ArrayList<>();
    for (SeedExample x : examples) {
      if (seen.add(normalise(x.input()))) {
        out.add(x);
      }
    }
    return out;
  }

  /**
   * Drops from {@code train} every example whose normalised text occurs in a held-out split, so
   * held-out metrics measure generalisation.
   *
   * @param train training examples
   * @param heldOut validation and/or test examples
   * @return training examples that do not leak, in order. Never null.
   */
  @SafeVarargs
  public static List<SeedExample> withoutLeaks(
      List<SeedExample> train, List<SeedExample>... heldOut) {
    Set<String> held = new LinkedHashSet<>();
    for (List<SeedExample> h : heldOut) {
      h.forEach(x -> held.add(normalise(x.input())));
    }
    List<SeedExample> out = new ArrayList<>();
    for (SeedExample x : train) {
      if (!held.contains(normalise(x.input()))) {
        out.add(x);
      }
    }
    return out;
  }
}
