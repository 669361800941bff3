package dev.qcat.application.internal;

import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.dataset.Dataset;
import dev.qcat.domain.model.dataset.DatasetRepository;
import dev.qcat.domain.model.dataset.Example;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.domain.model.evaluation.EvaluationFigures;
import dev.qcat.domain.model.evaluation.ModelEvaluation;
import dev.qcat.domain.model.evaluation.ModelEvaluationRepository;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import jakarta.ejb.LocalBean;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The two short transactions of {@link DefaultEvaluationService#evaluate}: reading what to score,
 * and storing the result with its audit event. Not part of the application's interface.
 */
@Stateless
@LocalBean
public class EvaluationStore {

  @Inject private ModelVersionRepository modelVersions;
  @Inject private DatasetRepository datasets;
  @Inject private ModelEvaluationRepository evaluations;
  @Inject private AuditLog audit;

  /**
   * What to score: the version (detached, with its taxonomy and categories loaded), the dataset's
   * name, the examples' texts and true category names, and the threshold in effect.
   */
  public record Input(
      ModelVersion modelVersion,
      String datasetName,
      List<String> texts,
      List<String> categories,
      double threshold) {}

  public Input read(long modelVersionId, long datasetId, Split split) throws NotFoundException {
    ModelVersion v =
        modelVersions
            .find(modelVersionId)
            .orElseThrow(() -> new NotFoundException("Model version", modelVersionId));
    Dataset d =
        datasets.find(datasetId).orElseThrow(() -> new NotFoundException("Dataset", datasetId));
    if (!d.taxonomy().id().equals(v.taxonomy().id())) {
      throw new IllegalArgumentException(
          "Dataset '"
              + d.name()
              + "' belongs to taxonomy "
              + d.taxonomy().name()
              + " but model version '"
              + v.name()
              + "' to taxonomy "
              + v.taxonomy().name()
              + ".");
    }
    // Initialise what scoring reads after the transaction (the entities are detached then).
    v.taxonomy().instruction();
    v.taxonomy().activeCategories().forEach(Category::description);
    List<Example> examples = datasets.findExamples(datasetId, split);
    if (examples.isEmpty()) {
      throw new IllegalArgumentException(
          "Dataset '"
              + d.name()
              + "' has no "
              + split.name().toLowerCase(Locale.ROOT)
              + " examples to evaluate on.");
    }
    double threshold =
        v.threshold().isPresent() ? v.threshold().getAsDouble() : v.taxonomy().reviewThreshold();
    return new Input(
        v,
        d.name(),
        examples.stream().map(Example::text).toList(),
        examples.stream().map(e -> e.category().name()).toList(),
        threshold);
  }

  public EvaluationView store(
      long modelVersionId,
      long datasetId,
      String datasetName,
      Split split,
      String actor,
      Duration duration,
      EvaluationFigures figures)
      throws NotFoundException {
    ModelVersion v =
        modelVersions
            .find(modelVersionId)
            .orElseThrow(() -> new NotFoundException("Model version", modelVersionId));
    ModelEvaluation e =
        new ModelEvaluation(v, datasetId, datasetName, split, actor, duration, figures);
    evaluations.store(e);
    audit.record(
        new AuditEvent(
            actor,
            "model.evaluate",
            "ModelVersion",
            modelVersionId,
            String.format(
                Locale.ROOT,
                "evaluation %d on %s/%s: %d examples, accuracy %.4f, macro-F1 %.4f, ECE %.4f",
                e.id(),
                datasetName,
                split.name(),
                figures.examples(),
                figures.accuracy(),
                figures.macroF1(),
                figures.ece())));
    return EvaluationView.of(e);
  }
}
