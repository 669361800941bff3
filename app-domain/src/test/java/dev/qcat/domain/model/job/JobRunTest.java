package dev.qcat.domain.model.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobRunTest {

  @Test
  void aCheckpointWithoutLossKeepsTheLastStepsLoss() {
    JobRun r = new JobRun(1, 1, "lora-training", 7L, "server", "admin", "");
    assertTrue(r.loss().isEmpty());
    r.progress(1, 20, 2.5, 30);
    r.progress(5, 20, Double.NaN, 24);
    assertEquals(Optional.of(5L), r.step());
    assertEquals(Optional.of(2.5), r.loss(), "the checkpoint event carries no loss");
    assertEquals(Optional.of(24.0), r.etaSeconds());
    r.progress(6, 20, 2.1, Double.NaN);
    assertEquals(Optional.of(2.1), r.loss());
    assertTrue(r.etaSeconds().isEmpty(), "an unknown ETA is not kept from before");
  }
}
