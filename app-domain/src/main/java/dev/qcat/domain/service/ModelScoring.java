package dev.qcat.domain.service;

import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.modelversion.ModelVersion;
import java.util.List;

/**
 * Scores questions against every active category of a taxonomy with a given model version, outside
 * the serving path: evaluations load their own copy of the version (CANDIDATE versions included),
 * so serving is not slowed or swapped, and they get the raw per-category log-probabilities that
 * calibration and NLL need. The real adapter is {@code DjlModelScoring}.
 */
public interface ModelScoring {

  /**
   * Loads the version's files for scoring its taxonomy's active categories.
   *
   * @param modelVersion the version, with its taxonomy
   * @return an open session; the caller closes it. Never null.
   * @throws ModelLoadException if the files cannot be loaded
   */
  Session open(ModelVersion modelVersion) throws ModelLoadException;

  /** A loaded model; not thread-safe. Frees its native memory on {@link #close()}. */
  interface Session extends AutoCloseable {

    /**
     * @return the scored category names, in the order of the log-probabilities. Never null.
     */
    List<String> labels();

    /**
     * Scores a batch of questions.
     *
     * @param questions question texts, at least one
     * @return per question, natural-log P(label | prompt) for each of {@link #labels()}, float64
     *     (not normalized; −∞ for a pruned label). Never null.
     */
    List<double[]> logProbs(List<String> questions);

    @Override
    void close();
  }
}
