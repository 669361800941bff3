package dev.qcat.infrastructure.inference;

import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.service.ModelScoring;
import dev.qcat.infrastructure.inference.LoadedModel.LabelScores;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ModelScoring} with the same {@link ModelRuntime} beans that serving uses, but a model of
 * its own per session: the first runtime that {@link ModelRuntime#supports supports} the version
 * loads it, exactly as {@link DjlQuestionClassifier#serve} does.
 */
@ApplicationScoped
public class DjlModelScoring implements ModelScoring {

  @Inject @Any private Instance<ModelRuntime> runtimes;

  @Override
  public Session open(ModelVersion version) throws ModelLoadException {
    Taxonomy t = version.taxonomy();
    List<ModelSpec.Label> labels =
        t.activeCategories().stream()
            .map((Category c) -> new ModelSpec.Label(c.name(), c.description()))
            .toList();
    ModelSpec spec;
    try {
      spec =
          new ModelSpec(
              version.id(),
              version.baseModelPath(),
              version.adapterPath(),
              version.quantization().name(),
              t.instruction(),
              labels);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          "Model version "
              + version.id()
              + " cannot score taxonomy "
              + t.name()
              + ": "
              + e.getMessage());
    }
    LoadedModel loaded = ModelRuntime.loadWithFirstSupporting(runtimes, spec);
    List<String> names = labels.stream().map(ModelSpec.Label::name).toList();
    return new LoadedSession(names, loaded);
  }

  private record LoadedSession(List<String> labels, LoadedModel model) implements Session {

    @Override
    public List<double[]> logProbs(List<String> questions) {
      List<LabelScores> scores = model.score(questions);
      if (scores.size() != questions.size()) {
        throw new IllegalStateException(
            "model returned " + scores.size() + " scores for " + questions.size() + " questions");
      }
      List<double[]> out = new ArrayList<>(scores.size());
      for (LabelScores s : scores) {
        if (s.logProbs().length != labels.size()) {
          throw new IllegalStateException(
              "expected " + labels.size() + " log-probabilities but got " + s.logProbs().length);
        }
        out.add(s.logProbs());
      }
      return out;
    }

    @Override
    public void close() {
      model.close();
    }
  }
}
