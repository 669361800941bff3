package dev.qcat.inference.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClassBalanceTest {

  @Test
  void countsPerCategoryWithImbalanceRatioAndMajorityShare() {
    List<SeedExample> xs = new ArrayList<>();
    String[] labels = {"A", "B", "B", "C", "C", "C", "C", "C", "C"};
    for (int i = 0; i < labels.length; i++) {
      xs.add(DuplicateDetectorTest.ex(i + 1, "q" + i, labels[i]));
    }
    xs.add(new SeedExample(99, "", "unlabelled", Optional.empty()));
    ClassBalance b = ClassBalance.of(xs, List.of());
    assertEquals(Map.of("C", 6, "B", 2, "A", 1), b.counts());
    assertEquals(List.of("C", "B", "A"), List.copyOf(b.counts().keySet()));
    assertEquals(9, b.total());
    assertEquals(6.0, b.imbalanceRatio());
    assertEquals(6.0 / 9, b.majorityShare(), 1e-12);
    assertEquals("C", b.majorityCategory());
    assertTrue(b.toText().contains("imbalance ratio 6.00"), b.toText());

    ClassBalance withEmpty = ClassBalance.of(xs, List.of("A", "B", "C", "D"));
    assertEquals(0, withEmpty.counts().get("D"));
    assertEquals(Double.POSITIVE_INFINITY, withEmpty.imbalanceRatio());
  }
}
