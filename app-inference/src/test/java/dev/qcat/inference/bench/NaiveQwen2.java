package dev.qcat.inference.bench;

import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.model.Qwen2Config;
import java.util.Map;

/**
 * A naive float64 Qwen2 forward pass for one unpadded sequence, written straight from HF {@code
 * modeling_qwen2} with plain loops: the control implementation (as in Jlama's tests) that tells
 * whether a disagreement with llama.cpp lies in the GGUF export or in qcat's optimised forward
 * pass. Slow; for tiny configurations only.
 *
 * <p>Per layer: x += o_proj(attn(rope(q_proj(rms(x))), rope(k_proj(rms(x))), v_proj(rms(x)))); x +=
 * down_proj(silu(gate_proj(rms(x))) * up_proj(rms(x))). RoPE in the NeoX / {@code rotate_half}
 * layout, θ_i = ropeTheta^(-2i/headDim); grouped-query attention, query head h reads key/value head
 * h / (numAttentionHeads / numKeyValueHeads); causal softmax scaled by 1/sqrt(headDim).
 */
final class NaiveQwen2 {

  private final Qwen2Config c;
  private final Map<String, FloatTensor> w;

  NaiveQwen2(Qwen2Config config, Map<String, FloatTensor> weights) {
    this.c = config;
    this.w = weights;
  }

  private float[] weight(String pattern, int layer) {
    return w.get(CheckpointKeys.layer(pattern, layer)).data();
  }

  /**
   * @param tokens token ids, length T ≥ 1
   * @return natural-log probabilities over the vocabulary at the last position, float64, length
   *     vocabSize
   */
  double[] lastPositionLogProbs(int[] tokens) {
    int T = tokens.length; // sequence length
    int H = c.hiddenSize();
    int nH = c.numAttentionHeads();
    int nKv = c.numKeyValueHeads();
    int hd = c.headDim();
    float[] embed = w.get(CheckpointKeys.EMBED_TOKENS).data();
    double[][] x = new double[T][H];
    for (int t = 0; t < T; t++) {
      for (int i = 0; i < H; i++) {
        x[t][i] = embed[tokens[t] * H + i];
      }
    }
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      double[][] q = new double[T][];
      double[][] k = new double[T][];
      double[][] v = new double[T][];
      for (int t = 0; t < T; t++) {
        double[] h = rmsNorm(x[t], weight(CheckpointKeys.INPUT_LAYERNORM, l));
        q[t] =
            linear(
                h, weight(CheckpointKeys.Q_PROJ_WEIGHT, l), weight(CheckpointKeys.Q_PROJ_BIAS, l));
        k[t] =
            linear(
                h, weight(CheckpointKeys.K_PROJ_WEIGHT, l), weight(CheckpointKeys.K_PROJ_BIAS, l));
        v[t] =
            linear(
                h, weight(CheckpointKeys.V_PROJ_WEIGHT, l), weight(CheckpointKeys.V_PROJ_BIAS, l));
        rope(q[t], nH, hd, t);
        rope(k[t], nKv, hd, t);
      }
      for (int t = 0; t < T; t++) {
        double[] attn = new double[nH * hd];
        for (int head = 0; head < nH; head++) {
          int kvHead = head / (nH / nKv);
          double[] scores = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int s = 0; s <= t; s++) {
            double dot = 0;
            for (int i = 0; i < hd; i++) {
              dot += q[t][head * hd + i] * k[s][kvHead * hd + i];
            }
            scores[s] = dot / Math.sqrt(hd);
            max = Math.max(max, scores[s]);
          }
          double sum = 0;
          for (int s = 0; s <= t; s++) {
            scores[s] = Math.exp(scores[s] - max);
            sum += scores[s];
          }
          for (int s = 0; s <= t; s++) {
            for (int i = 0; i < hd; i++) {
              attn[head * hd + i] += scores[s] / sum * v[s][kvHead * hd + i];
            }
          }
        }
        double[] o = linear(attn, weight(CheckpointKeys.O_PROJ_WEIGHT, l), null);
        for (int i = 0; i < H; i++) {
          x[t][i] += o[i];
        }
        double[] h = rmsNorm(x[t], weight(CheckpointKeys.POST_ATTENTION_LAYERNORM, l));
        double[] gate = linear(h, weight(CheckpointKeys.GATE_PROJ_WEIGHT, l), null);
        double[] up = linear(h, weight(CheckpointKeys.UP_PROJ_WEIGHT, l), null);
        for (int i = 0; i < gate.length; i++) {
          gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        double[] down = linear(gate, weight(CheckpointKeys.DOWN_PROJ_WEIGHT, l), null);
        for (int i = 0; i < H; i++) {
          x[t][i] += down[i];
        }
      }
    }
    double[] last = rmsNorm(x[T - 1], w.get(CheckpointKeys.NORM).data());
    float[] head =
        w.get(c.tieWordEmbeddings() ? CheckpointKeys.EMBED_TOKENS : CheckpointKeys.LM_HEAD).data();
    double[] logits = linear(last, head, null);
    double max = Double.NEGATIVE_INFINITY;
    for (double z : logits) {
      max = Math.max(max, z);
    }
    double sum = 0;
    for (double z : logits) {
      sum += Math.exp(z - max);
    }
    double logZ = max + Math.log(sum);
    for (int i = 0; i < logits.length; i++) {
      logits[i] -= logZ;
    }
    return logits;
  }

  private double[] rmsNorm(double[] x, float[] weight) {
    double ms = 0;
    for (double v : x) {
      ms += v * v;
    }
    double scale = 1 / Math.sqrt(ms / x.length + c.rmsNormEps());
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] * scale * weight[i];
    }
    return y;
  }

  /** y = W x + b with W stored [out, in] row-major. */
  private static double[] linear(double[] x, float[] weight, float[] bias) {
    int in = x.length;
    int out = weight.length / in;
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double acc = bias == null ? 0 : bias[o];
      for (int i = 0; i < in; i++) {
        acc += weight[o * in + i] * x[i];
      }
      y[o] = acc;
    }
    return y;
  }

  /** NeoX rotary embedding in place: pairs (i, i + hd/2) of each head rotate by pos * θ_i. */
  private void rope(double[] x, int heads, int hd, int pos) {
    int half = hd / 2;
    for (int head = 0; head < heads; head++) {
      int base = head * hd;
      for (int i = 0; i < half; i++) {
        double theta = pos * Math.pow(c.ropeTheta(), -2.0 * i / hd);
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double a = x[base + i];
        double b = x[base + i + half];
        x[base + i] = a * cos - b * sin;
        x[base + i + half] = b * cos + a * sin;
      }
    }
  }
}
