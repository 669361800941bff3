package dev.qcat.inference.model;

import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import java.util.Map;

/**
 * A control implementation of the Qwen2 forward pass for tests: plain float64 loops over the
 * checkpoint's tensors, one sequence at a time, no cache, no DJL. Written from HF {@code
 * modeling_qwen2} independently of the NDArray code.
 */
final class NaiveQwen2 {

  private final Qwen2Config c;
  private final Map<String, FloatTensor> w;

  NaiveQwen2(Qwen2Config c, Map<String, FloatTensor> w) {
    this.c = c;
    this.w = w;
  }

  /** Log-softmax over the vocabulary of the next token after each position, [T][V]. */
  double[][] logProbs(int[] tokens) {
    int h = c.hiddenSize();
    int nh = c.numAttentionHeads();
    int nkv = c.numKeyValueHeads();
    int hd = c.headDim();
    int t = tokens.length;
    double[][] x = new double[t][];
    float[] emb = w.get(CheckpointKeys.EMBED_TOKENS).data();
    for (int i = 0; i < t; i++) {
      x[i] = new double[h];
      for (int j = 0; j < h; j++) {
        x[i][j] = emb[tokens[i] * h + j];
      }
    }
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      double[][] q = new double[t][];
      double[][] k = new double[t][];
      double[][] v = new double[t][];
      for (int i = 0; i < t; i++) {
        double[] n = rmsNorm(x[i], get(CheckpointKeys.INPUT_LAYERNORM, l));
        q[i] = linear(n, get(CheckpointKeys.Q_PROJ_WEIGHT, l), get(CheckpointKeys.Q_PROJ_BIAS, l));
        k[i] = linear(n, get(CheckpointKeys.K_PROJ_WEIGHT, l), get(CheckpointKeys.K_PROJ_BIAS, l));
        v[i] = linear(n, get(CheckpointKeys.V_PROJ_WEIGHT, l), get(CheckpointKeys.V_PROJ_BIAS, l));
        rope(q[i], nh, hd, i);
        rope(k[i], nkv, hd, i);
      }
      for (int i = 0; i < t; i++) {
        double[] attn = new double[nh * hd];
        for (int head = 0; head < nh; head++) {
          int kvHead = head / (nh / nkv);
          double[] scores = new double[i + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int s = 0; s <= i; s++) {
            double dot = 0;
            for (int d = 0; d < hd; d++) {
              dot += q[i][head * hd + d] * k[s][kvHead * hd + d];
            }
            scores[s] = dot / Math.sqrt(hd);
            max = Math.max(max, scores[s]);
          }
          double sum = 0;
          for (int s = 0; s <= i; s++) {
            scores[s] = Math.exp(scores[s] - max);
            sum += scores[s];
          }
          for (int s = 0; s <= i; s++) {
            for (int d = 0; d < hd; d++) {
              attn[head * hd + d] += scores[s] / sum * v[s][kvHead * hd + d];
            }
          }
        }
        double[] o = linear(attn, get(CheckpointKeys.O_PROJ_WEIGHT, l), null);
        for (int j = 0; j < h; j++) {
          x[i][j] += o[j];
        }
        double[] n = rmsNorm(x[i], get(CheckpointKeys.POST_ATTENTION_LAYERNORM, l));
        double[] g = linear(n, get(CheckpointKeys.GATE_PROJ_WEIGHT, l), null);
        double[] u = linear(n, get(CheckpointKeys.UP_PROJ_WEIGHT, l), null);
        for (int j = 0; j < g.length; j++) {
          g[j] = g[j] / (1 + Math.exp(-g[j])) * u[j];
        }
        double[] down = linear(g, get(CheckpointKeys.DOWN_PROJ_WEIGHT, l), null);
        for (int j = 0; j < h; j++) {
          x[i][j] += down[j];
        }
      }
    }
    FloatTensor head =
        c.tieWordEmbeddings() ? w.get(CheckpointKeys.EMBED_TOKENS) : w.get(CheckpointKeys.LM_HEAD);
    double[][] out = new double[t][];
    for (int i = 0; i < t; i++) {
      double[] logits = linear(rmsNorm(x[i], w.get(CheckpointKeys.NORM)), head, null);
      double max = Double.NEGATIVE_INFINITY;
      for (double z : logits) {
        max = Math.max(max, z);
      }
      double sum = 0;
      for (double z : logits) {
        sum += Math.exp(z - max);
      }
      double lse = max + Math.log(sum);
      for (int j = 0; j < logits.length; j++) {
        logits[j] -= lse;
      }
      out[i] = logits;
    }
    return out;
  }

  private FloatTensor get(String pattern, int layer) {
    return w.get(CheckpointKeys.layer(pattern, layer));
  }

  private double[] rmsNorm(double[] x, FloatTensor weight) {
    double ms = 0;
    for (double z : x) {
      ms += z * z;
    }
    ms /= x.length;
    double inv = 1 / Math.sqrt(ms + c.rmsNormEps());
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * inv * weight.data()[i];
    }
    return out;
  }

  private static double[] linear(double[] x, FloatTensor weight, FloatTensor bias) {
    int out = (int) weight.shape()[0];
    int in = (int) weight.shape()[1];
    double[] y = new double[out];
    float[] wd = weight.data();
    for (int o = 0; o < out; o++) {
      double s = bias == null ? 0 : bias.data()[o];
      for (int i = 0; i < in; i++) {
        s += wd[o * in + i] * x[i];
      }
      y[o] = s;
    }
    return y;
  }

  /** NeoX rotation of each head in place: pairs (d, d + hd/2). */
  private void rope(double[] x, int heads, int hd, int pos) {
    int half = hd / 2;
    for (int head = 0; head < heads; head++) {
      for (int d = 0; d < half; d++) {
        double angle = pos / Math.pow(c.ropeTheta(), 2.0 * d / hd);
        double a = x[head * hd + d];
        double b = x[head * hd + d + half];
        x[head * hd + d] = a * Math.cos(angle) - b * Math.sin(angle);
        x[head * hd + d + half] = b * Math.cos(angle) + a * Math.sin(angle);
      }
    }
  }
}
