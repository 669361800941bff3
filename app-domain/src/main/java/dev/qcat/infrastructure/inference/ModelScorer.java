package dev.qcat.infrastructure.inference;

import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.question.ScoredCategory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores questions with a model version that need not be serving (the promotion gate compares a
 * CANDIDATE with the ACTIVE version on the same data): loads it with the first {@link ModelRuntime}
 * that supports it, scores in batches, calibrates with the version's temperature ({@link
 * Calibration}) and frees it again. Runs on the caller's thread.
 */
@ApplicationScoped
public class ModelScorer {

  private static final int BATCH = 16;

  @Inject @Any private Instance<ModelRuntime> runtimes;

  /**
   * @param spec what to load (labels = the taxonomy's active categories)
   * @param temperature calibration temperature, &gt; 0
   * @param questions the questions
   * @return the best category per question, in order, with its calibrated confidence. Never null.
   * @throws ModelLoadException if no runtime can load the model or loading fails
   */
  public List<ScoredCategory> best(ModelSpec spec, double temperature, List<String> questions)
      throws ModelLoadException {
    ModelRuntime runtime =
        runtimes.stream()
            .filter(r -> r.supports(spec))
            .findFirst()
            .orElseThrow(
                () ->
                    new ModelLoadException(
                        "No model runtime can load '" + spec.baseModelPath() + "'"));
    LoadedModel model;
    try {
      model = runtime.load(spec);
    } catch (Exception e) {
      throw new ModelLoadException(
          "Loading " + spec.baseModelPath() + " for scoring failed: " + e.getMessage(), e);
    }
    List<String> labels = spec.labels().stream().map(ModelSpec.Label::name).toList();
    List<ScoredCategory> out = new ArrayList<>(questions.size());
    try (model) {
      for (int from = 0; from < questions.size(); from += BATCH) {
        for (LoadedModel.LabelScores s :
            model.score(questions.subList(from, Math.min(questions.size(), from + BATCH)))) {
          out.add(Calibration.topK(labels, s.logProbs(), temperature, 1).get(0));
        }
      }
    }
    return out;
  }
}
