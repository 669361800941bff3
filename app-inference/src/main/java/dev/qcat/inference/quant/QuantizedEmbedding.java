package dev.qcat.inference.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.model.Linear;
import dev.qcat.inference.model.Qwen2Model;
import java.util.Objects;

/**
 * The token embedding held in a GGML block format: a lookup decodes only the rows of the requested
 * tokens, and the LM head is a {@link QuantizedLinear} over the same matrix when embeddings are
 * tied (one resident copy serves both, as llama.cpp reuses {@code token_embd} for the output).
 */
public final class QuantizedEmbedding implements Qwen2Model.TokenEmbedding {

  private final QuantizedMatrix embedTokens;
  private final Linear lmHead;

  /**
   * @param embedTokens the embedding, shape (V, hiddenSize)
   * @param lmHead a separate quantized LM head (V, hiddenSize), or null to tie it to {@code
   *     embedTokens}
   */
  public QuantizedEmbedding(QuantizedMatrix embedTokens, QuantizedMatrix lmHead) {
    this.embedTokens = Objects.requireNonNull(embedTokens, "embedTokens is required.");
    QuantizedMatrix head = lmHead == null ? embedTokens : lmHead;
    this.lmHead =
        head.type() == QuantType.Q8_0 ? new Int8Linear(head, null) : new Q4Linear(head, null);
  }

  /**
   * @param type block format
   * @return a factory for {@link Qwen2Model#fromTensors(dev.qcat.inference.model.Qwen2Config,
   *     java.util.function.Function, Qwen2Model.Backend, Qwen2Model.ProjectionFactory,
   *     Qwen2Model.EmbeddingFactory)} that quantizes the embedding (and an untied LM head). Never
   *     null.
   */
  public static Qwen2Model.EmbeddingFactory factory(QuantType type) {
    Objects.requireNonNull(type, "type is required.");
    return (embed, head) ->
        new QuantizedEmbedding(
            quantize("model.embed_tokens.weight", embed, type),
            head == null ? null : quantize("lm_head.weight", head, type));
  }

  private static QuantizedMatrix quantize(String name, FloatTensor t, QuantType type) {
    return QuantizedMatrix.quantize(name, t.shape(), t.data(), type);
  }

  /**
   * @param ids token ids, shape (B, T), int64, each in [0, V)
   * @return rows, shape (B, T, hiddenSize), float32, attached to {@code ids}' manager. Never null.
   * @throws IllegalArgumentException if an id is outside [0, V)
   */
  @Override
  public NDArray lookup(NDArray ids) {
    long[] id = ids.toType(DataType.INT64, false).toLongArray();
    int h = embedTokens.cols();
    float[] out = new float[id.length * h];
    float[] row = new float[h];
    for (int i = 0; i < id.length; i++) {
      if (id[i] < 0 || id[i] >= embedTokens.rows()) {
        throw new IllegalArgumentException(
            "token id " + id[i] + " is outside the vocabulary [0, " + embedTokens.rows() + ")");
      }
      embedTokens.dequantizeRows((int) id[i], 1, row);
      System.arraycopy(row, 0, out, i * h, h);
    }
    long[] dims = ids.getShape().getShape();
    long[] shape = java.util.Arrays.copyOf(dims, dims.length + 1);
    shape[dims.length] = h;
    return ids.getManager().create(out, new Shape(shape));
  }

  @Override
  public Linear lmHead() {
    return lmHead;
  }

  /**
   * @return the quantized embedding, shape (V, hiddenSize). Never null.
   */
  public QuantizedMatrix matrix() {
    return embedTokens;
  }
}
