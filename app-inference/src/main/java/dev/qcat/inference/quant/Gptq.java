package dev.qcat.inference.quant;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HalfFloats;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * GPTQ rounding of a weight matrix onto the GGML block grid of {@link QuantType#Q8_0} or {@link
 * QuantType#Q4_0}: the weights are rounded one input column at a time, and each column's rounding
 * error is pushed onto the columns not yet rounded, weighted by the inverse Hessian of the layer's
 * squared output error, so that {@code ‖W·X − Q·X‖²} over calibration inputs X is smaller than with
 * round-to-nearest (RTN).
 *
 * <p>Source: Frantar, Ashkboos, Hoefler, Alistarh, "GPTQ: Accurate Post-Training Quantization for
 * Generative Pre-trained Transformers" (ICLR 2023), Algorithm 1, with the dampening of its
 * reference code ({@code gptq.py}: {@code H += percdamp · mean(diag H) · I}) and groups of 32 along
 * the input dimension, each group's scale taken from the group's weights when the group is reached,
 * as the reference code's {@code groupsize} option does. The grid is GGML's ({@code ggml-quants.c},
 * {@code quantize_row_q8_0_ref} / {@code quantize_row_q4_0_ref}): Q8_0 codes in [−127, 127] times d
 * = amax/127; Q4_0 codes in [0, 15], value (q − 8)·d, d = max/−8 with max the signed value of
 * largest magnitude; d rounded to float16 as the block stores it.
 *
 * <p><b>The result is a float32 matrix on the grid that round-to-nearest reproduces exactly.</b> In
 * each block, the weight that set the scale is given the extreme code (±127 for Q8_0, 0 for Q4_0;
 * its rounding error is pushed on like any other), so quantizing the returned matrix again with
 * {@link Q8_0#quantizeBlock} or {@link Q4_0#quantizeBlock} finds the same scale and the same codes.
 * Every consumer of float weights ({@link QuantizedMatrix#quantize}, the GGUF export) therefore
 * stores GPTQ's codes without knowing about GPTQ, and llama.cpp reads them as ordinary Q8_0 / Q4_0
 * blocks.
 *
 * <p>Cost: rows · cols²/2 multiply-adds for the updates (libtorch float64 GEMM between batches of
 * 128 columns, Java doubles within a batch, rows in parallel on the common fork-join pool), plus
 * the Cholesky factor of the cols × cols Hessian (blocked: libtorch float64 GEMM for all but the
 * 128-wide diagonal panels) and its triangular inverse (libtorch); memory: a few cols × cols double
 * arrays.
 */
public final class Gptq {

  /** The dampening fraction of GPTQ's reference code ({@code percdamp = .01}). */
  public static final double DEFAULT_DAMP = 0.01;

  private Gptq() {}

  /**
   * Rounds a weight matrix with GPTQ onto the {@code type} block grid.
   *
   * @param name tensor name, for error messages
   * @param weight (rows, cols) float32, PyTorch order (out, in); not modified
   * @param hessian (cols, cols) row-major float32, the sum over calibration inputs x (each a column
   *     of width cols) of x·xᵀ (GPTQ's H up to the factor 2/N, which does not change the result);
   *     symmetric positive semi-definite
   * @param type the block grid, {@link QuantType#Q8_0} or {@link QuantType#Q4_0}
   * @param dampFraction added to the diagonal, as a fraction of its mean (≥ 0; {@link
   *     #DEFAULT_DAMP} as in the reference code)
   * @return (rows, cols) float32 on the grid; {@link QuantizedMatrix#quantize} of it has the same
   *     values. Never null.
   * @throws IllegalArgumentException if the weight is not 2-D, cols is not a multiple of 32, the
   *     Hessian's length is not cols², or it is not positive definite after dampening
   */
  public static FloatTensor round(
      String name, FloatTensor weight, float[] hessian, QuantType type, double dampFraction) {
    Objects.requireNonNull(weight, "weight is required.");
    Objects.requireNonNull(hessian, "hessian is required.");
    Objects.requireNonNull(type, "type is required.");
    long[] shape = weight.shape();
    if (shape.length != 2) {
      throw new IllegalArgumentException(
          "cannot GPTQ-round " + name + " of shape " + Arrays.toString(shape) + ": expected 2-D");
    }
    Q8_0.checkRowLength(name, shape, type.name());
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    if (hessian.length != (long) cols * cols) {
      throw new IllegalArgumentException(
          "cannot GPTQ-round "
              + name
              + ": the Hessian has "
              + hessian.length
              + " values but "
              + cols
              + " input columns need "
              + (long) cols * cols);
    }
    if (!(dampFraction >= 0)) {
      throw new IllegalArgumentException("dampFraction must be >= 0 but is " + dampFraction);
    }
    double[] u = upperCholeskyOfInverse(name, dampened(hessian, cols, dampFraction), cols);
    float[] w = weight.data();
    float[] out = new float[rows * cols];
    double[][] rowsW = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        rowsW[r][c] = w[r * cols + c];
      }
    }
    // Lazy batch updates (the paper's §3, step 2): within a batch of columns the errors are pushed
    // on column by column in Java, rows in parallel (rows are independent given U); onto the
    // columns after the batch all at once, E·U[batch, after] by libtorch GEMM.
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray uAll = manager.create(u, new Shape(cols, cols));
      for (int c0 = 0; c0 < cols; c0 += LAZY_BATCH) {
        int from = c0;
        int to = Math.min(cols, c0 + LAZY_BATCH);
        int width = to - from;
        double[] err = new double[rows * width];
        IntStream.range(0, rows)
            .parallel()
            .forEach(
                r ->
                    roundColumns(rowsW[r], u, cols, from, to, type, out, r * cols, err, r * width));
        int rest = cols - to;
        if (rest == 0) {
          break;
        }
        try (NDManager step = manager.newSubManager()) {
          NDArray after = uAll.get(new NDIndex("{}:{}, {}:", from, to, to));
          after.attach(step);
          double[] update = step.create(err, new Shape(rows, width)).matMul(after).toDoubleArray();
          IntStream.range(0, rows)
              .parallel()
              .forEach(
                  r -> {
                    double[] row = rowsW[r];
                    for (int j = 0; j < rest; j++) {
                      row[to + j] -= update[r * rest + j];
                    }
                  });
        }
      }
    }
    return new FloatTensor(shape.clone(), out);
  }

  /** Columns per lazy batch (a multiple of the block size). */
  static final int LAZY_BATCH = 128;

  /** Attempts at a block's scale before the largest weight is pinned to the extreme code. */
  static final int SCALE_ATTEMPTS = 4;

  /**
   * Rounds columns [from, to) of one row, block by block, pushing each column's error onto the
   * columns before {@code to} and recording it (divided by U's diagonal) in {@code err}.
   */
  private static void roundColumns(
      double[] row,
      double[] u,
      int cols,
      int from,
      int to,
      QuantType type,
      float[] out,
      int outFrom,
      double[] err,
      int errFrom) {
    int block = QuantizedMatrix.BLOCK;
    double[] saved = new double[to - from];
    int[] codes = new int[block];
    for (int b = from; b < to; b += block) {
      System.arraycopy(row, b, saved, 0, to - b);
      // The block's scale, from its current (already updated) weights, as RTN would set it.
      float amax = 0;
      float max = 0;
      int largest = -1;
      for (int j = b; j < b + block; j++) {
        float v = (float) row[j];
        if (amax < Math.abs(v)) {
          amax = Math.abs(v);
          max = v;
          largest = j;
        }
      }
      float raw = type == QuantType.Q8_0 ? amax / 127f : max / -8f;
      for (int attempt = 1; ; attempt++) {
        boolean pin = attempt == SCALE_ATTEMPTS;
        roundBlock(
            row,
            u,
            cols,
            b,
            to,
            type,
            raw,
            pin ? largest : -1,
            codes,
            out,
            outFrom,
            err,
            errFrom + b - from);
        // Round-to-nearest of the result must find this scale again: some code must be the
        // extreme one (±127; Q4_0: value −8·d). Else shrink the scale so that the largest code
        // reaches it, and round the block again from the same starting weights.
        int extreme = 0;
        for (int c : codes) {
          extreme = Math.max(extreme, type == QuantType.Q8_0 ? Math.abs(c) : -c);
        }
        int target = type == QuantType.Q8_0 ? 127 : 8;
        if (raw == 0f || extreme == target || pin) {
          break;
        }
        System.arraycopy(saved, 0, row, b, to - b);
        if (extreme > 0) {
          raw = raw * extreme / target;
        } else {
          attempt = SCALE_ATTEMPTS - 1; // no code on the scale's side: pin at once
        }
      }
    }
  }

  /**
   * Rounds columns [b, b + 32) of one row with the block scale {@code raw}, pushing the errors onto
   * the columns before {@code to}.
   */
  private static void roundBlock(
      double[] row,
      double[] u,
      int cols,
      int b,
      int to,
      QuantType type,
      float raw,
      int pinned,
      int[] codes,
      float[] out,
      int outFrom,
      double[] errs,
      int errFrom) {
    double d = HalfFloats.f16ToFloat(HalfFloats.floatToF16(raw)); // as the block stores it
    float id = raw != 0f ? 1f / raw : 0f; // ggml picks the codes with the unrounded scale
    for (int i = b; i < b + QuantizedMatrix.BLOCK; i++) {
      double x = row[i];
      int q;
      if (d == 0) {
        q = 0;
      } else if (type == QuantType.Q8_0) {
        q =
            i == pinned
                ? (x < 0 ? -127 : 127)
                : Math.max(-127, Math.min(127, Q8_0.roundHalfAwayFromZero((float) x * id)));
      } else {
        q = i == pinned ? -8 : Math.max(0, Math.min(15, (int) ((float) x * id + 8.5f))) - 8;
      }
      codes[i - b] = q;
      double v = q * d;
      out[outFrom + i] = (float) v;
      double err = (x - v) / u[i * cols + i];
      errs[errFrom + i - b] = err;
      for (int j = i + 1; j < to; j++) {
        row[j] -= err * u[i * cols + j];
      }
    }
  }

  private static double[] dampened(float[] hessian, int n, double dampFraction) {
    double[] h = new double[hessian.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = hessian[i];
    }
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += h[i * n + i];
    }
    mean /= n;
    for (int i = 0; i < n; i++) {
      // An input that was always zero carries no information: its weight is free, as in the
      // reference code (H[dead, dead] = 1).
      if (h[i * n + i] == 0) {
        h[i * n + i] = 1;
      }
      h[i * n + i] += dampFraction * (mean > 0 ? mean : 1);
    }
    return h;
  }

  /**
   * U, upper triangular, with UᵀU = H⁻¹ (the reference code's {@code
   * torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)}), without
   * forming H⁻¹: with P the order-reversing permutation and P·H·P = L·Lᵀ, H⁻¹ = (P·L⁻¹·P)ᵀ(P·L⁻¹·P)
   * and P·L⁻¹·P is upper triangular, so U = P·L⁻¹·P.
   */
  static double[] upperCholeskyOfInverse(String name, double[] h, int n) {
    double[] reversed = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        reversed[i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
      }
    }
    double[] mi; // M = L⁻¹, lower triangular
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray l = manager.create(cholesky(name, reversed, n, manager), new Shape(n, n));
      mi = l.inverse().toDoubleArray();
    }
    double[] u = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        u[i * n + j] = mi[(n - 1 - i) * n + (n - 1 - j)]; // M[n-1-i][n-1-j]
      }
    }
    return u;
  }

  /** Columns per panel of the blocked Cholesky factorization. */
  private static final int PANEL = 128;

  /**
   * Blocked (right-looking) Cholesky factorization H = L·Lᵀ: each diagonal panel factored in Java,
   * the panel below it solved and the trailing matrix updated by libtorch (float64 GEMM), which
   * does almost all of the n³/3 multiply-adds. Golub and Van Loan, Matrix Computations, §4.2.
   */
  private static double[] cholesky(String name, double[] a, int n, NDManager manager) {
    double[] l = new double[n * n];
    NDArray trailing = manager.create(a, new Shape(n, n));
    for (int k0 = 0; k0 < n; k0 += PANEL) {
      int k1 = Math.min(n, k0 + PANEL);
      int b = k1 - k0;
      int rest = n - k1;
      try (NDManager step = manager.newSubManager()) {
        NDArray view = trailing.get(new NDIndex("0:{}, 0:{}", b, b));
        view.attach(step);
        double[] lkk = cholesky(name, view.toDoubleArray(), b, k0);
        for (int i = 0; i < b; i++) {
          System.arraycopy(lkk, i * b, l, (k0 + i) * n + k0, i + 1);
        }
        if (rest == 0) {
          break;
        }
        NDArray below = trailing.get(new NDIndex("{}:, 0:{}", b, b));
        below.attach(step);
        NDArray lkkT = step.create(lkk, new Shape(b, b)).inverse().transpose();
        NDArray lik = below.matMul(lkkT); // (rest, b): L[k1:, k0:k1] = A[k1:, k0:k1]·L_kk⁻ᵀ
        double[] li = lik.toDoubleArray();
        for (int i = 0; i < rest; i++) {
          System.arraycopy(li, i * b, l, (k1 + i) * n + k0, b);
        }
        NDArray old = trailing.get(new NDIndex("{}:, {}:", b, b));
        old.attach(step);
        NDArray next = old.sub(lik.matMul(lik.transpose()));
        next.attach(manager);
        trailing.close();
        trailing = next;
      }
    }
    trailing.close();
    return l;
  }

  /** Unblocked Cholesky of an n × n panel whose first column is column {@code offset} of H. */
  private static double[] cholesky(String name, double[] a, int n, int offset) {
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * n + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * n + k] * l[j * n + k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException(
                "cannot GPTQ-round "
                    + name
                    + ": the calibration Hessian is not positive definite (pivot "
                    + s
                    + " at column "
                    + (offset + i)
                    + "); raise the dampening");
          }
          l[i * n + i] = Math.sqrt(s);
        } else {
          l[i * n + j] = s / l[j * n + j];
        }
      }
    }
    return l;
  }
}
