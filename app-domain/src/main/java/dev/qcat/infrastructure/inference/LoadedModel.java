package dev.qcat.infrastructure.inference;

import java.util.List;

/**
 * A model in memory, ready to score questions against the labels it was loaded with. Called from
 * one worker thread at a time ({@link ServingModel}); need not be thread-safe.
 */
public interface LoadedModel extends AutoCloseable {

  /**
   * Scores a batch of questions against every label.
   *
   * @param questions question texts, at least one
   * @return per question: natural-log P(label | prompt) per label in {@link ModelSpec#labels()}
   *     order (need not be normalized), and the pruning error bound. Never null.
   */
  List<LabelScores> score(List<String> questions);

  /** Frees native memory. */
  @Override
  void close();

  /**
   * Scores of one question.
   *
   * @param logProbs natural-log probability per label, float64; -∞ for a pruned label
   * @param errorBound bound on the probability mass lost to pruning, fraction in [0, 1]
   */
  record LabelScores(double[] logProbs, double errorBound) {}
}
