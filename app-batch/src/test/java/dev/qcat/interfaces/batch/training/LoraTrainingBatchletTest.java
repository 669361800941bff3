package dev.qcat.interfaces.batch.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoraTrainingBatchletTest {

  @Test
  void modulesToSaveIsACommaSeparatedListWithBlanksIgnored() {
    assertEquals(
        List.of("embed_tokens", "lm_head"), LoraTrainingBatchlet.names(" embed_tokens,,lm_head "));
    assertEquals(List.of(), LoraTrainingBatchlet.names(""));
  }
}
