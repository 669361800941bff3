package dev.qcat.infrastructure.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.domain.model.question.ScoredCategory;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.RandomCheckpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production runtime on a tiny random checkpoint: loads, scores every label, normalizes. */
class DjlModelRuntimeTest {

  @TempDir Path dir;

  private ModelSpec spec(String base) {
    return new ModelSpec(
        1,
        base,
        Optional.empty(),
        "NONE",
        "Categorize the following user query.",
        List.of(
            new ModelSpec.Label("card_arrival", Optional.empty()),
            new ModelSpec.Label("card", Optional.empty()),
            new ModelSpec.Label("exchange_rate", Optional.empty())));
  }

  @Test
  void supportsOnlyCheckpointDirectories() {
    assertFalse(new DjlModelRuntime().supports(spec(dir.toString())));
    assertFalse(new DjlModelRuntime().supports(spec("test:keyword")));
  }

  @Test
  void scoresEveryLabelOfATinyRandomCheckpoint() {
    RandomCheckpoint.write(
        dir,
        RandomCheckpoint.preset("tiny"),
        SafetensorsDtype.F32,
        7,
        RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
        null);
    DjlModelRuntime runtime = new DjlModelRuntime();
    ModelSpec spec = spec(dir.toString());
    assertTrue(runtime.supports(spec));
    try (LoadedModel model = runtime.load(spec)) {
      List<LoadedModel.LabelScores> scores =
          model.score(List.of("When will my card arrive?", "What is the euro rate?"));
      assertEquals(2, scores.size());
      for (LoadedModel.LabelScores s : scores) {
        assertEquals(3, s.logProbs().length);
        for (double lp : s.logProbs()) {
          assertTrue(lp <= 0 && lp > Double.NEGATIVE_INFINITY, "log-probability " + lp);
        }
        List<ScoredCategory> top =
            Calibration.topK(
                List.of("card_arrival", "card", "exchange_rate"), s.logProbs(), 1.0, 3);
        assertEquals(1.0, top.stream().mapToDouble(ScoredCategory::confidence).sum(), 1e-9);
      }
    }
  }
}
