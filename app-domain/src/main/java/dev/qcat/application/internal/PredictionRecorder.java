package dev.qcat.application.internal;

import dev.qcat.application.Views.PredictionView;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import dev.qcat.domain.model.question.Classification;
import dev.qcat.domain.model.question.Prediction;
import dev.qcat.domain.model.question.PredictionRepository;
import dev.qcat.domain.model.question.Routing;
import dev.qcat.domain.model.question.RoutingPolicy;
import dev.qcat.domain.model.review.ReviewTask;
import dev.qcat.domain.model.review.ReviewTaskRepository;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stores the answers of one classification call in one transaction: a Prediction per question,
 * routed by {@link RoutingPolicy} (category threshold, else model version threshold, else the
 * taxonomy's), and a ReviewTask for those routed to review or audit. A prediction whose category
 * was added after the answering model version was created is marked zero-shot.
 */
@Stateless
public class PredictionRecorder {

  @Inject private TaxonomyRepository taxonomies;
  @Inject private ModelVersionRepository modelVersions;
  @Inject private PredictionRepository predictions;
  @Inject private ReviewTaskRepository reviews;

  /**
   * Loads a taxonomy with its categories, for use outside a transaction (the classifier reads the
   * categories' names, descriptions and creation times).
   *
   * @return the taxonomy, detached, its categories loaded. Never null.
   * @throws dev.qcat.application.NotFoundException if there is none with that id
   */
  public Taxonomy taxonomyWithCategories(long taxonomyId)
      throws dev.qcat.application.NotFoundException {
    Taxonomy t =
        taxonomies
            .find(taxonomyId)
            .orElseThrow(() -> new dev.qcat.application.NotFoundException("Taxonomy", taxonomyId));
    t.categories().forEach(c -> c.createdAt()); // loads the collection
    return t;
  }

  /**
   * @param latencyMs wall time of the classification, milliseconds
   * @return one view per question, in order. Never null.
   */
  public List<PredictionView> record(
      long taxonomyId,
      List<String> questions,
      List<Classification> answers,
      int latencyMs,
      String client) {
    Taxonomy taxonomy = taxonomies.find(taxonomyId).orElseThrow();
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
      if (category.isNewerThan(version.createdAt())) {
        p.markZeroShot();
      }
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
              a.errorBound(),
              p.zeroShot()));
    }
    return views;
  }
}
