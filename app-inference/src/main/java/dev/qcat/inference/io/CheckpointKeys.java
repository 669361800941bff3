package dev.qcat.inference.io;

import dev.qcat.inference.model.Qwen2Config;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tensor names of an HF Qwen2 checkpoint ({@code Qwen2ForCausalLM.state_dict()}), with the original
 * spelling, and the shape each must have for a given {@link Qwen2Config}.
 *
 * <p>Linear weights are stored {@code [out, in]} (PyTorch {@code nn.Linear}); q/k/v have biases,
 * o_proj and the MLP have none.
 */
public final class CheckpointKeys {

  /** Token embedding, shape [vocabSize, hiddenSize]. */
  public static final String EMBED_TOKENS = "model.embed_tokens.weight";

  /** Final RMSNorm weight, shape [hiddenSize]. */
  public static final String NORM = "model.norm.weight";

  /** LM head, shape [vocabSize, hiddenSize]; absent when {@code tie_word_embeddings}. */
  public static final String LM_HEAD = "lm_head.weight";

  /** Layer-indexed: RMSNorm before attention, shape [hiddenSize]. */
  public static final String INPUT_LAYERNORM = "model.layers.%d.input_layernorm.weight";

  /** Layer-indexed: query projection, shape [numAttentionHeads * headDim, hiddenSize]. */
  public static final String Q_PROJ_WEIGHT = "model.layers.%d.self_attn.q_proj.weight";

  /** Layer-indexed: query bias, shape [numAttentionHeads * headDim]. */
  public static final String Q_PROJ_BIAS = "model.layers.%d.self_attn.q_proj.bias";

  /** Layer-indexed: key projection, shape [numKeyValueHeads * headDim, hiddenSize]. */
  public static final String K_PROJ_WEIGHT = "model.layers.%d.self_attn.k_proj.weight";

  /** Layer-indexed: key bias, shape [numKeyValueHeads * headDim]. */
  public static final String K_PROJ_BIAS = "model.layers.%d.self_attn.k_proj.bias";

  /** Layer-indexed: value projection, shape [numKeyValueHeads * headDim, hiddenSize]. */
  public static final String V_PROJ_WEIGHT = "model.layers.%d.self_attn.v_proj.weight";

  /** Layer-indexed: value bias, shape [numKeyValueHeads * headDim]. */
  public static final String V_PROJ_BIAS = "model.layers.%d.self_attn.v_proj.bias";

  /**
   * Layer-indexed: attention output projection, shape [hiddenSize, numAttentionHeads * headDim].
   */
  public static final String O_PROJ_WEIGHT = "model.layers.%d.self_attn.o_proj.weight";

  /** Layer-indexed: RMSNorm before the MLP, shape [hiddenSize]. */
  public static final String POST_ATTENTION_LAYERNORM =
      "model.layers.%d.post_attention_layernorm.weight";

  /** Layer-indexed: SwiGLU gate, shape [intermediateSize, hiddenSize]. */
  public static final String GATE_PROJ_WEIGHT = "model.layers.%d.mlp.gate_proj.weight";

  /** Layer-indexed: SwiGLU up projection, shape [intermediateSize, hiddenSize]. */
  public static final String UP_PROJ_WEIGHT = "model.layers.%d.mlp.up_proj.weight";

  /** Layer-indexed: SwiGLU down projection, shape [hiddenSize, intermediateSize]. */
  public static final String DOWN_PROJ_WEIGHT = "model.layers.%d.mlp.down_proj.weight";

  private CheckpointKeys() {}

  /**
   * The shape a tensor must have, with the configuration values that determine it.
   *
   * @param shape dimensions, PyTorch order
   * @param because the configuration fields behind the shape, e.g. {@code "hidden_size=64"}
   */
  public record Expected(long[] shape, String because) {}

  /**
   * @param pattern a layer-indexed key such as {@link #Q_PROJ_WEIGHT}
   * @param layer layer index, from 0
   * @return the key of that layer. Never null.
   */
  public static String layer(String pattern, int layer) {
    return String.format(pattern, layer);
  }

  /**
   * Every tensor a checkpoint must hold for {@code config}, in HF {@code state_dict} order ({@code
   * lm_head.weight} only when embeddings are not tied).
   *
   * @param c the configuration
   * @return expected shapes by tensor name. Never null.
   */
  public static Map<String, Expected> expected(Qwen2Config c) {
    long h = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long im = c.intermediateSize();
    String hs = "hidden_size=" + h;
    String qs = "num_attention_heads*head_dim=" + q + ", hidden_size=" + h;
    String kvs =
        "num_key_value_heads*head_dim="
            + c.numKeyValueHeads()
            + "*"
            + c.headDim()
            + "="
            + kv
            + ", hidden_size="
            + h;
    String ims = "intermediate_size=" + im + ", hidden_size=" + h;
    Map<String, Expected> m = new LinkedHashMap<>();
    m.put(
        EMBED_TOKENS,
        new Expected(new long[] {c.vocabSize(), h}, "vocab_size=" + c.vocabSize() + ", " + hs));
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      m.put(layer(INPUT_LAYERNORM, i), new Expected(new long[] {h}, hs));
      m.put(layer(Q_PROJ_WEIGHT, i), new Expected(new long[] {q, h}, qs));
      m.put(layer(Q_PROJ_BIAS, i), new Expected(new long[] {q}, qs));
      m.put(layer(K_PROJ_WEIGHT, i), new Expected(new long[] {kv, h}, kvs));
      m.put(layer(K_PROJ_BIAS, i), new Expected(new long[] {kv}, kvs));
      m.put(layer(V_PROJ_WEIGHT, i), new Expected(new long[] {kv, h}, kvs));
      m.put(layer(V_PROJ_BIAS, i), new Expected(new long[] {kv}, kvs));
      m.put(layer(O_PROJ_WEIGHT, i), new Expected(new long[] {h, q}, qs));
      m.put(layer(POST_ATTENTION_LAYERNORM, i), new Expected(new long[] {h}, hs));
      m.put(layer(GATE_PROJ_WEIGHT, i), new Expected(new long[] {im, h}, ims));
      m.put(layer(UP_PROJ_WEIGHT, i), new Expected(new long[] {im, h}, ims));
      m.put(layer(DOWN_PROJ_WEIGHT, i), new Expected(new long[] {h, im}, ims));
    }
    m.put(NORM, new Expected(new long[] {h}, hs));
    if (!c.tieWordEmbeddings()) {
      m.put(
          LM_HEAD,
          new Expected(new long[] {c.vocabSize(), h}, "vocab_size=" + c.vocabSize() + ", " + hs));
    }
    return m;
  }
}
