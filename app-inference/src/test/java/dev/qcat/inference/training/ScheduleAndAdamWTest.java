package dev.qcat.inference.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleAndAdamWTest {

  @Test
  void cosineWarmsUpThenDecaysToZero() {
    CosineSchedule s = new CosineSchedule(1e-3, 4, 14);
    assertEquals(0.25e-3, s.lr(0), 1e-15);
    assertEquals(1e-3, s.lr(3), 1e-15);
    assertEquals(1e-3, s.lr(4), 1e-15); // decay starts at p = 0
    assertEquals(0.5e-3, s.lr(9), 1e-15); // p = 1/2: ½(1 + cos π/2)
    assertEquals(1e-3 * 0.5 * (1 + Math.cos(Math.PI * 0.8)), s.lr(12), 1e-15);
    assertEquals(0, s.lr(14), 1e-15);
    assertEquals(0, s.lr(100), 1e-15);
  }

  @Test
  void linearWarmsUpThenDecaysToZero() {
    LinearSchedule s = new LinearSchedule(2.0, 2, 12);
    assertEquals(1.0, s.lr(0), 1e-12);
    assertEquals(2.0, s.lr(1), 1e-12);
    assertEquals(2.0, s.lr(2), 1e-12);
    assertEquals(1.0, s.lr(7), 1e-12);
    assertEquals(0.0, s.lr(12), 1e-12);
    assertEquals(2.0, new LinearSchedule(2.0, 0, 10).lr(0), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.named("step", 1, 0, 1));
  }

  /** Two AdamW steps on f(p) = Σ c·p², checked against the update rule computed by hand. */
  @Test
  void adamWMatchesTheUpdateRule() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] p0 = {1.0f, -2.0f, 0.5f};
      float[] c = {1.0f, 3.0f, -2.0f};
      NDArray p = m.create(p0.clone());
      p.setRequiresGradient(true);
      NDArray coef = m.create(c);
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("p", p);
      double b1 = 0.9, b2 = 0.99, eps = 1e-8, wd = 0.1;
      AdamW opt = new AdamW(params, b1, b2, eps, wd);
      double[] pe = {p0[0], p0[1], p0[2]};
      double[] me = new double[3];
      double[] ve = new double[3];
      double[] lrs = {0.1, 0.05};
      for (int t = 1; t <= 2; t++) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(p.square().mul(coef).sum());
        }
        opt.step(lrs[t - 1]);
        opt.zeroGrad();
        for (int i = 0; i < 3; i++) {
          double g = 2 * c[i] * pe[i];
          pe[i] *= 1 - lrs[t - 1] * wd;
          me[i] = b1 * me[i] + (1 - b1) * g;
          ve[i] = b2 * ve[i] + (1 - b2) * g * g;
          double mh = me[i] / (1 - Math.pow(b1, t));
          double vh = ve[i] / (1 - Math.pow(b2, t));
          pe[i] -= lrs[t - 1] * mh / (Math.sqrt(vh) + eps);
        }
      }
      float[] got = p.toFloatArray();
      for (int i = 0; i < 3; i++) {
        assertEquals(pe[i], got[i], 1e-6, "p[" + i + "]");
      }
      assertEquals(2, opt.steps());
      assertEquals(0f, p.getGradient().abs().sum().getFloat());
    }
  }

  @Test
  void clipScalesTheGlobalNorm() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {3f});
      NDArray b = m.create(new float[] {0f, 0f});
      a.setRequiresGradient(true);
      b.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(a.sum().mul(3f).add(b.mul(m.create(new float[] {4f, 0f})).sum()));
      }
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("a", a);
      params.put("b", b);
      AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, 0);
      assertEquals(5.0, opt.clipGradNorm(1.0), 1e-6); // grads (3) and (4, 0)
      assertEquals(0.6f, a.getGradient().getFloat(0), 1e-5f);
      assertEquals(0.8f, b.getGradient().getFloat(0), 1e-5f);
    }
  }
}
