package dev.qcat.inference.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DuplicateDetectorTest {

  static SeedExample ex(long line, String text, String label) {
    return new SeedExample(line, SeedJsonlReader.DEFAULT_INSTRUCTION, text, Optional.of(label));
  }

  @Test
  void normalisesCaseWhitespaceAndPunctuation() {
    assertEquals("how far is denver", DuplicateDetector.normalise("  How  far is\tDenver ?"));
    assertEquals(
        DuplicateDetector.normalise("What is the capital of France?"),
        DuplicateDetector.normalise("what is the CAPITAL of france"));
    assertEquals("ｆｕｌｌ".length(), 4);
    assertEquals("full width", DuplicateDetector.normalise("ＦＵＬＬ　width!!"));
  }

  @Test
  void findsDuplicatesWithinASplitAndLeakageAcrossSplits() {
    Map<String, List<SeedExample>> splits = new LinkedHashMap<>();
    splits.put(
        "train",
        List.of(
            ex(1, "How far is Denver?", "Numeric"),
            ex(2, "How far is Denver?", "Numeric"), // exact within train
            ex(3, "who wrote hamlet", "Human"),
            ex(4, "Who wrote Hamlet ?", "Entity"), // normalised, conflicting labels
            ex(5, "Where is Rome?", "Location")));
    splits.put(
        "validation",
        List.of(ex(1, "where is rome", "Location"), ex(2, "What is a cat?", "Entity")));
    splits.put("test", List.of(ex(1, "What is a cat?", "Entity"), ex(2, "Unique?", "Entity")));

    DuplicateDetector.Report r = DuplicateDetector.detect(splits);

    assertEquals(2, r.withinSplit().size());
    DuplicateDetector.Group exact = r.withinSplit().get(0);
    assertEquals(DuplicateDetector.Kind.EXACT, exact.kind());
    assertFalse(exact.conflictingLabels());
    assertEquals(List.of(1L, 2L), exact.occurrences().stream().map(o -> o.lineNumber()).toList());
    DuplicateDetector.Group conflict = r.withinSplit().get(1);
    assertEquals(DuplicateDetector.Kind.NORMALISED, conflict.kind());
    assertTrue(conflict.conflictingLabels());

    assertEquals(2, r.leakage().size());
    assertEquals(List.of("train", "validation"), List.copyOf(r.leakage().get(0).splits()));
    assertEquals(DuplicateDetector.Kind.NORMALISED, r.leakage().get(0).kind());
    assertEquals(List.of("validation", "test"), List.copyOf(r.leakage().get(1).splits()));
    assertEquals(DuplicateDetector.Kind.EXACT, r.leakage().get(1).kind());

    assertEquals(2, r.redundantIn("train"));
    assertEquals(1, r.leakedFrom("test"));
    assertEquals(2, r.leakedFrom("validation"));
    String text = r.toText();
    assertTrue(text.contains("test: 2 examples, 0 repeat an earlier one, 1 also occur"), text);
    assertTrue(text.contains("CONFLICTING LABELS"), text);

    assertEquals(3, DuplicateDetector.keepFirst(splits.get("train")).size());
    List<SeedExample> clean =
        DuplicateDetector.withoutLeaks(splits.get("train"), splits.get("validation"));
    assertEquals(List.of(1L, 2L, 3L, 4L), clean.stream().map(SeedExample::lineNumber).toList());
  }
}
