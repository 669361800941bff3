package dev.qcat.inference.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * A {@link TreeLanguageModel} whose next-token distribution is a deterministic function of (prompt,
 * path since the prompt). It checks the tree contract (parents known and of the same prompt) and
 * counts the calls and tree tokens.
 */
final class FakeTreeModel implements TreeLanguageModel {

  final int vocabSize;
  final BiFunction<int[], int[], double[]> distribution;
  int sessions;
  int expandCalls;
  int expandedNodes;
  final List<Integer> expandSizes = new ArrayList<>();

  /**
   * @param distribution (prompt, path) → probabilities over the vocabulary, summing to 1
   */
  FakeTreeModel(int vocabSize, BiFunction<int[], int[], double[]> distribution) {
    this.vocabSize = vocabSize;
    this.distribution = distribution;
  }

  /** Peaked pseudo-random distributions: logits ~ N(0, scale²) seeded by (prompt, path). */
  static FakeTreeModel random(int vocabSize, double scale) {
    return new FakeTreeModel(
        vocabSize,
        (prompt, path) -> {
          long seed = 31L * Arrays.hashCode(prompt) + Arrays.hashCode(path) * 1_000_003L;
          SplittableRandom r = new SplittableRandom(seed);
          double[] p = new double[vocabSize];
          double sum = 0;
          for (int i = 0; i < vocabSize; i++) {
            p[i] = Math.exp(scale * r.nextGaussian());
            sum += p[i];
          }
          for (int i = 0; i < vocabSize; i++) {
            p[i] /= sum;
          }
          return p;
        });
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public TreeSession startSession(int[][] prompts) {
    for (int[] p : prompts) {
      if (p.length == 0) {
        throw new IllegalArgumentException("empty prompt");
      }
      for (int t : p) {
        if (t < 0 || t >= vocabSize) {
          throw new IllegalArgumentException("token " + t);
        }
      }
    }
    sessions++;
    int[][] copy = Arrays.stream(prompts).map(int[]::clone).toArray(int[][]::new);
    return new TreeSession() {
      final List<Integer> nodeBatch = new ArrayList<>();
      final List<int[]> nodePath = new ArrayList<>();

      @Override
      public int batchSize() {
        return copy.length;
      }

      @Override
      public float[] promptNextLogProbs(int b, int[] tokens) {
        return pick(distribution.apply(copy[b], new int[0]), tokens);
      }

      @Override
      public float[][] expand(int[] batch, int[] tokens, int[] parent, int[][] wanted) {
        expandCalls++;
        expandedNodes += batch.length;
        expandSizes.add(batch.length);
        float[][] out = new float[batch.length][];
        int base = nodeBatch.size();
        for (int i = 0; i < batch.length; i++) {
          int[] prefix;
          if (parent[i] < 0) {
            prefix = new int[0];
          } else {
            if (parent[i] >= base + i) {
              throw new IllegalArgumentException(
                  "parent " + parent[i] + " is neither from an earlier call nor an earlier entry");
            }
            if (nodeBatch.get(parent[i]) != batch[i]) {
              throw new IllegalArgumentException("parent " + parent[i] + " of another prompt");
            }
            prefix = nodePath.get(parent[i]);
          }
          int[] path = Arrays.copyOf(prefix, prefix.length + 1);
          path[prefix.length] = tokens[i];
          nodeBatch.add(batch[i]);
          nodePath.add(path);
          out[i] = pick(distribution.apply(copy[batch[i]], path), wanted[i]);
        }
        return out;
      }

      @Override
      public void close() {}
    };
  }

  private static float[] pick(double[] p, int[] tokens) {
    float[] out = new float[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      out[i] = (float) Math.log(p[tokens[i]]);
    }
    return out;
  }
}
