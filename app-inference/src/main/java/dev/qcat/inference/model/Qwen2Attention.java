package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Grouped-query self-attention with q/k/v biases, rotary embedding and a KV cache.
 *
 * <p>Reference: Ainslie et al. 2023, GQA, arXiv:2305.13245; HF {@code
 * modeling_qwen2.Qwen2Attention} ({@code repeat_kv}, {@code eager_attention_forward}). Shapes: B
 * batch, T new tokens, S cached + new tokens, nH query heads, nKV key/value heads, hd head width.
 */
public final class Qwen2Attention {

  private final int numHeads;
  private final int numKeyValueHeads;
  private final int headDim;
  private final float scaling;
  private final Linear qProj;
  private final Linear kProj;
  private final Linear vProj;
  private final Linear oProj;

  /**
   * @param config the model configuration
   * @param qProj (nH·hd, hiddenSize) with bias
   * @param kProj (nKV·hd, hiddenSize) with bias
   * @param vProj (nKV·hd, hiddenSize) with bias
   * @param oProj (hiddenSize, nH·hd), no bias
   */
  public Qwen2Attention(
      Qwen2Config config, Linear qProj, Linear kProj, Linear vProj, Linear oProj) {
    this.numHeads = config.numAttentionHeads();
    this.numKeyValueHeads = config.numKeyValueHeads();
    this.headDim = config.headDim();
    this.scaling = (float) (1.0 / Math.sqrt(headDim));
    this.qProj = qProj;
    this.kProj = kProj;
    this.vProj = vProj;
    this.oProj = oProj;
  }

  /**
   * @param x normalized hidden states, shape (B, T, hiddenSize), float32
   * @param cos rotary table, shape (B, 1, T, hd)
   * @param sin rotary table, shape (B, 1, T, hd)
   * @param mask additive attention mask, shape (B, 1, T, S): 0 where allowed, a large negative
   *     number where not
   * @param cache keys and values of earlier tokens; this layer's new keys/values are appended
   * @param layer this layer's index in {@code cache}
   * @return shape (B, T, hiddenSize), float32, attached to {@code x}'s manager
   */
  public NDArray forward(
      NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache, int layer) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    // (B, T, nH*hd) -> (B, T, nH, hd) -> (B, nH, T, hd)
    NDArray q = qProj.forward(x).reshape(b, t, numHeads, headDim).transpose(0, 2, 1, 3);
    NDArray k = kProj.forward(x).reshape(b, t, numKeyValueHeads, headDim).transpose(0, 2, 1, 3);
    NDArray v = vProj.forward(x).reshape(b, t, numKeyValueHeads, headDim).transpose(0, 2, 1, 3);
    q = RotaryEmbedding.apply(q, cos, sin);
    k = RotaryEmbedding.apply(k, cos, sin);
    NDArray[] kv = cache.append(layer, k, v);
    NDArray keys = repeatKv(kv[0], numHeads / numKeyValueHeads);
    NDArray values = repeatKv(kv[1], numHeads / numKeyValueHeads);
    // (B, nH, T, hd) x (B, nH, hd, S) -> (B, nH, T, S); the product lands in q's manager
    NDArray scores = Scalars.mul(q.matMul(keys.transpose(0, 1, 3, 2)), scaling).add(mask);
    NDArray probs = scores.softmax(-1);
    // (B, nH, T, S) x (B, nH, S, hd) -> (B, nH, T, hd) -> (B, T, nH, hd) -> (B, T, nH*hd)
    NDArray out =
        probs.matMul(values).transpose(0, 2, 1, 3).reshape(b, t, (long) numHeads * headDim);
    return oProj.forward(out);
  }

  /**
   * Repeats each key/value head {@code groups} times so that query head h reads key/value head h /
   * groups, as HF {@code repeat_kv}.
   *
   * @param kv shape (B, nKV, S, hd)
   * @param groups query heads per key/value head
   * @return shape (B, nKV·groups, S, hd); {@code kv} itself when {@code groups == 1}. Attached to
   *     {@code kv}'s manager.
   */
  public static NDArray repeatKv(NDArray kv, int groups) {
    if (groups == 1) {
      return kv;
    }
    Shape s = kv.getShape();
    // (B, nKV, S, hd) -> (B, nKV, 1, S, hd) -> (B, nKV, groups, S, hd) -> (B, nKV*groups, S, hd)
    return kv.expandDims(2)
        .broadcast(new Shape(s.get(0), s.get(1), groups, s.get(2), s.get(3)))
        .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
  }

  /**
   * @return query projection. Never null.
   */
  public Linear qProj() {
    return qProj;
  }

  /**
   * @return key projection. Never null.
   */
  public Linear kProj() {
    return kProj;
  }

  /**
   * @return value projection. Never null.
   */
  public Linear vProj() {
    return vProj;
  }

  /**
   * @return output projection. Never null.
   */
  public Linear oProj() {
    return oProj;
  }
}
