package dev.qcat.inference.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.lora.LoraConfig;
import org.junit.jupiter.api.Test;

class TrainingBenchmarkTest {

  @Test
  void measuresTrainingThroughputOfTheTinyModel() {
    TrainingBenchmark.Result r =
        TrainingBenchmark.run(TinyTask.CONFIG, LoraConfig.of(8, 16), 2, 32, 3, 1, 3);
    // Outside the embedding, per layer: norms 128, q 4160, k 2080, v 2080, o 4096, MLP 24576;
    // two layers and the final norm: 74304 parameters, 4 FLOP each per token.
    assertEquals(4.0 * 74304, r.flopPerToken());
    assertTrue(r.tokensPerSecond() > 0 && r.secondsPerStep() > 0, r.toText());
    // r = 8 per layer: q 1024, k 768, v 768, o 1024, gate 1536, up 1536, down 1536 = 8192.
    assertEquals(2 * 8192, r.trainableParameters());
  }
}
