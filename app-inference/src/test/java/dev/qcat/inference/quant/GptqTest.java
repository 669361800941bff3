package dev.qcat.inference.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.model.Qwen2Config;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GPTQ rounding ({@link Gptq}) against round-to-nearest on synthetic layers, and the Hessians
 * collected from a tiny random Qwen2 ({@link CalibrationHessians}).
 */
class GptqTest {

  static final int ROWS = 48;
  static final int COLS = 192; // two lazy batches of columns: 128 and 64

  /**
   * Inputs with correlated columns: x = z·A, z normal (a few louder channels) drawn from {@code
   * seed}, A one fixed mixing matrix, so every seed draws from the same distribution.
   */
  static double[][] correlatedInputs(int n, long seed) {
    Random r = new Random(42);
    double[][] a = new double[COLS][COLS];
    for (int i = 0; i < COLS; i++) {
      for (int j = 0; j < COLS; j++) {
        a[i][j] = (i == j ? 1.0 : 0.0) + 0.3 * r.nextGaussian();
      }
    }
    r = new Random(seed);
    double[][] x = new double[n][COLS];
    for (int t = 0; t < n; t++) {
      double[] z = new double[COLS];
      for (int i = 0; i < COLS; i++) {
        z[i] = r.nextGaussian() * (i % 7 == 0 ? 4 : 1); // a few louder channels
      }
      for (int j = 0; j < COLS; j++) {
        double s = 0;
        for (int i = 0; i < COLS; i++) {
          s += z[i] * a[i][j];
        }
        x[t][j] = s;
      }
    }
    return x;
  }

  static float[] hessian(double[][] x) {
    double[] h = new double[COLS * COLS];
    for (double[] row : x) {
      for (int i = 0; i < COLS; i++) {
        for (int j = 0; j < COLS; j++) {
          h[i * COLS + j] += row[i] * row[j];
        }
      }
    }
    float[] f = new float[h.length];
    for (int i = 0; i < h.length; i++) {
      f[i] = (float) h[i];
    }
    return f;
  }

  static FloatTensor weight(long seed) {
    Random r = new Random(seed);
    float[] w = new float[ROWS * COLS];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (0.02 * r.nextGaussian());
    }
    return new FloatTensor(new long[] {ROWS, COLS}, w);
  }

  static float[] roundToNearest(FloatTensor w, QuantType type) {
    QuantizedMatrix q = QuantizedMatrix.quantize("w", w.shape(), w.data(), type);
    float[] out = new float[ROWS * COLS];
    q.dequantizeRows(0, ROWS, out);
    return out;
  }

  /** Σ over inputs of ‖(W − Q)·x‖². */
  static double outputError(FloatTensor w, float[] q, double[][] x) {
    double e = 0;
    for (double[] row : x) {
      for (int o = 0; o < ROWS; o++) {
        double s = 0;
        for (int i = 0; i < COLS; i++) {
          s += (w.data()[o * COLS + i] - q[o * COLS + i]) * row[i];
        }
        e += s * s;
      }
    }
    return e;
  }

  @Test
  void roundToNearestReproducesTheGptqGridExactly() {
    float[] h = hessian(correlatedInputs(512, 1));
    for (QuantType type : QuantType.values()) {
      FloatTensor g = Gptq.round("w", weight(2), h, type, Gptq.DEFAULT_DAMP);
      assertArrayEquals(new long[] {ROWS, COLS}, g.shape());
      // Quantizing the rounded weights again finds the same scales and codes: nothing moves.
      assertArrayEquals(g.data(), roundToNearest(g, type), type.name());
    }
  }

  @Test
  void lowersTheOutputErrorOfRoundToNearestOnCorrelatedInputs() {
    double[][] calibration = correlatedInputs(512, 1);
    double[][] heldOut = correlatedInputs(256, 3);
    float[] h = hessian(calibration);
    FloatTensor w = weight(2);
    for (QuantType type : QuantType.values()) {
      double rtn = outputError(w, roundToNearest(w, type), heldOut);
      double gptq = outputError(w, Gptq.round("w", w, h, type, Gptq.DEFAULT_DAMP).data(), heldOut);
      // Measured: the ratio is about 0.33 for both grids on these inputs (held out from H).
      assertTrue(gptq < 0.8 * rtn, type + ": GPTQ " + gptq + " vs round-to-nearest " + rtn);
    }
  }

  @Test
  void withUncorrelatedInputsItIsRoundToNearest() {
    // H diagonal: no column's error can be compensated by another, so GPTQ leaves RTN's codes.
    float[] h = new float[COLS * COLS];
    for (int i = 0; i < COLS; i++) {
      h[i * COLS + i] = 1 + i;
    }
    FloatTensor w = weight(4);
    for (QuantType type : QuantType.values()) {
      assertArrayEquals(
          roundToNearest(w, type), Gptq.round("w", w, h, type, 0.01).data(), type.name());
    }
  }

  @Test
  void upperCholeskyOfInverseMultipliesBackToTheInverse() {
    int n = 5;
    double[] h = {
      4, 1, 0.5, 0, 0.2, 1, 3, 0.3, 0.1, 0, 0.5, 0.3, 2, 0.4, 0.1, 0, 0.1, 0.4, 5, 0.6, 0.2, 0, 0.1,
      0.6, 1.5
    };
    double[] u = Gptq.upperCholeskyOfInverse("h", h, n);
    // (UᵀU)·H = I, and U is upper triangular.
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        assertEquals(0.0, u[i * n + j], "U[" + i + "][" + j + "]");
      }
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          double inv = 0;
          for (int m = 0; m < n; m++) {
            inv += u[m * n + i] * u[m * n + k];
          }
          s += inv * h[k * n + j];
        }
        assertEquals(i == j ? 1.0 : 0.0, s, 1e-12, "(H⁻¹H)[" + i + "][" + j + "]");
      }
    }
  }

  @Test
  void upperCholeskyOfInverseIsRightAcrossPanels() {
    int n = 300; // the factorization works in panels of 128: two full ones and a partial one
    Random r = new Random(8);
    double[] x = new double[400 * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian() * (1 + (i % n) % 5);
    }
    double[] h = new double[n * n];
    for (int t = 0; t < 400; t++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          h[i * n + j] += x[t * n + i] * x[t * n + j];
        }
      }
    }
    double[] u = Gptq.upperCholeskyOfInverse("h", h, n);
    double[] hinvRow = new double[n];
    double worst = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        assertEquals(0.0, u[i * n + j], "U[" + i + "][" + j + "]");
      }
      // row i of UᵀU, then (UᵀU·H)[i][·] against the identity
      java.util.Arrays.fill(hinvRow, 0);
      for (int m = 0; m <= i; m++) {
        for (int k = m; k < n; k++) {
          hinvRow[k] += u[m * n + i] * u[m * n + k];
        }
      }
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += hinvRow[k] * h[k * n + j];
        }
        worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
      }
    }
    assertTrue(worst < 1e-9, "worst |(H⁻¹H − I)| " + worst);
  }

  @Test
  void refusesAWrongHessianARaggedRowOrANegativeDampening() {
    FloatTensor w = weight(5);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Gptq.round("blk.w", w, new float[10], QuantType.Q8_0, 0.01));
    assertTrue(
        e.getMessage().contains("blk.w") && e.getMessage().contains("36864"), e.getMessage());
    FloatTensor ragged = new FloatTensor(new long[] {2, 40}, new float[80]);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Gptq.round("ragged", ragged, new float[1600], QuantType.Q4_0, 0.01));
    assertTrue(e.getMessage().contains("ragged"), e.getMessage());
    float[] h = hessian(correlatedInputs(64, 1));
    assertThrows(IllegalArgumentException.class, () -> Gptq.round("w", w, h, QuantType.Q8_0, -1));
    float[] indefinite = new float[COLS * COLS];
    for (int i = 0; i < COLS; i++) {
      indefinite[i * COLS + i] = i == 3 ? -1000 : 1;
    }
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Gptq.round("w", w, indefinite, QuantType.Q8_0, 0.0));
    assertTrue(e.getMessage().contains("not positive definite"), e.getMessage());
  }

  @Test
  void hessiansAreSharedByProjectionsThatReadTheSameInputAndSumOverTheWorkload() {
    Qwen2Config config = QuantizedQwen2Test.CONFIG;
    Map<String, FloatTensor> w = QuantizedQwen2Test.weights();
    int[][] prompt = {QuantizedQwen2Test.PROMPTS[0]};
    int last = prompt[0].length - 1;
    Map<String, float[]> once =
        CalibrationHessians.collect(
            config,
            w::get,
            model -> {
              try (NDManager call = NDManager.newBaseManager("PyTorch")) {
                model.normedHiddenStates(call, prompt, new int[] {last});
              }
            });
    Map<String, float[]> twice =
        CalibrationHessians.collect(
            config,
            w::get,
            model -> {
              for (int k = 0; k < 2; k++) {
                try (NDManager call = NDManager.newBaseManager("PyTorch")) {
                  model.normedHiddenStates(call, prompt, new int[] {last});
                }
              }
            });
    String q = "model.layers.1.self_attn.q_proj.weight";
    assertSame(once.get(q), once.get("model.layers.1.self_attn.v_proj.weight"));
    assertSame(
        once.get("model.layers.0.mlp.gate_proj.weight"),
        once.get("model.layers.0.mlp.up_proj.weight"));
    assertNotSame(once.get(q), once.get("model.layers.1.self_attn.o_proj.weight"));
    long projections =
        CheckpointKeys.expected(config).keySet().stream()
            .filter(n -> n.endsWith("_proj.weight"))
            .count();
    assertEquals(projections, once.size());
    int in = config.hiddenSize();
    float[] h = once.get(q);
    assertEquals(in * in, h.length);
    for (int i = 0; i < in; i++) {
      assertTrue(h[i * in + i] > 0, "diagonal " + i);
      for (int j = 0; j < in; j++) {
        assertEquals(h[i * in + j], h[j * in + i], 1e-4 * Math.abs(h[i * in + j]) + 1e-9);
        assertEquals(
            2 * h[i * in + j], twice.get(q)[i * in + j], 1e-4 * Math.abs(h[i * in + j]) + 1e-6);
      }
    }
    int down = config.intermediateSize();
    assertEquals(down * down, once.get("model.layers.0.mlp.down_proj.weight").length);
    assertThrows(
        IllegalStateException.class,
        () -> CalibrationHessians.collect(config, w::get, model -> {}));
  }
}
