package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * SwiGLU feed-forward: downProj(silu(gateProj(x)) · upProj(x)), no biases.
 *
 * <p>Reference: Shazeer 2020, arXiv:2002.05202; HF {@code modeling_qwen2.Qwen2MLP}.
 */
public final class Qwen2MLP {

  private final Linear gateProj;
  private final Linear upProj;
  private final Linear downProj;

  /**
   * @param gateProj (intermediateSize, hiddenSize)
   * @param upProj (intermediateSize, hiddenSize)
   * @param downProj (hiddenSize, intermediateSize)
   */
  public Qwen2MLP(Linear gateProj, Linear upProj, Linear downProj) {
    this.gateProj = gateProj;
    this.upProj = upProj;
    this.downProj = downProj;
  }

  /**
   * @param x shape (B, T, hiddenSize), float32
   * @return shape (B, T, hiddenSize), float32, attached to {@code x}'s manager
   */
  public NDArray forward(NDArray x) {
    NDArray gate = gateProj.forward(x);
    // silu(g) = g * sigmoid(g)
    NDArray act = gate.mul(Activation.sigmoid(gate));
    return downProj.forward(act.mul(upProj.forward(x)));
  }

  /**
   * @return gate projection. Never null.
   */
  public Linear gateProj() {
    return gateProj;
  }

  /**
   * @return up projection. Never null.
   */
  public Linear upProj() {
    return upProj;
  }

  /**
   * @return down projection. Never null.
   */
  public Linear downProj() {
    return downProj;
  }
}
