package dev.qcat.application.internal;

import dev.qcat.application.CategorizationService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.PredictionView;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.question.Classification;
import dev.qcat.domain.model.question.NoActiveModelException;
import dev.qcat.domain.model.question.Prediction;
import dev.qcat.domain.model.question.PredictionRepository;
import dev.qcat.domain.model.review.ReviewTask;
import dev.qcat.domain.model.review.ReviewTaskRepository;
import dev.qcat.domain.service.QuestionClassifier;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.List;

/**
 * {@link CategorizationService}: classify → store Prediction → maybe ReviewTask. The classifier
 * gets the taxonomy with its current categories, so renames, merges and new categories take effect
 * at once (new ones scored zero-shot until a model trained on them is active).
 */
@Stateless
public class DefaultCategorizationService implements CategorizationService {

  @Inject private TaxonomyRepository taxonomies;
  @Inject private PredictionRepository predictions;
  @Inject private ReviewTaskRepository reviews;
  @Inject private QuestionClassifier classifier;
  @EJB private PredictionRecorder recorder;

  /**
   * Runs without a transaction: waiting for the model must not hold a database connection (many
   * concurrent callers would drain the pool). The predictions are stored afterwards in one
   * transaction by {@link PredictionRecorder}.
   */
  @Override
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public List<PredictionView> classify(String taxonomyName, List<String> questions, String client)
      throws NotFoundException, NoActiveModelException {
    Taxonomy taxonomy = recorder.taxonomyWithCategories(findTaxonomy(taxonomyName).id());
    long start = System.nanoTime();
    List<Classification> answers = classifier.classify(taxonomy, questions);
    int latencyMs = (int) ((System.nanoTime() - start) / 1_000_000);
    return recorder.record(taxonomy.id(), questions, answers, latencyMs, client);
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
        0,
        p.zeroShot());
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

  @Override
  public long countPredictionsSince(java.time.OffsetDateTime since) {
    return predictions.countSince(since);
  }
}
