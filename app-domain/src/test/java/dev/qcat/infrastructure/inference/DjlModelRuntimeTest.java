package dev.qcat.infrastructure.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.domain.model.question.ScoredCategory;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.lora.LoraAdapter;
import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.RandomCheckpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production runtime on a tiny random checkpoint: loads, scores every label, normalizes. */
class DjlModelRuntimeTest {

  @TempDir Path dir;

  private ModelSpec spec(String base) {
    return spec(base, Optional.empty(), "NONE");
  }

  private ModelSpec spec(String base, Optional<String> adapter, String quantization) {
    return new ModelSpec(
        1,
        base,
        adapter,
        quantization,
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

  /**
   * Q8_0 and Q4_0 versions load (adapter merged, then quantized) and score close to the float32
   * version with the same adapter, and an unknown format is refused before anything loads.
   */
  @Test
  void servesQuantizedVersionsWithTheAdapterMergedFirst() {
    Path base = dir.resolve("base");
    Qwen2Config config =
        RandomCheckpoint.write(
            base,
            RandomCheckpoint.preset("tiny"),
            SafetensorsDtype.F32,
            7,
            RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
            null);
    Path adapterDir = dir.resolve("adapter");
    PeftAdapterIO.save(adapterDir, randomAdapter(config));
    List<String> questions = List.of("When will my card arrive?", "What is the euro rate?");
    DjlModelRuntime runtime = new DjlModelRuntime();
    double[][] f32 =
        scores(
            runtime, spec(base.toString(), Optional.of(adapterDir.toString()), "NONE"), questions);
    double[][] plainQ8 =
        scores(runtime, spec(base.toString(), Optional.empty(), "Q8_0"), questions);
    for (String q : List.of("Q8_0", "Q4_0")) {
      double[][] quant =
          scores(runtime, spec(base.toString(), Optional.of(adapterDir.toString()), q), questions);
      double toF32 = maxAbsDiff(quant, f32);
      double adapterEffect = maxAbsDiff(plainQ8, f32);
      assertTrue(
          toF32 < adapterEffect / 2,
          q + ": |Δ| to float32 with adapter " + toF32 + ", adapter effect " + adapterEffect);
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> runtime.load(spec(base.toString(), Optional.empty(), "Q5_K")));
    assertTrue(e.getMessage().contains("Q5_K is not served"), e.getMessage());
  }

  private static double[][] scores(DjlModelRuntime runtime, ModelSpec spec, List<String> qs) {
    try (LoadedModel m = runtime.load(spec)) {
      return m.score(qs).stream().map(LoadedModel.LabelScores::logProbs).toArray(double[][]::new);
    }
  }

  private static double maxAbsDiff(double[][] a, double[][] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return worst;
  }

  /** Rank 4 on all seven projections of every layer, A and B uniform in ±0.05, alpha 256. */
  private static LoraAdapter randomAdapter(Qwen2Config c) {
    SplittableRandom rnd = new SplittableRandom(17);
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    int kv = c.numKeyValueHeads() * c.headDim();
    int h = c.hiddenSize();
    int i = c.intermediateSize();
    Map<String, int[]> inOut = new LinkedHashMap<>();
    inOut.put("q_proj", new int[] {h, h});
    inOut.put("k_proj", new int[] {h, kv});
    inOut.put("v_proj", new int[] {h, kv});
    inOut.put("o_proj", new int[] {h, h});
    inOut.put("gate_proj", new int[] {h, i});
    inOut.put("up_proj", new int[] {h, i});
    inOut.put("down_proj", new int[] {i, h});
    int r = 4;
    for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
      for (Map.Entry<String, int[]> m : inOut.entrySet()) {
        t.put(LoraAdapter.loraAKey(layer, m.getKey()), random(rnd, r, m.getValue()[0]));
        t.put(LoraAdapter.loraBKey(layer, m.getKey()), random(rnd, m.getValue()[1], r));
      }
    }
    return new LoraAdapter(LoraConfig.of(r, 64.0 * r), t);
  }

  private static FloatTensor random(SplittableRandom rnd, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int k = 0; k < v.length; k++) {
      v[k] = (float) rnd.nextDouble(-0.05, 0.05);
    }
    return new FloatTensor(new long[] {rows, cols}, v);
  }
}
