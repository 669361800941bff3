package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * A linear layer y = x·Wᵀ + b computed by OpenBLAS {@code cblas_sgemm} directly on the memory of
 * libtorch tensors: the weight is read where the model's NDArray keeps it (no copy), the input is
 * read in place (made contiguous if needed), and the result is written into a new uninitialized
 * NDArray. On this CPU OpenBLAS 0.3.31 runs the model's GEMMs about 2.3× faster than libtorch's
 * (../shared/REFERENCE.md).
 *
 * <p>For inference only: the result carries no autograd history, so training (and LoRA) use {@link
 * Linear}. Select it with {@link Qwen2Model.Backend#OPENBLAS}.
 */
public final class OpenBlasLinear extends Linear {

  private static final Object LOCK = new Object();
  private static volatile boolean loaded;

  private final FloatBuffer weightBuffer;
  private final float[] biasValues;
  private final int in;
  private final int out;

  /**
   * @param weight shape (out, in), float32, contiguous, on the CPU; must stay open as long as this
   *     layer is used
   * @param bias shape (out), float32, or null
   */
  public OpenBlasLinear(NDArray weight, NDArray bias) {
    super(weight, bias);
    if (weight.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "expected a float32 weight but got " + weight.getDataType());
    }
    ensureLoaded();
    this.in = Math.toIntExact(weight.getShape().get(1));
    this.out = Math.toIntExact(weight.getShape().get(0));
    this.weightBuffer = weight.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    if (weightBuffer.capacity() != (long) in * out) {
      throw new IllegalStateException(
          "weight is not contiguous: buffer holds " + weightBuffer.capacity() + " floats");
    }
    this.biasValues = bias == null ? null : bias.toFloatArray();
  }

  /**
   * Loads the OpenBLAS native library and sets its thread count.
   *
   * @param threads OpenBLAS threads (use the number of cores the process may use)
   */
  public static void setThreads(int threads) {
    ensureLoaded();
    org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
  }

  /**
   * @return whether the native library loads on this platform (it is packaged for linux-x86_64)
   */
  public static boolean isAvailable() {
    try {
      ensureLoaded();
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  private static void ensureLoaded() {
    if (!loaded) {
      synchronized (LOCK) {
        if (!loaded) {
          org.bytedeco.javacpp.Loader.load(openblas_nolapack.class);
          String threads = System.getProperty("qcat.openblas.threads");
          if (threads != null) {
            org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(
                Integer.parseInt(threads));
          }
          loaded = true;
        }
      }
    }
  }

  /**
   * @param x input, shape (..., in), float32, on the CPU
   * @return shape (..., out), float32, attached to {@code x}'s manager; no autograd history
   * @throws IllegalArgumentException if the last dimension of {@code x} is not {@code in}
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
    int rows = Math.toIntExact(s.size() / in);
    long[] dims = s.getShape().clone(); // getShape() exposes the internal array
    dims[dims.length - 1] = out;
    NDArray y = x.getManager().create(new Shape(dims), DataType.FLOAT32);
    FloatBuffer xb = x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer yb = y.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    float beta = 0f;
    if (biasValues != null) {
      for (int r = 0; r < rows; r++) {
        yb.put(r * out, biasValues);
      }
      beta = 1f;
    }
    // row-major: y (rows, out) = x (rows, in) · W (out, in)ᵀ + beta·y
    openblas_nolapack.cblas_sgemm(
        openblas_nolapack.CblasRowMajor,
        openblas_nolapack.CblasNoTrans,
        openblas_nolapack.CblasTrans,
        rows,
        out,
        in,
        1f,
        xb,
        in,
        weightBuffer,
        in,
        beta,
        yb,
        out);
    return y;
  }
}
