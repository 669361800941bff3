package dev.qcat.inference.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Each {@code withX} copy changes exactly its own components and still validates them. */
class TrainingConfigTest {

  private static final TrainingConfig D = TrainingConfig.defaults();

  /**
   * @return the components whose values differ, by name, with their values in {@code b}
   */
  private static Map<String, Object> changed(TrainingConfig a, TrainingConfig b) throws Exception {
    Map<String, Object> out = new TreeMap<>();
    for (RecordComponent c : TrainingConfig.class.getRecordComponents()) {
      Object before = c.getAccessor().invoke(a);
      Object after = c.getAccessor().invoke(b);
      if (!Objects.equals(before, after)) {
        out.put(c.getName(), after);
      }
    }
    return out;
  }

  @Test
  void eachCopyChangesOnlyItsOwnComponents() throws Exception {
    assertEquals(Map.of("epochs", 5), changed(D, D.withEpochs(5)));
    assertEquals(Map.of("batchSize", 4, "gradAccumulation", 8), changed(D, D.withBatch(4, 8)));
    assertEquals(
        Map.of("learningRate", 1e-3, "schedule", "linear", "warmupRatio", 0.1),
        changed(D, D.withSchedule(1e-3, "linear", 0.1)));
    assertEquals(Map.of("seed", 7L), changed(D, D.withSeed(7)));
    assertEquals(Map.of("checkpointEvery", 50), changed(D, D.withCheckpointEvery(50)));
    assertEquals(
        Map.of("patience", 0, "monitor", "macro_f1"),
        changed(D, D.withEarlyStopping(0, "macro_f1")));
    assertEquals(
        Map.of("maxGradNorm", 0.5, "weightDecay", 0.01),
        changed(D, D.withRegularisation(0.5, 0.01)));
  }

  @Test
  void copiesAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> D.withEpochs(0));
    assertThrows(IllegalArgumentException.class, () -> D.withSchedule(1e-3, "step", 0.1));
    assertThrows(NullPointerException.class, () -> D.withEarlyStopping(1, null));
  }
}
