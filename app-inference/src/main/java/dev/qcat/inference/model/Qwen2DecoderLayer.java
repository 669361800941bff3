package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;

/**
 * One pre-norm decoder block: h = x + selfAttn(inputLayernorm(x)); y = h +
 * mlp(postAttentionLayernorm(h)).
 *
 * <p>Reference: HF {@code modeling_qwen2.Qwen2DecoderLayer}.
 */
public final class Qwen2DecoderLayer {

  private final RMSNorm inputLayernorm;
  private final Qwen2Attention selfAttn;
  private final RMSNorm postAttentionLayernorm;
  private final Qwen2MLP mlp;

  /**
   * @param inputLayernorm norm before attention
   * @param selfAttn attention
   * @param postAttentionLayernorm norm before the MLP
   * @param mlp SwiGLU MLP
   */
  public Qwen2DecoderLayer(
      RMSNorm inputLayernorm,
      Qwen2Attention selfAttn,
      RMSNorm postAttentionLayernorm,
      Qwen2MLP mlp) {
    this.inputLayernorm = inputLayernorm;
    this.selfAttn = selfAttn;
    this.postAttentionLayernorm = postAttentionLayernorm;
    this.mlp = mlp;
  }

  /**
   * @param x hidden states (B, T, hiddenSize), float32
   * @param cos rotary table (B, 1, T, hd)
   * @param sin rotary table (B, 1, T, hd)
   * @param mask additive mask (B, 1, T, S)
   * @param cache KV cache; this layer's keys/values are appended
   * @param layer this layer's index
   * @return (B, T, hiddenSize), float32, attached to {@code x}'s manager
   */
  public NDArray forward(
      NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache, int layer) {
    NDArray h = x.add(selfAttn.forward(inputLayernorm.forward(x), cos, sin, mask, cache, layer));
    return h.add(mlp.forward(postAttentionLayernorm.forward(h)));
  }

  /**
   * @return the attention block. Never null.
   */
  public Qwen2Attention selfAttn() {
    return selfAttn;
  }

  /**
   * @return the MLP block. Never null.
   */
  public Qwen2MLP mlp() {
    return mlp;
  }

  /**
   * @return the norm before attention. Never null.
   */
  public RMSNorm inputLayernorm() {
    return inputLayernorm;
  }

  /**
   * @return the norm before the MLP. Never null.
   */
  public RMSNorm postAttentionLayernorm() {
    return postAttentionLayernorm;
  }
}
