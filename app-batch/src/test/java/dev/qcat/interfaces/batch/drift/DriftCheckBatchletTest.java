package dev.qcat.interfaces.batch.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftCheckBatchletTest {

  @Test
  void aRetrainInheritsOnlyTheTrainingSettingsOfTheRunThatTrainedTheVersion() {
    String recorded =
        "alpha=16\nbaseModelPath=/m/base\nepochs=1\nmodulesToSave=embed_tokens\n"
            + "qcat.startedBy=admin\ntaxonomyId=7\nlearningRate=0.002\nvalue=with=equals\n";
    assertEquals(
        Map.of(
            "alpha", "16",
            "baseModelPath", "/m/base",
            "epochs", "1",
            "modulesToSave", "embed_tokens",
            "learningRate", "0.002"),
        DriftCheckBatchlet.settingsOf(recorded));
    assertEquals(Map.of(), DriftCheckBatchlet.settingsOf(null));
  }

  @Test
  void theTrainedVersionIsReadFromTheRunsResultAndMinusOneOtherwise() {
    assertEquals(
        12, DriftCheckBatchlet.trainedVersion("{\"modelVersionId\":12,\"promoted\":false}"));
    assertEquals(-1, DriftCheckBatchlet.trainedVersion("{\"driftCheckId\":3}"));
    assertEquals(-1, DriftCheckBatchlet.trainedVersion(null));
    assertEquals(-1, DriftCheckBatchlet.trainedVersion("{\"modelVersionId\": broken"));
  }
}
