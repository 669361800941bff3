package dev.qcat.inference.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StratifiedSplitterTest {

  static List<SeedExample> data() {
    List<SeedExample> xs = new ArrayList<>();
    int line = 1;
    for (int i = 0; i < 60; i++) {
      xs.add(DuplicateDetectorTest.ex(line++, "alpha question " + i, "A"));
    }
    for (int i = 0; i < 30; i++) {
      xs.add(DuplicateDetectorTest.ex(line++, "beta question " + i, "B"));
    }
    for (int i = 0; i < 10; i++) {
      xs.add(DuplicateDetectorTest.ex(line++, "gamma question " + i, "C"));
    }
    xs.add(DuplicateDetectorTest.ex(line++, "lonely", "D"));
    xs.add(DuplicateDetectorTest.ex(line++, "Alpha question 3?", "A")); // duplicate of line 4
    return xs;
  }

  @Test
  void keepsCategoryProportionsAndIsReproducible() {
    List<SeedExample> xs = data();
    StratifiedSplitter.Split s = StratifiedSplitter.split(xs, 0.2, 7);
    Map<String, Integer> val = new LinkedHashMap<>();
    s.validation().forEach(x -> val.merge(x.output().get(), 1, Integer::sum));
    assertEquals(12, val.get("A")); // 60 units of A -> 12
    assertEquals(6, val.get("B"));
    assertEquals(2, val.get("C"));
    assertEquals(null, val.get("D")); // a single example stays in training
    assertEquals(xs.size(), s.train().size() + s.validation().size());

    StratifiedSplitter.Split again = StratifiedSplitter.split(xs, 0.2, 7);
    assertEquals(s, again);
    assertNotEquals(s.validation(), StratifiedSplitter.split(xs, 0.2, 8).validation());

    // Duplicates land on the same side: no leakage created by the split.
    Set<String> train = new HashSet<>();
    s.train().forEach(x -> train.add(DuplicateDetector.normalise(x.input())));
    for (SeedExample v : s.validation()) {
      assertTrue(!train.contains(DuplicateDetector.normalise(v.input())), v.input());
    }
    Map<String, List<SeedExample>> splits = new LinkedHashMap<>();
    splits.put("train", s.train());
    splits.put("validation", s.validation());
    assertEquals(0, DuplicateDetector.detect(splits).leakage().size());
  }

  @Test
  void rejectsBadFractionAndUnlabelled() {
    assertThrows(IllegalArgumentException.class, () -> StratifiedSplitter.split(data(), 0, 1));
    assertThrows(IllegalArgumentException.class, () -> StratifiedSplitter.split(data(), 1, 1));
    List<SeedExample> xs = new ArrayList<>(data());
    xs.add(new SeedExample(500, "", "no label", java.util.Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> StratifiedSplitter.split(xs, 0.2, 1));
  }
}
