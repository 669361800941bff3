package dev.qcat.inference.cli;

import dev.qcat.inference.scoring.TreeLanguageModel;
import dev.qcat.inference.scoring.TreeSession;

/**
 * A {@link TreeLanguageModel} that times the prompt forward pass and the tree expansions of the
 * model it wraps, for the bench's "where the time goes". Not thread-safe.
 */
final class TimedModel implements TreeLanguageModel {

  private final TreeLanguageModel model;
  long promptNanos;
  long expandNanos;
  int expandCalls;
  int treeTokens;

  TimedModel(TreeLanguageModel model) {
    this.model = model;
  }

  void reset() {
    promptNanos = 0;
    expandNanos = 0;
    expandCalls = 0;
    treeTokens = 0;
  }

  @Override
  public int vocabSize() {
    return model.vocabSize();
  }

  @Override
  public TreeSession startSession(int[][] prompts) {
    long t0 = System.nanoTime();
    TreeSession s = model.startSession(prompts);
    promptNanos += System.nanoTime() - t0;
    return new TreeSession() {
      @Override
      public int batchSize() {
        return s.batchSize();
      }

      @Override
      public float[] promptNextLogProbs(int b, int[] tokens) {
        long t = System.nanoTime();
        float[] r = s.promptNextLogProbs(b, tokens);
        promptNanos += System.nanoTime() - t;
        return r;
      }

      @Override
      public float[][] expand(int[] batch, int[] tokens, int[] parent, int[][] wanted) {
        long t = System.nanoTime();
        float[][] r = s.expand(batch, tokens, parent, wanted);
        expandNanos += System.nanoTime() - t;
        expandCalls++;
        treeTokens += batch.length;
        return r;
      }

      @Override
      public void close() {
        s.close();
      }
    };
  }
}
