package dev.qcat.inference.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.lora.LoraAdapter;
import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.model.RandomCheckpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QuantizedQwen2#load(Path, LoraAdapter, QuantType)} merges the adapter into the float32
 * base before quantizing: the quantized model tracks the merged float32 model (within the weight
 * quantization error), not the base model, whose log-probabilities the adapter moves much further.
 */
class QuantizedAdapterMergeTest {

  @TempDir static Path dir;

  @Test
  void quantizedModelServesTheMergedWeights() {
    Path base = dir.resolve("tiny");
    Qwen2Config config =
        RandomCheckpoint.write(
            base,
            Qwen2Config.tiny(),
            SafetensorsDtype.F32,
            5,
            RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
            null);
    LoraAdapter adapter = randomAdapter(config, 4, 0.05f);
    SplittableRandom rnd = new SplittableRandom(3);
    int[][] prompts = new int[8][];
    for (int b = 0; b < prompts.length; b++) {
      prompts[b] = rnd.ints(3 + rnd.nextInt(18), 0, config.vocabSize()).toArray();
    }
    float[][] baseLp;
    float[][] merged;
    try (Qwen2Model m = Qwen2Model.load(base)) {
      baseLp = m.logProbs(prompts);
    }
    try (HfCheckpoint c = HfCheckpoint.load(base);
        Qwen2Model m = Qwen2Model.fromTensors(c.config(), adapter.applyTo(c.config(), c::tensor))) {
      merged = m.logProbs(prompts);
    }
    double update = meanAbsDiff(baseLp, merged);
    for (QuantType type : QuantType.values()) {
      float[][] q;
      try (Qwen2Model m = QuantizedQwen2.load(base, adapter, type)) {
        q = m.logProbs(prompts);
      }
      double toMerged = meanAbsDiff(q, merged);
      double toBase = meanAbsDiff(q, baseLp);
      String report =
          String.format(
              "%s: mean |Δ log p| to merged fp32 %.4g, to base fp32 %.4g (adapter moves %.4g)",
              type, toMerged, toBase, update);
      System.out.println(report);
      assertTrue(update > 0.5, report); // the adapter really changes the model
      assertTrue(toMerged < update / 3, report);
      assertTrue(toBase > update / 2, report);
    }
  }

  /** A rank-r adapter on all seven projections of every layer, A and B uniform in ±scale. */
  static LoraAdapter randomAdapter(Qwen2Config c, int r, float scale) {
    SplittableRandom rnd = new SplittableRandom(17);
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    String[] modules = {
      "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"
    };
    int kv = c.numKeyValueHeads() * (c.hiddenSize() / c.numAttentionHeads());
    for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
      for (String m : modules) {
        int in =
            m.equals("o_proj")
                ? c.hiddenSize()
                : m.equals("down_proj") ? c.intermediateSize() : c.hiddenSize();
        int out =
            switch (m) {
              case "q_proj", "o_proj" -> c.hiddenSize();
              case "k_proj", "v_proj" -> kv;
              case "gate_proj", "up_proj" -> c.intermediateSize();
              default -> c.hiddenSize();
            };
        t.put(LoraAdapter.loraAKey(layer, m), random(rnd, new long[] {r, in}, scale));
        t.put(LoraAdapter.loraBKey(layer, m), random(rnd, new long[] {out, r}, scale));
      }
    }
    return new LoraAdapter(LoraConfig.of(r, 64.0 * r), t);
  }

  static FloatTensor random(SplittableRandom rnd, long[] shape, float scale) {
    float[] v = new float[(int) (shape[0] * shape[1])];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextDouble(-1, 1) * scale);
    }
    return new FloatTensor(shape, v);
  }

  static double meanAbsDiff(float[][] a, float[][] b) {
    double s = 0;
    long n = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        s += Math.abs(a[i][j] - b[i][j]);
        n++;
      }
    }
    return s / n;
  }
}
