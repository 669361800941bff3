package dev.qcat.inference.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@link LlamaCppReference} that need neither Node.js nor the npm packages. */
class LlamaCppReferenceTest {

  @TempDir Path dir;

  @Test
  void locateFailsWithTheNpmCiInstructionWhenPackagesAreMissing() throws IOException {
    Files.writeString(dir.resolve(LlamaCppReference.SCRIPT), "// harness without node_modules\n");
    String previous = System.getProperty("qcat.llamaRef.dir");
    System.setProperty("qcat.llamaRef.dir", dir.toString());
    try {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, LlamaCppReference::locate);
      assertTrue(e.getMessage().contains("npm ci"), e.getMessage());
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    } finally {
      if (previous == null) {
        System.clearProperty("qcat.llamaRef.dir");
      } else {
        System.setProperty("qcat.llamaRef.dir", previous);
      }
    }
  }

  @Test
  void summarizesRunsByNearestRank() {
    LlamaCppReference.PromptTiming t =
        LlamaCppReference.summarize(64, new double[] {5, 1, 3, 2, 4});
    assertEquals(64, t.promptTokens());
    assertEquals(3, t.medianMs());
    assertEquals(5, t.p95Ms());
    assertEquals(1, t.minMs());
    assertEquals(5, t.runsMs()[0], "runs keep their order");
  }

  @Test
  void readsTheNodeMajorVersion() {
    assertEquals(20, LlamaCppReference.nodeMajor("v20.20.2"));
    assertEquals(18, LlamaCppReference.nodeMajor("v18.19.0"));
    assertEquals(-1, LlamaCppReference.nodeMajor("command not found"));
  }

  @Test
  void maxAbsDiffIsTheLargestGapOverTheVocabulary() {
    float[] qcat = {-1f, -2f, Float.NEGATIVE_INFINITY, -0.5f};
    double[] llama = {-1.0, -2.25, Double.NEGATIVE_INFINITY, -0.5};
    assertEquals(0.25, LlamaCppReference.maxAbsDiff(qcat, llama), 1e-12);
  }

  @Test
  void maxAbsDiffIsInfiniteWhenOnlyOneSideGivesZeroProbability() {
    assertEquals(
        Double.POSITIVE_INFINITY,
        LlamaCppReference.maxAbsDiff(new float[] {-3f}, new double[] {Double.NEGATIVE_INFINITY}));
    assertEquals(
        Double.POSITIVE_INFINITY,
        LlamaCppReference.maxAbsDiff(new float[] {Float.NaN}, new double[] {-1.0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> LlamaCppReference.maxAbsDiff(new float[2], new double[3]));
  }
}
