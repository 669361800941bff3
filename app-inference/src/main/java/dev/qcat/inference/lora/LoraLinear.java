package dev.qcat.inference.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import dev.qcat.inference.model.Linear;
import dev.qcat.inference.model.Scalars;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A frozen linear layer {@code y = x·Wᵀ + b} with a trainable low-rank update: {@code y = x·Wᵀ + b
 * + scaling · dropout(x)·Aᵀ·Bᵀ}, {@code scaling = alpha / r}, {@code A} of shape (r, in), {@code B}
 * of shape (out, r).
 *
 * <p>Reference: Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models",
 * arXiv:2106.09685, eq. (3); PEFT {@code tuners/lora/layer.py} ({@code Linear.forward}, {@code
 * reset_lora_parameters}, {@code get_delta_weight}). As in PEFT, {@code A} starts Kaiming-uniform
 * ({@code kaiming_uniform_(a=sqrt(5))}, i.e. U(-1/√in, 1/√in)) and {@code B} starts at zero, so a
 * fresh adapter leaves the output unchanged.
 *
 * <p>Life cycle: build with {@link #create} (fresh adapter) or the constructor (loaded adapter);
 * train {@link #loraA()} and {@link #loraB()} (they require gradients; {@code W} and {@code b} do
 * not); {@link #merge()} folds the update into {@code W} for serving and {@link #unmerge()} takes
 * it out again. All arrays live in the managers they were created in; this class closes none of
 * them. Every array is float32.
 *
 * <p>It is a {@link Linear}, so it can stand in for any projection of the model ({@code qProj} …
 * {@code downProj}); {@link #forward(NDArray)} runs in the mode set by {@link #setTraining}.
 */
public final class LoraLinear extends Linear {

  private final NDArray loraA;
  private final NDArray loraB;
  private final int r;
  private final double alpha;
  private final double dropout;
  private boolean merged;
  private boolean training;

  /**
   * Wraps a base layer and existing LoRA matrices (e.g. loaded from an adapter file).
   *
   * @param weight base weight W, shape (out, in), float32; frozen. Merging changes it in place.
   * @param bias base bias b, shape (out), float32, or null for none
   * @param loraA A, shape (r, in), float32
   * @param loraB B, shape (out, r), float32
   * @param alpha scaling numerator, &gt; 0
   * @param dropout dropout probability on the LoRA path, fraction in [0, 1)
   * @throws IllegalArgumentException if a shape or dtype does not match, or alpha/dropout are out
   *     of range
   */
  public LoraLinear(
      NDArray weight, NDArray bias, NDArray loraA, NDArray loraB, double alpha, double dropout) {
    super(weight, bias);
    requireFloat32("weight", weight);
    if (bias != null) {
      requireFloat32("bias", bias);
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("expected alpha > 0 and finite but alpha=" + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("expected dropout in [0, 1) but dropout=" + dropout);
    }
    this.alpha = alpha;
    this.dropout = dropout;
    this.r = checkLora(loraA, loraB);
    this.loraA = loraA;
    this.loraB = loraB;
    loraA.setRequiresGradient(true);
    loraB.setRequiresGradient(true);
  }

  /**
   * A fresh adapter on a base layer: A Kaiming-uniform U(-1/√in, 1/√in) from {@code seed}, B zero.
   *
   * @param manager manager that will own A and B
   * @param weight base weight W, shape (out, in), float32
   * @param bias base bias b, shape (out), float32, or null
   * @param config rank, alpha and dropout
   * @param seed seed of A's initialisation; the same seed gives the same A
   * @return the layer, unmerged. Never null.
   */
  public static LoraLinear create(
      NDManager manager, NDArray weight, NDArray bias, LoraConfig config, long seed) {
    Objects.requireNonNull(config, "config is required.");
    Shape w = weight.getShape();
    int out = Math.toIntExact(w.get(0));
    int in = Math.toIntExact(w.get(1));
    NDArray a = manager.create(kaimingUniformA(config.r(), in, seed), new Shape(config.r(), in));
    NDArray b = manager.zeros(new Shape(out, config.r()), DataType.FLOAT32);
    return new LoraLinear(weight, bias, a, b, config.alpha(), config.dropout());
  }

  /**
   * PEFT's initialisation of {@code lora_A}: {@code nn.init.kaiming_uniform_(A, a=math.sqrt(5))},
   * whose bound is gain·√(3/fan_in) with gain = √(2/(1+a²)) = √(1/3), i.e. 1/√in.
   *
   * @param r rows (rank)
   * @param in columns (input features); fan_in of A
   * @param seed random seed
   * @return r·in values, row-major. Never null.
   */
  static float[] kaimingUniformA(int r, int in, long seed) {
    double bound = 1.0 / Math.sqrt(in);
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[r * in];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return values;
  }

  /**
   * Forward pass in the current mode ({@link #setTraining}); this is what the model's layers call.
   *
   * @param x input, shape (..., in), float32
   * @return output, shape (..., out), float32, attached to {@code x}'s manager. Never null.
   * @throws IllegalArgumentException if {@code x.getShape().getLastDimension() != in}
   * @throws IllegalStateException if training while merged
   */
  @Override
  public NDArray forward(NDArray x) {
    return forward(x, training);
  }

  /**
   * Forward pass. Unmerged: {@code x·Wᵀ + b + scaling · dropout(x)·Aᵀ·Bᵀ}; merged: {@code x·Wᵀ + b}
   * with the update already inside {@code W}.
   *
   * @param x input, shape (..., in), float32
   * @param training whether dropout is active (engine RNG; seed it with {@code
   *     Engine.setRandomSeed} for reproducible runs)
   * @return output, shape (..., out), float32, attached to {@code x}'s manager. Never null.
   * @throws IllegalArgumentException if {@code x.getShape().getLastDimension() != in}
   * @throws IllegalStateException if training while merged
   */
  public NDArray forward(NDArray x, boolean training) {
    NDArray base = super.forward(x);
    if (merged) {
      if (training) {
        throw new IllegalStateException("cannot train a merged LoRA layer; unmerge() first");
      }
      return base;
    }
    NDArray dropped =
        training && dropout > 0 ? Dropout.dropout(x, (float) dropout, true).get(0) : x;
    // (..., in) -> (..., r) -> (..., out)
    NDArray down = dropped.getNDArrayInternal().linear(dropped, loraA, null).singletonOrThrow();
    NDArray update = down.getNDArrayInternal().linear(down, loraB, null).singletonOrThrow();
    return base.add(Scalars.mul(update, (float) scaling()));
  }

  /**
   * Sets the mode {@link #forward(NDArray)} runs in, as PyTorch's {@code module.train()}.
   *
   * @param training true: dropout on the LoRA path is active; false: evaluation
   */
  public void setTraining(boolean training) {
    this.training = training;
  }

  /**
   * @return whether {@link #forward(NDArray)} runs in training mode
   */
  public boolean isTraining() {
    return training;
  }

  /**
   * The update the adapter adds to W: {@code scaling · B·A} (PEFT {@code get_delta_weight}).
   *
   * @return a new array, shape (out, in), float32, in A's manager. Never null.
   */
  public NDArray deltaWeight() {
    return Scalars.mul(loraB.matMul(loraA), (float) scaling());
  }

  /**
   * Folds the update into the base weight in place: {@code W ← W + scaling·B·A}. A no-op when
   * already merged.
   */
  public void merge() {
    if (merged) {
      return;
    }
    try (NDArray delta = deltaWeight()) {
      weight().addi(delta);
    }
    merged = true;
  }

  /**
   * Takes the update out of the base weight in place: {@code W ← W − scaling·B·A}. Exact up to
   * float32 rounding. A no-op when not merged.
   */
  public void unmerge() {
    if (!merged) {
      return;
    }
    try (NDArray delta = deltaWeight()) {
      weight().subi(delta);
    }
    merged = false;
  }

  /**
   * Replaces A and B (e.g. with loaded or checkpointed values) by copying into the current arrays.
   *
   * @param a new A, shape (r, in), float32
   * @param b new B, shape (out, r), float32
   * @throws IllegalArgumentException if a shape differs from the current one
   * @throws IllegalStateException if merged
   */
  public void setLoraWeights(NDArray a, NDArray b) {
    if (merged) {
      throw new IllegalStateException("cannot replace LoRA weights while merged; unmerge() first");
    }
    if (!a.getShape().equals(loraA.getShape()) || !b.getShape().equals(loraB.getShape())) {
      throw new IllegalArgumentException(
          "expected A "
              + loraA.getShape()
              + " and B "
              + loraB.getShape()
              + " but got "
              + a.getShape()
              + " and "
              + b.getShape());
    }
    loraA.set(a.toType(DataType.FLOAT32, false).toFloatArray());
    loraB.set(b.toType(DataType.FLOAT32, false).toFloatArray());
  }

  private int checkLora(NDArray a, NDArray b) {
    Objects.requireNonNull(a, "loraA is required.");
    Objects.requireNonNull(b, "loraB is required.");
    requireFloat32("loraA", a);
    requireFloat32("loraB", b);
    Shape sa = a.getShape();
    Shape sb = b.getShape();
    if (sa.dimension() != 2 || sb.dimension() != 2) {
      throw new IllegalArgumentException("expected 2-D A and B but got " + sa + " and " + sb);
    }
    if (sa.get(0) < 1) {
      throw new IllegalArgumentException("expected rank r >= 1 but A has shape " + sa);
    }
    if (sa.get(1) != inFeatures()) {
      throw new IllegalArgumentException(
          "expected A with in=" + inFeatures() + " columns but got shape " + sa);
    }
    if (sb.get(0) != outFeatures() || sb.get(1) != sa.get(0)) {
      throw new IllegalArgumentException(
          "expected B of shape (" + outFeatures() + ", " + sa.get(0) + ") but got " + sb);
    }
    return Math.toIntExact(sa.get(0));
  }

  private static void requireFloat32(String name, NDArray array) {
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "expected " + name + " in float32 but got " + array.getDataType());
    }
  }

  /**
   * @return A, shape (r, in), float32, requires gradient. Never null.
   */
  public NDArray loraA() {
    return loraA;
  }

  /**
   * @return B, shape (out, r), float32, requires gradient. Never null.
   */
  public NDArray loraB() {
    return loraB;
  }

  /**
   * @return rank r
   */
  public int r() {
    return r;
  }

  /**
   * @return alpha
   */
  public double alpha() {
    return alpha;
  }

  /**
   * @return dropout probability on the LoRA path, fraction in [0, 1)
   */
  public double dropout() {
    return dropout;
  }

  /**
   * @return {@code alpha / r}
   */
  public double scaling() {
    return alpha / r;
  }

  /**
   * @return whether the update is currently folded into W
   */
  public boolean isMerged() {
    return merged;
  }
}
