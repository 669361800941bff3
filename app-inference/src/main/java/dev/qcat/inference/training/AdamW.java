package dev.qcat.inference.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.io.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * AdamW on the gradients DJL autograd leaves on each parameter: Adam with bias correction and
 * decoupled weight decay.
 *
 * <p>Reference: Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay Regularization",
 * arXiv:1711.05101, Algorithm 2; Kingma &amp; Ba 2015, arXiv:1412.6980. Matches PyTorch {@code
 * torch.optim.AdamW} (non-amsgrad): p ← p·(1 − lr·λ); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 −
 * β2)·g²; p ← p − lr·(m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε).
 *
 * <p>Life cycle: one instance per training run; the moment estimates live in the parameters'
 * managers and are freed with them. {@link #state()} and {@link #loadState} make a checkpoint
 * resume exactly. Gradients accumulate across backward calls (PyTorch semantics) until {@link
 * #zeroGrad()}.
 */
public final class AdamW {

  private final Map<String, NDArray> params;
  private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
  private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private long steps;

  /**
   * @param params parameters by name, float32, each requiring a gradient; the optimizer keeps the
   *     map's order
   * @param beta1 decay of the first moment, in [0, 1)
   * @param beta2 decay of the second moment, in [0, 1)
   * @param eps added to the denominator, &gt; 0
   * @param weightDecay decoupled weight decay λ, ≥ 0
   * @throws IllegalArgumentException if a hyperparameter is out of range
   */
  public AdamW(
      Map<String, NDArray> params, double beta1, double beta2, double eps, double weightDecay) {
    this.params = new LinkedHashMap<>(Objects.requireNonNull(params, "params are required."));
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException(
          "expected betas in [0, 1) but got " + beta1 + ", " + beta2);
    }
    if (!(eps > 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(
          "expected eps > 0 and weightDecay >= 0 but got " + eps + ", " + weightDecay);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    for (Map.Entry<String, NDArray> e : this.params.entrySet()) {
      NDArray p = e.getValue();
      expAvg.put(e.getKey(), p.getManager().zeros(p.getShape(), DataType.FLOAT32));
      expAvgSq.put(e.getKey(), p.getManager().zeros(p.getShape(), DataType.FLOAT32));
    }
  }

  /**
   * Scales all gradients so that their global L2 norm is at most {@code maxNorm} (PyTorch {@code
   * clip_grad_norm_}).
   *
   * @param maxNorm largest allowed norm, &gt; 0; {@code +∞} only measures
   * @return the global norm before clipping
   */
  public double clipGradNorm(double maxNorm) {
    double sumSq = 0;
    try (NDScope scope = new NDScope()) {
      for (NDArray p : params.values()) {
        NDArray g = p.getGradient();
        sumSq += g.toType(DataType.FLOAT64, false).square().sum().getDouble();
      }
      double norm = Math.sqrt(sumSq);
      if (norm > maxNorm && Double.isFinite(maxNorm)) {
        float scale = (float) (maxNorm / (norm + 1e-6));
        for (NDArray p : params.values()) {
          p.getGradient().muli(scale);
        }
      }
      return norm;
    }
  }

  /**
   * One update of every parameter from its gradient.
   *
   * @param lr learning rate of this step, ≥ 0
   */
  public void step(double lr) {
    steps++;
    double bc1 = 1 - Math.pow(beta1, steps);
    double bc2 = 1 - Math.pow(beta2, steps);
    try (NDScope scope = new NDScope()) {
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray p = e.getValue();
        NDArray g = p.getGradient();
        NDArray m = expAvg.get(e.getKey());
        NDArray v = expAvgSq.get(e.getKey());
        if (weightDecay > 0) {
          p.muli((float) (1 - lr * weightDecay));
        }
        m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
        v.muli((float) beta2).addi(g.square().mul((float) (1 - beta2)));
        NDArray denom = v.div((float) bc2).sqrt().add((float) eps);
        p.subi(m.div(denom).mul((float) (lr / bc1)));
      }
    }
  }

  /** Sets every gradient to zero. */
  public void zeroGrad() {
    try (NDScope scope = new NDScope()) {
      for (NDArray p : params.values()) {
        p.getGradient().muli(0f);
      }
    }
  }

  /**
   * @return optimizer steps taken so far
   */
  public long steps() {
    return steps;
  }

  /**
   * The moment estimates, for a checkpoint.
   *
   * @return {@code exp_avg/NAME} and {@code exp_avg_sq/NAME} for every parameter, float32. Never
   *     null.
   */
  public Map<String, FloatTensor> state() {
    Map<String, FloatTensor> s = new LinkedHashMap<>();
    for (String k : params.keySet()) {
      NDArray m = expAvg.get(k);
      NDArray v = expAvgSq.get(k);
      s.put("exp_avg/" + k, new FloatTensor(m.getShape().getShape(), m.toFloatArray()));
      s.put("exp_avg_sq/" + k, new FloatTensor(v.getShape().getShape(), v.toFloatArray()));
    }
    return s;
  }

  /**
   * Restores the moment estimates and the step count from a checkpoint.
   *
   * @param state as written by {@link #state()}
   * @param steps the step count at that checkpoint
   * @throws IllegalArgumentException if a tensor is missing or has the wrong shape
   */
  public void loadState(Map<String, FloatTensor> state, long steps) {
    for (String k : params.keySet()) {
      copy(state, "exp_avg/" + k, expAvg.get(k));
      copy(state, "exp_avg_sq/" + k, expAvgSq.get(k));
    }
    this.steps = steps;
  }

  private static void copy(Map<String, FloatTensor> state, String key, NDArray into) {
    FloatTensor t = state.get(key);
    if (t == null || !new Shape(t.shape()).equals(into.getShape())) {
      throw new IllegalArgumentException(
          "optimizer state "
              + key
              + (t == null ? " is missing" : " has shape " + new Shape(t.shape()))
              + " (expected "
              + into.getShape()
              + ")");
    }
    into.set(t.data());
  }
}
