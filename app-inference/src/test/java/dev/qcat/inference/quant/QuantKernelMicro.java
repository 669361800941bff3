package dev.qcat.inference.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.model.OpenBlasLinear;
import java.util.Arrays;

/**
 * Not a test: a manual timer for one quantized projection at the 0.5B MLP shape (x 64×896, W
 * 4864×896) and the LM head shape (x 8×896, W 151936×896) against libtorch float32 matMul. Run with
 * {@code -Dqcat.quant.gemm=torch|openblas}; prints median milliseconds and the decode share.
 */
public final class QuantKernelMicro {
  public static void main(String[] args) {
    int threads = Integer.parseInt(System.getProperty("threads", "2"));
    if (OpenBlasLinear.isAvailable()) {
      OpenBlasLinear.setThreads(threads);
    }
    for (int[] shape : new int[][] {{64, 896, 4864}, {8, 896, 151936}}) {
      int rows = shape[0];
      int in = shape[1];
      int out = shape[2];
      float[] w = BlockCodecTest.random(out * in, 1);
      float[] xv = BlockCodecTest.random(rows * in, 2);
      try (NDManager m = NDManager.newBaseManager("PyTorch")) {
        NDArray x = m.create(xv, new Shape(rows, in));
        NDArray wf = m.create(w, new Shape(out, in));
        System.out.printf(
            "[%dx%d]x[%dx%d]ᵀ fp32 matMul: %.1f ms%n",
            rows, in, out, in, time(() -> x.matMul(wf.transpose()).close()));
        for (QuantType t : QuantType.values()) {
          QuantizedMatrix q = QuantizedMatrix.quantize("w", new long[] {out, in}, w, t);
          QuantizedLinear l = t == QuantType.Q8_0 ? new Int8Linear(q, null) : new Q4Linear(q, null);
          QuantizedLinear.Profile.reset();
          double ms = time(() -> l.forward(x).close());
          System.out.printf(
              "  %s %s: %.1f ms (decode share %.0f%%)%n",
              t,
              QuantizedLinear.GEMM,
              ms,
              100.0
                  * QuantizedLinear.Profile.decodeNanos()
                  / (QuantizedLinear.Profile.decodeNanos() + QuantizedLinear.Profile.gemmNanos()));
        }
      }
    }
  }

  static double time(Runnable r) {
    r.run();
    double[] ms = new double[7];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[ms.length / 2];
  }
}
