package dev.qcat.inference.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.model.Linear;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.model.RandomCheckpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Quantized serving on a tiny random Qwen2 (2 layers, hidden 64, intermediate 128, vocab 151,936):
 * the quantized layers against a naive control on the dequantized weights, and the quantized
 * model's log-probabilities against the float32 model's.
 */
class QuantizedQwen2Test {

  static final Qwen2Config CONFIG = Qwen2Config.tiny();
  static final long SEED = 11L;

  static final int[][] PROMPTS = {
    {151644, 872, 198, 3838, 374, 279, 6722, 315, 9625, 30, 151645, 198, 151644, 77091, 198},
    {13048, 3958},
    {3838, 374, 279, 6722, 315, 9625, 30, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
  };

  static Map<String, FloatTensor> weights() {
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    for (Map.Entry<String, CheckpointKeys.Expected> e :
        CheckpointKeys.expected(CONFIG).entrySet()) {
      long[] shape = e.getValue().shape();
      w.put(
          e.getKey(),
          new FloatTensor(shape, RandomCheckpoint.randomTensor(e.getKey(), shape, CONFIG, SEED)));
    }
    return w;
  }

  /** Naive control: y = x·Wᵀ + b in float64 on the dequantized weight, for 3 rows. */
  @Test
  void quantizedLinearEqualsNaiveProductOnDequantizedWeights() {
    int in = 96;
    int out = 50_000; // two 16 MiB panels (43,690 rows of 96), the last one partial
    float[] w = BlockCodecTest.random(out * in, 5);
    float[] bias = BlockCodecTest.random(out, 6);
    float[] x = BlockCodecTest.random(3 * in, 7);
    for (QuantType type : QuantType.values()) {
      QuantizedMatrix q = QuantizedMatrix.quantize("w", new long[] {out, in}, w, type);
      float[] deq = new float[out * in];
      q.dequantizeRows(0, out, deq);
      try (NDManager m = NDManager.newBaseManager("PyTorch")) {
        NDArray b = m.create(bias);
        Linear layer = type == QuantType.Q8_0 ? new Int8Linear(q, b) : new Q4Linear(q, b);
        float[] y = layer.forward(m.create(x, new Shape(3, in))).toFloatArray();
        double worst = 0;
        for (int r = 0; r < 3; r++) {
          for (int o = 0; o < out; o++) {
            double ref = bias[o];
            for (int i = 0; i < in; i++) {
              ref += (double) x[r * in + i] * deq[o * in + i];
            }
            worst = Math.max(worst, Math.abs(ref - y[r * out + o]));
          }
        }
        assertTrue(worst < 1e-5, type + " worst " + worst);
      }
    }
  }

  /** The quantized model computes exactly the float32 model on the dequantized weights. */
  @Test
  void quantizedForwardEqualsFloat32ForwardOnDequantizedWeights() {
    Map<String, FloatTensor> w = weights();
    for (QuantType type : QuantType.values()) {
      Map<String, FloatTensor> deq = new LinkedHashMap<>();
      for (Map.Entry<String, FloatTensor> e : w.entrySet()) {
        long[] shape = e.getValue().shape();
        if (shape.length == 2) {
          QuantType t =
              e.getKey().equals("model.embed_tokens.weight") ? type.defaultOutputType() : type;
          QuantizedMatrix q = QuantizedMatrix.quantize(e.getKey(), shape, e.getValue().data(), t);
          float[] d = new float[e.getValue().data().length];
          q.dequantizeRows(0, q.rows(), d);
          deq.put(e.getKey(), new FloatTensor(shape, d));
        } else {
          deq.put(e.getKey(), e.getValue());
        }
      }
      float[][] ref;
      try (Qwen2Model model = Qwen2Model.fromTensors(CONFIG, deq::get, Qwen2Model.Backend.TORCH)) {
        ref = model.logProbs(PROMPTS);
      }
      float[][] q;
      try (Qwen2Model model = QuantizedQwen2.fromTensors(CONFIG, w::get, type)) {
        q = model.logProbs(PROMPTS);
      }
      double worst = 0;
      for (int b = 0; b < PROMPTS.length; b++) {
        for (int i = 0; i < ref[b].length; i++) {
          worst = Math.max(worst, Math.abs(ref[b][i] - q[b][i]));
        }
      }
      System.out.printf(
          "%s served vs float32 on dequantized weights: max |Δ log p| %.3g%n", type, worst);
      assertTrue(worst < 1e-4, type + " max |Δ log p| " + worst);
    }
  }

  /**
   * Weight-only quantization error of the whole model on 24 prompts. Random Gaussian weights are a
   * hard case: no structure, and top-1 margins over 151,936 tokens are small next to Q4_0's 8 %
   * relative weight error (BlockCodecTest), so Q4_0 keeps the float32 top token on only 7 of 24
   * prompts here. The bounds below are regression floors at the measured values, not the issue's
   * targets (≥ 99 % / ≥ 95 % top-1 on a trained classifier, BANKING77), which need a trained model.
   */
  @Test
  void quantizedForwardStaysCloseToFloat32AndKeepsTopToken() {
    Map<String, FloatTensor> w = weights();
    int[][] prompts = prompts(24);
    float[][] fp32;
    try (Qwen2Model model = Qwen2Model.fromTensors(CONFIG, w::get, Qwen2Model.Backend.TORCH)) {
      fp32 = model.logProbs(prompts);
    }
    for (QuantType type : QuantType.values()) {
      float[][] q;
      try (Qwen2Model model = QuantizedQwen2.fromTensors(CONFIG, w::get, type)) {
        q = model.logProbs(prompts);
        assertThrows(IllegalStateException.class, model::embedTokens);
      }
      double worst = 0;
      double mean = 0;
      int agree = 0;
      for (int b = 0; b < prompts.length; b++) {
        for (int i = 0; i < fp32[b].length; i++) {
          double d = Math.abs(fp32[b][i] - q[b][i]);
          worst = Math.max(worst, d);
          mean += d / fp32[b].length / prompts.length;
        }
        agree += argmax(fp32[b]) == argmax(q[b]) ? 1 : 0;
      }
      String report =
          String.format(
              "%s vs float32: max |Δ log p| %.3g, mean %.3g, top-1 agreement %d/%d",
              type, worst, mean, agree, prompts.length);
      System.out.println(report);
      boolean q8 = type == QuantType.Q8_0;
      // measured: Q8_0 0.147 / 0.0163 / 22 of 24; Q4_0 1.94 / 0.254 / 7 of 24
      assertTrue(worst < (q8 ? 0.2 : 2.5) && mean < (q8 ? 0.03 : 0.35), report);
      assertTrue(agree >= (q8 ? 20 : 5), report);
    }
  }

  /**
   * The Q4_0 mix keeps the token embedding (tied LM head) at Q8_0 by default; {@code pure} puts it
   * in Q4_0 too, and the log-probabilities move further from float32.
   */
  @Test
  void q4_0KeepsTheTiedEmbeddingAtQ8_0UnlessPure() {
    Map<String, FloatTensor> w = weights();
    int[][] prompts = prompts(24);
    float[][] fp32;
    try (Qwen2Model model = Qwen2Model.fromTensors(CONFIG, w::get, Qwen2Model.Backend.TORCH)) {
      fp32 = model.logProbs(prompts);
    }
    double[] mean = new double[2];
    QuantType[] embedding = {QuantType.Q8_0, QuantType.Q4_0};
    for (int k = 0; k < 2; k++) {
      try (Qwen2Model model =
          QuantizedQwen2.fromTensors(CONFIG, w::get, QuantType.Q4_0, embedding[k])) {
        QuantizedEmbedding e = (QuantizedEmbedding) model.tokenEmbedding().orElseThrow();
        assertEquals(embedding[k], e.matrix().type());
        float[][] q = model.logProbs(prompts);
        for (int b = 0; b < prompts.length; b++) {
          for (int i = 0; i < fp32[b].length; i++) {
            mean[k] += Math.abs(fp32[b][i] - q[b][i]) / fp32[b].length / prompts.length;
          }
        }
      }
    }
    System.out.printf(
        "Q4_0 mean |Δ log p| to float32: embedding Q8_0 %.3g, pure Q4_0 %.3g%n", mean[0], mean[1]);
    assertTrue(mean[0] < mean[1], java.util.Arrays.toString(mean));
    assertEquals(QuantType.Q8_0, QuantType.Q4_0.defaultOutputType());
    assertEquals(QuantType.Q8_0, QuantType.Q8_0.defaultOutputType());
  }

  /** The fixed prompts, then random token rows of 3 to 20 tokens. */
  static int[][] prompts(int n) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    int[][] p = new int[n][];
    for (int b = 0; b < n; b++) {
      if (b < PROMPTS.length) {
        p[b] = PROMPTS[b];
      } else {
        p[b] = r.ints(3 + r.nextInt(18), 0, 151643).toArray();
      }
    }
    return p;
  }

  @Test
  void refusesAWeightWhoseRowsDoNotSplitIntoBlocks() {
    Qwen2Config odd =
        new Qwen2Config(256, 48, 96, 1, 4, 2, 4096, 1_000_000.0, 1e-6, true, 8, 8, "float32");
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    for (Map.Entry<String, CheckpointKeys.Expected> e : CheckpointKeys.expected(odd).entrySet()) {
      long[] shape = e.getValue().shape();
      w.put(e.getKey(), new FloatTensor(shape, new float[(int) FloatTensor.numel(shape)]));
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> QuantizedQwen2.fromTensors(odd, w::get, QuantType.Q4_0).close());
    assertTrue(e.getMessage().contains("model.embed_tokens.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("[256, 48]"), e.getMessage());
  }

  static double margin(float[] x) {
    float[] s = x.clone();
    java.util.Arrays.sort(s);
    return s[s.length - 1] - s[s.length - 2];
  }

  static int argmax(float[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }
}
