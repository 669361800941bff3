package dev.qcat.inference.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.model.Linear;
import dev.qcat.inference.model.OpenBlasLinear;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * A linear layer y = x·Wᵀ + b served from a weight held only in a GGML block format ({@link
 * QuantizedMatrix}): no float32 copy of W stays resident. Each call decodes W a panel of {@code
 * panelRows} output rows at a time into a reused float32 scratch (per thread, {@value
 * #DEFAULT_SCRATCH_FLOATS} floats = 16 MiB unless {@code -Dqcat.quant.panelFloats} says otherwise;
 * the rows of a panel are decoded in parallel on the common fork-join pool; Q8_0 panels are decoded
 * by libtorch itself) and multiplies the panel in float32, so the arithmetic is float32 on the
 * dequantized weights (weight-only quantization; activations are not quantized, unlike llama.cpp's
 * Q8_0 kernels).
 *
 * <p>The GEMM ({@value #GEMM_PROPERTY}): {@code torch} (default) copies the panel into a libtorch
 * tensor and uses {@code matMul} on libtorch's threads; {@code openblas} calls OpenBLAS {@code
 * cblas_sgemm} straight into the output columns. Measured with {@code QuantKernelMicro} (test
 * sources) on 2 loaded cores: 4 MiB panels → 16 MiB panels cut the 0.5B LM head (8 rows × 151,936 ×
 * 896, Q8_0) from 6.3 s to 2.6 s (torch) and the MLP projection (64 × 4,864 × 896) from 317 to 120
 * ms; each call pays a fixed hand-off cost, so fewer, larger panels win.
 *
 * <p>Inference only: the result carries no autograd history. Subclasses {@link Int8Linear} and
 * {@link Q4Linear} fix the format.
 */
public abstract class QuantizedLinear extends Linear {

  /**
   * Target size of the per-thread dequantization scratch, in floats (4 MiB): about 5 panels per
   * layer at the 0.5B shapes. 256 KiB panels (≈ 70 small GEMMs per layer) were several times slower
   * at a 64-token prompt: each OpenBLAS call pays its thread hand-off.
   */
  static final int SCRATCH_FLOATS =
      Integer.getInteger("qcat.quant.panelFloats", QuantizedLinear.DEFAULT_SCRATCH_FLOATS);

  /** Default size of the per-thread scratch, in floats (16 MiB). */
  public static final int DEFAULT_SCRATCH_FLOATS = 1 << 22;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * Where the time of the quantized layers goes, summed over all of them and all threads since the
   * last {@link #reset()}: decoding blocks into float32 panels vs the sgemm calls. For benchmarks
   * ({@code qcat bench --quant}); two {@code System.nanoTime} reads per panel.
   */
  public static final class Profile {
    private static final java.util.concurrent.atomic.AtomicLong DECODE =
        new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong GEMM =
        new java.util.concurrent.atomic.AtomicLong();

    private Profile() {}

    /** Sets both sums to zero. */
    public static void reset() {
      DECODE.set(0);
      GEMM.set(0);
    }

    /**
     * @return time spent decoding weight blocks (and copying them for OpenBLAS), in nanoseconds
     */
    public static long decodeNanos() {
      return DECODE.get();
    }

    /**
     * @return time spent in OpenBLAS sgemm (and the bias), in nanoseconds
     */
    public static long gemmNanos() {
      return GEMM.get();
    }
  }

  private final QuantizedMatrix weight;
  private final float[] biasValues;
  private final int in;
  private final int out;
  private final int panelRows;

  /**
   * @param weight quantized weight, shape (out, in)
   * @param bias shape (out), float32, or null; kept as is
   * @throws IllegalStateException if OpenBLAS does not load on this platform
   */
  QuantizedLinear(QuantizedMatrix weight, NDArray bias) {
    super(weight.cols(), weight.rows(), bias);
    if (GEMM == Gemm.OPENBLAS && !OpenBlasLinear.isAvailable()) {
      throw new IllegalStateException(
          "quantized layers need the OpenBLAS native library, which does not load here");
    }
    this.weight = weight;
    this.in = weight.cols();
    this.out = weight.rows();
    this.biasValues = bias == null ? null : bias.toFloatArray();
    this.panelRows = Math.max(1, Math.min(out, SCRATCH_FLOATS / in));
  }

  /**
   * @return the quantized weight, shape (out, in). Never null.
   */
  public QuantizedMatrix quantizedWeight() {
    return weight;
  }

  /**
   * @param x input, shape (..., in), float32, on the CPU
   * @return shape (..., out), float32, attached to {@code x}'s manager; no autograd history
   * @throws IllegalArgumentException if the last dimension of {@code x} is not {@code in} or {@code
   *     x} is not float32
   */
  @Override
  public NDArray forward(NDArray x) {
    Shape s = x.getShape();
    if (s.getLastDimension() != in) {
      throw new IllegalArgumentException("expected input width " + in + " but got shape " + s);
    }
    if (x.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("expected float32 input but got " + x.getDataType());
    }
    long start = System.nanoTime();
    int rows = Math.toIntExact(s.size() / in);
    long[] dims = s.getShape().clone();
    dims[dims.length - 1] = out;
    if (GEMM == Gemm.TORCH) {
      return forwardTorch(x, rows, new Shape(dims), start);
    }
    NDArray y = x.getManager().create(new Shape(dims), DataType.FLOAT32);
    FloatBuffer xb = x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer yb = y.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Scratch scratch = SCRATCH.get().ensure(panelRows * in);
    long decode = 0;
    long t0 = System.nanoTime();
    for (int o0 = 0; o0 < out; o0 += panelRows) {
      int n = Math.min(panelRows, out - o0);
      weight.dequantizeRows(o0, n, scratch.heap);
      scratch.direct.put(0, scratch.heap, 0, n * in);
      long t1 = System.nanoTime();
      decode += t1 - t0;
      t0 = t1;
      FloatBuffer yPanel = yb.duplicate().position(o0).slice(); // y[:, o0:o0+n], stride out
      // row-major: y[:, o0:o0+n] (rows, n) = x (rows, in) · Wpanel (n, in)ᵀ
      openblas_nolapack.cblas_sgemm(
          openblas_nolapack.CblasRowMajor,
          openblas_nolapack.CblasNoTrans,
          openblas_nolapack.CblasTrans,
          rows,
          n,
          in,
          1f,
          xb,
          in,
          scratch.direct,
          in,
          0f,
          yPanel,
          out);
      t0 = System.nanoTime();
    }
    if (biasValues != null) {
      float[] row = new float[out];
      for (int r = 0; r < rows; r++) {
        yb.get(r * out, row);
        for (int o = 0; o < out; o++) {
          row[o] += biasValues[o];
        }
        yb.put(r * out, row);
      }
    }
    long total = System.nanoTime() - start;
    Profile.DECODE.addAndGet(decode);
    Profile.GEMM.addAndGet(total - decode);
    return y;
  }

  /**
   * The libtorch path: each panel is decoded (rows split over the common fork-join pool) into the
   * reused float32 scratch, copied into a libtorch tensor and multiplied with {@code matMul} on
   * libtorch's own threads, so no second thread pool (OpenBLAS) competes with libtorch's for the
   * cores.
   */
  private NDArray forwardTorch(NDArray x, int rows, Shape outShape, long start) {
    NDManager manager = x.getManager();
    Scratch scratch = SCRATCH.get().ensure(panelRows * in);
    NDArray x2 = x.reshape(rows, in);
    NDList parts = new NDList();
    long decode = 0;
    boolean q8 = weight.type() == QuantType.Q8_0;
    for (int o0 = 0; o0 < out; o0 += panelRows) {
      int n = Math.min(panelRows, out - o0);
      long t0 = System.nanoTime();
      NDArray w;
      if (q8) {
        w = decodeQ8_0Panel(manager, scratch, o0, n);
      } else {
        decodeParallel(o0, n, scratch.heap);
        scratch.direct.put(0, scratch.heap, 0, n * in);
        w = manager.create(scratch.bytes(n * in), new Shape(n, in), DataType.FLOAT32);
      }
      decode += System.nanoTime() - t0;
      parts.add(x2.matMul(w.transpose()));
      w.close();
    }
    NDArray y = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
    if (parts.size() > 1) {
      parts.close();
    }
    if (bias() != null) {
      y.addi(bias());
    }
    NDArray result = y.reshape(outShape);
    Profile.DECODE.addAndGet(decode);
    Profile.GEMM.addAndGet(System.nanoTime() - start - decode);
    return result;
  }

  /**
   * Q8_0 panel decoded by libtorch: the int8 codes and the block scales are copied (bulk, no
   * per-value Java work) into direct buffers that become tensors; the int8 → float32 copy ({@code
   * copy_} through {@code set(":")}) and one broadcast multiply by the scales then run vectorized
   * on libtorch's threads, in place in the reused float32 scratch. The Java loop of {@link
   * QuantizedMatrix#dequantizeRows} does the same arithmetic (code · d in float32, so the values
   * are identical) about 5× slower at the 0.5B shapes (block decoding 2.6 s → 0.5 s per
   * classification, {@code qcat bench --quant}). A fresh float32 panel per call ({@code toType})
   * was as fast but raised resident memory by 450 MB, hence the in-place writes.
   *
   * @return the panel W[o0:o0+n], shape (n, in), float32, in {@code manager}; the caller closes it
   */
  private NDArray decodeQ8_0Panel(NDManager manager, Scratch scratch, int o0, int n) {
    int blocks = in / QuantizedMatrix.BLOCK;
    ByteBuffer codes = scratch.codes(n * in);
    ByteBuffer scaleBytes = scratch.scales(n * blocks);
    weight.copyQ8_0Rows(o0, n, codes, scaleBytes.asFloatBuffer());
    codes.flip();
    Shape blocked = new Shape(n, blocks, QuantizedMatrix.BLOCK);
    // the float32 panel aliases the reused scratch (no allocation per panel, so resident memory
    // stays flat): the int8 → float32 copy and the multiply by d both write into it in place
    NDArray w = manager.create(scratch.bytes(n * in), blocked, DataType.FLOAT32);
    try (NDArray q = manager.create(codes, blocked, DataType.INT8);
        NDArray d = manager.create(scaleBytes, new Shape(n, blocks, 1), DataType.FLOAT32)) {
      w.set(new NDIndex(":"), q);
      w.muli(d);
    }
    NDArray panel = w.reshape(n, in);
    w.close();
    return panel;
  }

  /** Rows decoded per fork-join task: about 64 KiB of float32 output. */
  private void decodeParallel(int firstRow, int count, float[] dst) {
    int chunk = Math.max(1, (1 << 14) / in);
    int tasks = (count + chunk - 1) / chunk;
    if (tasks == 1) {
      weight.dequantizeRows(firstRow, count, dst, 0);
      return;
    }
    java.util.stream.IntStream.range(0, tasks)
        .parallel()
        .forEach(
            t -> {
              int r0 = t * chunk;
              int c = Math.min(chunk, count - r0);
              weight.dequantizeRows(firstRow + r0, c, dst, r0 * in);
            });
  }

  /** Which GEMM multiplies the decoded panels. */
  enum Gemm {
    /** libtorch {@code matMul} on libtorch's threads (default). */
    TORCH,
    /** OpenBLAS {@code cblas_sgemm} straight into the output, on OpenBLAS's threads. */
    OPENBLAS
  }

  /** System property choosing the GEMM: {@code torch} (default) or {@code openblas}; read once. */
  public static final String GEMM_PROPERTY = "qcat.quant.gemm";

  static final Gemm GEMM =
      "openblas".equalsIgnoreCase(System.getProperty(GEMM_PROPERTY, "torch"))
          ? Gemm.OPENBLAS
          : Gemm.TORCH;

  /** A thread's dequantization buffers: heap for the decode loop, direct for OpenBLAS. */
  private static final class Scratch {
    float[] heap = new float[0];
    ByteBuffer bytes = ByteBuffer.allocateDirect(0);
    FloatBuffer direct = FloatBuffer.allocate(0);
    ByteBuffer codeBytes = ByteBuffer.allocateDirect(0);
    ByteBuffer scaleBytes = ByteBuffer.allocateDirect(0);

    /** A direct buffer for {@code n} int8 codes, position 0, limit n. */
    ByteBuffer codes(int n) {
      if (codeBytes.capacity() < n) {
        codeBytes = ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder());
      }
      ByteBuffer b = codeBytes.duplicate();
      b.position(0).limit(n);
      return b.slice().order(ByteOrder.nativeOrder());
    }

    /** A direct native-order buffer for {@code n} float32 scales, position 0, limit 4n. */
    ByteBuffer scales(int n) {
      if (scaleBytes.capacity() < n * Float.BYTES) {
        scaleBytes = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder());
      }
      ByteBuffer b = scaleBytes.duplicate();
      b.position(0).limit(n * Float.BYTES);
      return b.slice().order(ByteOrder.nativeOrder());
    }

    Scratch ensure(int floats) {
      if (heap.length < floats) {
        heap = new float[floats];
        bytes = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
        direct = bytes.asFloatBuffer();
      }
      return this;
    }

    /**
     * The first {@code floats} values as a direct, native-order ByteBuffer: DJL turns a direct
     * ByteBuffer into a tensor without staging it in a fresh direct buffer of its own (a
     * FloatBuffer would be, and those are freed only by the garbage collector, so a few hundred
     * panels a question piled up gigabytes of resident memory).
     */
    ByteBuffer bytes(int floats) {
      ByteBuffer b = bytes.duplicate();
      b.position(0).limit(floats * Float.BYTES);
      return b.slice().order(ByteOrder.nativeOrder());
    }
  }

  static QuantizedMatrix quantizeBase(String name, Linear base, QuantType type) {
    Objects.requireNonNull(base, "base layer is required.");
    NDArray w = Objects.requireNonNull(base.weight(), name + " has no float32 weight to quantize");
    return QuantizedMatrix.quantize(name, w.getShape().getShape(), w.toFloatArray(), type);
  }
}
