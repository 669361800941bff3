package dev.qcat.interfaces.web.home;

import dev.qcat.application.CategorizationService;
import dev.qcat.application.EvaluationService;
import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.application.ModelVersionService;
import dev.qcat.application.ReviewService;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.application.Views.TaxonomyView;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The home page: today's predictions, the review queue's depth, the active models and their last
 * evaluation.
 */
@Named("home")
@RequestScoped
public class HomeBean {

  @EJB private CategorizationService categorization;
  @EJB private ReviewService reviews;
  @EJB private ModelVersionService modelVersions;
  @EJB private TaxonomyService taxonomies;
  @EJB private EvaluationService evaluations;

  private long predictionsToday;
  private long queueDepth;
  private List<ModelVersionView> activeModels;
  private Map<Long, String> taxonomyNames;
  private final Map<Long, EvaluationView> lastEvaluations = new HashMap<>();

  @PostConstruct
  void load() {
    OffsetDateTime midnight =
        LocalDate.now().atStartOfDay(ZoneId.systemDefault()).toOffsetDateTime();
    predictionsToday = categorization.countPredictionsSince(midnight);
    queueDepth = reviews.queueDepth();
    activeModels = modelVersions.active();
    for (ModelVersionView m : activeModels) {
      evaluations.latest(m.id()).ifPresent(e -> lastEvaluations.put(m.id(), e));
    }
    taxonomyNames =
        taxonomies.list().stream()
            .collect(Collectors.toMap(TaxonomyView::id, TaxonomyView::name, (a, b) -> a));
  }

  public long getPredictionsToday() {
    return predictionsToday;
  }

  public long getQueueDepth() {
    return queueDepth;
  }

  public List<ModelVersionView> getActiveModels() {
    return activeModels;
  }

  public String taxonomyName(long id) {
    return taxonomyNames.getOrDefault(id, String.valueOf(id));
  }

  /**
   * @return the newest evaluation of the model version, or null when it has none
   */
  public EvaluationView lastEvaluation(long modelVersionId) {
    return lastEvaluations.get(modelVersionId);
  }
}
