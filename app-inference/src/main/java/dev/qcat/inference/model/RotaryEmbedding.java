package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding in the NeoX / HF {@code rotate_half} layout: dimension i of a head is
 * paired with dimension i + headDim/2, rotated by angle position · θ^(−2i/headDim).
 *
 * <p>Reference: Su et al. 2021, RoFormer, arXiv:2104.09864; HF {@code
 * modeling_qwen2.Qwen2RotaryEmbedding} and {@code apply_rotary_pos_emb}. Angles, cos and sin are
 * computed in float64 in Java and rounded once to float32 (HF computes the angle in float32; the
 * difference is below 1e-6 for positions under 32k).
 */
public final class RotaryEmbedding {

  private final int headDim;
  private final double[] invFreq;

  /**
   * @param headDim width of one head; even
   * @param theta base θ ({@code rope_theta})
   */
  public RotaryEmbedding(int headDim, double theta) {
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("headDim=" + headDim + " (expected even)");
    }
    this.headDim = headDim;
    this.invFreq = new double[headDim / 2];
    for (int i = 0; i < headDim / 2; i++) {
      invFreq[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
    }
  }

  /**
   * cos and sin tables for the given positions.
   *
   * @param manager manager of the returned arrays
   * @param positions position of each token, row-major (B, T), in tokens from the sequence start
   * @param batch B
   * @param time T
   * @return {cos, sin}, each shape (B, 1, T, headDim), float32 (broadcast over heads)
   */
  public NDArray[] cosSin(NDManager manager, int[] positions, int batch, int time) {
    int half = headDim / 2;
    float[] cos = new float[positions.length * headDim];
    float[] sin = new float[positions.length * headDim];
    for (int p = 0; p < positions.length; p++) {
      int base = p * headDim;
      for (int i = 0; i < half; i++) {
        double angle = positions[p] * invFreq[i];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        // emb = cat(freqs, freqs): dims i and i + half share an angle
        cos[base + i] = c;
        cos[base + half + i] = c;
        sin[base + i] = s;
        sin[base + half + i] = s;
      }
    }
    Shape shape = new Shape(batch, 1, time, headDim);
    return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
  }

  /**
   * Applies the rotation: x·cos + rotate_half(x)·sin, with rotate_half(x) = cat(−x₂, x₁).
   *
   * @param x queries or keys, shape (B, nH, T, headDim), float32
   * @param cos from {@link #cosSin}, shape (B, 1, T, headDim)
   * @param sin from {@link #cosSin}, shape (B, 1, T, headDim)
   * @return same shape as {@code x}, attached to {@code x}'s manager
   */
  public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    long half = x.getShape().getLastDimension() / 2;
    NDArray x1 = x.get("..., :" + half);
    NDArray x2 = x.get("..., " + half + ":");
    NDArray rotated = NDArrays.concat(new ai.djl.ndarray.NDList(x2.neg(), x1), -1);
    return x.mul(cos).add(rotated.mul(sin));
  }

  /**
   * @return the width of one head this embedding rotates
   */
  public int headDim() {
    return headDim;
  }
}
