package dev.qcat.inference.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoraLinearTest {

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray random(Random rnd, int... shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    long[] s = new long[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = shape[i];
    }
    return manager.create(v, new Shape(s));
  }

  @Test
  void rejectsRankZero() {
    assertThrows(IllegalArgumentException.class, () -> LoraConfig.of(0, 16));
    NDArray w = manager.zeros(new Shape(3, 4));
    NDArray a = manager.zeros(new Shape(0, 4));
    NDArray b = manager.zeros(new Shape(3, 0));
    assertThrows(IllegalArgumentException.class, () -> new LoraLinear(w, null, a, b, 16, 0));
  }

  @Test
  void rejectsMismatchedShapes() {
    NDArray w = manager.zeros(new Shape(3, 4));
    NDArray a = manager.zeros(new Shape(2, 5));
    NDArray b = manager.zeros(new Shape(3, 2));
    assertThrows(IllegalArgumentException.class, () -> new LoraLinear(w, null, a, b, 16, 0));
  }

  @Test
  void freshAdapterLeavesOutputUnchanged() {
    Random rnd = new Random(1);
    NDArray w = random(rnd, 5, 7);
    NDArray bias = random(rnd, 5);
    NDArray x = random(rnd, 2, 3, 7);
    LoraLinear layer = LoraLinear.create(manager, w, bias, LoraConfig.of(4, 8), 42);
    assertEquals(0f, layer.loraB().abs().max().getFloat());
    float[] expected = x.matMul(w.transpose()).add(bias).toFloatArray();
    NDArray y = layer.forward(x, false);
    assertEquals(new Shape(2, 3, 5), y.getShape());
    assertClose(expected, y.toFloatArray(), 1e-6);
  }

  @Test
  void kaimingUniformInitialisationIsBoundedAndSeeded() {
    int in = 64;
    float[] a1 = LoraLinear.kaimingUniformA(8, in, 7);
    float[] a2 = LoraLinear.kaimingUniformA(8, in, 7);
    float[] a3 = LoraLinear.kaimingUniformA(8, in, 8);
    assertArrayEquals(a1, a2);
    assertFalse(java.util.Arrays.equals(a1, a3));
    double bound = 1 / Math.sqrt(in);
    double sumSq = 0;
    for (float v : a1) {
      assertTrue(Math.abs(v) <= bound, "value " + v + " outside ±" + bound);
      sumSq += v * v;
    }
    // Var of U(-b, b) is b²/3; 512 samples put the estimate well within 25%.
    assertEquals(bound * bound / 3, sumSq / a1.length, 0.25 * bound * bound / 3);
  }

  @Test
  void deltaWeightIsScaledBTimesA() {
    // Hand-checked: B = [[1, 2], [3, 4], [5, 6]], A = [[1, 0, -1], [0, 1, 2]], alpha 4, r 2.
    NDArray w = manager.zeros(new Shape(3, 3));
    NDArray a = manager.create(new float[] {1, 0, -1, 0, 1, 2}, new Shape(2, 3));
    NDArray b = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2));
    LoraLinear layer = new LoraLinear(w, null, a, b, 4, 0);
    assertEquals(2.0, layer.scaling());
    // B·A = [[1, 2, 3], [3, 4, 5], [5, 6, 7]]
    assertArrayEquals(
        new float[] {2, 4, 6, 6, 8, 10, 10, 12, 14}, layer.deltaWeight().toFloatArray());
  }

  @Test
  void mergedForwardEqualsUnmerged() {
    Random rnd = new Random(2);
    NDArray w = random(rnd, 6, 5);
    float[] w0 = w.toFloatArray();
    NDArray bias = random(rnd, 6);
    LoraLinear layer = new LoraLinear(w, bias, random(rnd, 3, 5), random(rnd, 6, 3), 6, 0.1);
    NDArray x = random(rnd, 4, 5);
    float[] unmerged = layer.forward(x, false).toFloatArray();
    layer.merge();
    assertTrue(layer.isMerged());
    float[] merged = layer.forward(x, false).toFloatArray();
    assertClose(unmerged, merged, 1e-5);
    assertThrows(IllegalStateException.class, () -> layer.forward(x, true));
    layer.unmerge();
    assertClose(w0, layer.weight().toFloatArray(), 1e-6);
    assertClose(unmerged, layer.forward(x, false).toFloatArray(), 1e-6);
  }

  @Test
  void dropoutActsOnTheLoraPathOnly() {
    Random rnd = new Random(3);
    NDArray w = random(rnd, 4, 8);
    LoraLinear fresh = LoraLinear.create(manager, w, null, LoraConfig.of(2, 4).withDropout(0.5), 1);
    NDArray x = random(rnd, 16, 8);
    // B = 0: whatever dropout does to x on the LoRA path, the output is the base output.
    assertClose(
        x.matMul(w.transpose()).toFloatArray(), fresh.forward(x, true).toFloatArray(), 1e-6);
    LoraLinear trained = new LoraLinear(w, null, random(rnd, 2, 8), random(rnd, 4, 2), 4, 0.5);
    Engine.getInstance().setRandomSeed(5);
    float[] t1 = trained.forward(x, true).toFloatArray();
    float[] eval = trained.forward(x, false).toFloatArray();
    assertTrue(maxAbsDiff(t1, eval) > 1e-3, "dropout changed nothing in training mode");
    Engine.getInstance().setRandomSeed(5);
    assertArrayEquals(t1, trained.forward(x, true).toFloatArray(), "same seed, same mask");
  }

  @Test
  void onlyLoraMatricesReceiveGradients() {
    Random rnd = new Random(4);
    NDArray w = random(rnd, 3, 4);
    LoraLinear layer = new LoraLinear(w, null, random(rnd, 2, 4), random(rnd, 3, 2), 2, 0);
    NDArray x = random(rnd, 5, 4);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(layer.forward(x, true).square().sum());
    }
    assertFalse(w.hasGradient());
    assertTrue(layer.loraA().getGradient().abs().sum().getFloat() > 0);
    assertTrue(layer.loraB().getGradient().abs().sum().getFloat() > 0);
  }

  /**
   * A two-layer model {@code loss = CE(softmax(L2(tanh(L1(x)))), labels)} with LoRA on both layers:
   * autograd gradients of every A and B entry agree with central finite differences of the float32
   * loss.
   */
  @Test
  void gradientsAgreeWithFiniteDifferences() {
    Random rnd = new Random(5);
    int in = 6;
    int hidden = 5;
    int classes = 4;
    LoraLinear l1 =
        new LoraLinear(
            random(rnd, hidden, in),
            random(rnd, hidden),
            random(rnd, 2, in),
            random(rnd, hidden, 2),
            4,
            0);
    LoraLinear l2 =
        new LoraLinear(
            random(rnd, classes, hidden),
            null,
            random(rnd, 3, hidden),
            random(rnd, classes, 3),
            3,
            0);
    NDArray x = random(rnd, 7, in);
    NDArray oneHot = manager.zeros(new Shape(7, classes));
    for (int i = 0; i < 7; i++) {
      oneHot.set(new ai.djl.ndarray.index.NDIndex(i, i % classes), 1f);
    }
    Supplier<NDArray> loss =
        () -> {
          NDArray logits = l2.forward(l1.forward(x, true).tanh(), true);
          return logits.logSoftmax(-1).mul(oneHot).sum().neg().div(7f);
        };
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(loss.get());
    }
    for (NDArray p : List.of(l1.loraA(), l1.loraB(), l2.loraA(), l2.loraB())) {
      float[] analytic = p.getGradient().toFloatArray();
      float[] numeric = new float[analytic.length];
      float[] values = p.toFloatArray();
      double eps = 1e-3;
      for (int i = 0; i < values.length; i++) {
        float[] plus = values.clone();
        plus[i] += (float) eps;
        p.set(plus);
        double lp = lossInDouble(loss);
        float[] minus = values.clone();
        minus[i] -= (float) eps;
        p.set(minus);
        double lm = lossInDouble(loss);
        numeric[i] = (float) ((lp - lm) / (2 * eps));
        p.set(values);
      }
      assertClose(numeric, analytic, 2e-3);
    }
  }

  private static double lossInDouble(Supplier<NDArray> loss) {
    try (NDArray l = loss.get()) {
      return l.toType(DataType.FLOAT64, false).getDouble();
    }
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** Asserts element-wise closeness; the message gives the max and mean absolute difference. */
  static void assertClose(float[] expected, float[] actual, double tol) {
    assertEquals(expected.length, actual.length, "length");
    double max = 0;
    double sum = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs(expected[i] - actual[i]);
      max = Math.max(max, d);
      sum += d;
    }
    double mean = sum / Math.max(1, expected.length);
    assertTrue(max <= tol, "max abs diff " + max + " (mean " + mean + ") > tolerance " + tol);
  }
}
