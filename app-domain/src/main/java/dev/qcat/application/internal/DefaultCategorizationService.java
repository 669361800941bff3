package dev.qcat.application.internal;

import dev.qcat.application.CategorizationService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.PredictionView;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import dev.qcat.domain.model.question.Classification;
import dev.qcat.domain.model.question.NoActiveModelException;
import dev.qcat.domain.model.question.Prediction;
import dev.qcat.domain.model.question.PredictionRepository;
import dev.qcat.domain.model.question.Routing;
import dev.qcat.domain.model.question.RoutingPolicy;
import dev.qcat.domain.model.review.ReviewTask;
import dev.qcat.domain.model.review.ReviewTaskRepository;
import dev.qcat.domain.service.QuestionClassifier;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** {@link CategorizationService}: classify → store Prediction → maybe ReviewTask. */
@Stateless
public class DefaultCategorizationService implements CategorizationService {

  @Inject private TaxonomyRepository taxonomies;
  @Inject private ModelVersionRepository modelVersions;
  @Inject private PredictionRepository predictions;
  @Inject private ReviewTaskRepository reviews;
  @Inject private QuestionClassifier classifier;

  @Override
  public List<PredictionView> classify(String taxonomyName, List<String> questions, String client)
      throws NotFoundException, NoActiveModelException {
    Taxonomy taxonomy = findTaxonomy(taxonomyName);
    long start = System.nanoTime();
    List<Classification> answers = classifier.classify(taxonomy, questions);
    int latencyMs = (int) ((System.nanoTime() - start) / 1_000_000);
    Map<Long, ModelVersion> versions = new HashMap<>();
    List<PredictionView> views = new ArrayList<>(answers.size());
    for (int i = 0; i < answers.size(); i++) {
      Classification a = answers.get(i);
      Category category =
          taxonomy
              .category(a.best().category())
              .orElseThrow(
                  () -> new IllegalStateException("model answered unknown " + a.best().category()));
      ModelVersion version =
          versions.computeIfAbsent(a.modelVersionId(), id -> modelVersions.find(id).orElseThrow());
      double threshold =
          category.reviewThreshold().orElse(version.threshold().orElse(taxonomy.reviewThreshold()));
      Routing routing =
          new RoutingPolicy(threshold, taxonomy.auditRate())
              .route(a.best().confidence(), ThreadLocalRandom.current()::nextDouble);
      Prediction p =
          new Prediction(
              questions.get(i),
              taxonomy,
              category,
              a.best().confidence(),
              a.topK(),
              version,
              latencyMs,
              routing,
              client);
      predictions.store(p);
      Long taskId = null;
      if (routing != Routing.AUTOMATIC) {
        ReviewTask task = new ReviewTask(p, routing == Routing.AUDIT);
        reviews.store(task);
        taskId = task.id();
      }
      views.add(
          new PredictionView(
              p.id(),
              p.question(),
              category.name(),
              p.confidence(),
              a.topK(),
              version.id(),
              latencyMs,
              routing.name(),
              taskId,
              a.errorBound()));
    }
    return views;
  }

  @Override
  public PredictionView find(long predictionId) throws NotFoundException {
    Prediction p =
        predictions
            .find(predictionId)
            .orElseThrow(() -> new NotFoundException("Prediction", predictionId));
    Long taskId = reviews.findByPrediction(predictionId).map(ReviewTask::id).orElse(null);
    return new PredictionView(
        p.id(),
        p.question(),
        p.category().name(),
        p.confidence(),
        p.topK(),
        p.modelVersion().id(),
        p.latencyMs(),
        p.routing().name(),
        taskId,
        0);
  }

  private Taxonomy findTaxonomy(String name) throws NotFoundException {
    if (name == null) {
      return taxonomies.findAll().stream()
          .findFirst()
          .orElseThrow(() -> new NotFoundException("Taxonomy", "(none created yet)"));
    }
    return taxonomies
        .findLatestByName(name)
        .orElseThrow(() -> new NotFoundException("Taxonomy", "'" + name + "'"));
  }
}
