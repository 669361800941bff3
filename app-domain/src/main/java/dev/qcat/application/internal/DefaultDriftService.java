package dev.qcat.application.internal;

import dev.qcat.application.DriftService;
import dev.qcat.application.JobViews.DriftCheckView;
import dev.qcat.application.JobViews.DriftPolicyView;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.drift.DriftAssessment;
import dev.qcat.domain.model.drift.DriftCheck;
import dev.qcat.domain.model.drift.DriftPolicy;
import dev.qcat.domain.model.drift.DriftRepository;
import dev.qcat.domain.model.drift.DriftRepository.LabelledText;
import dev.qcat.domain.model.drift.DriftRepository.LivePrediction;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import dev.qcat.domain.model.question.Classification;
import dev.qcat.domain.model.question.NoActiveModelException;
import dev.qcat.domain.service.QuestionClassifier;
import jakarta.annotation.Resource;
import jakarta.ejb.LocalBean;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link DriftService}. {@link #check} is NOT_SUPPORTED: it reads in short transactions, scores
 * without one (a model may need minutes), and stores in a new one.
 */
@Stateless
@LocalBean
public class DefaultDriftService implements DriftService {

  /** Questions per classifier call while scoring the validation set. */
  private static final int SCORING_BATCH = 16;

  @Inject private DriftRepository drift;
  @Inject private TaxonomyRepository taxonomies;
  @Inject private ModelVersionRepository modelVersions;
  @Inject private QuestionClassifier classifier;
  @Inject private AuditLog audit;
  @Resource private SessionContext context;

  /** What {@link #check} reads before scoring. */
  public record Snapshot(
      Taxonomy taxonomy,
      long modelVersionId,
      DriftPolicy policy,
      List<String> categories,
      List<LabelledText> validation,
      Map<String, Long> trainingMix,
      List<LivePrediction> live,
      long[] audit) {}

  @Override
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public DriftCheckView check(long taxonomyId, Long jobInstanceId)
      throws NotFoundException, NoActiveModelException {
    DefaultDriftService self = context.getBusinessObject(DefaultDriftService.class);
    Snapshot s = self.snapshot(taxonomyId);
    List<String> cats = s.categories();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < cats.size(); i++) {
      index.put(cats.get(i), i);
    }
    List<LabelledText> judged =
        s.validation().stream().filter(t -> index.containsKey(t.category())).toList();
    int n = judged.size();
    int[] truth = new int[n];
    int[] predicted = new int[n];
    double[] confidence = new double[n];
    for (int from = 0; from < n; from += SCORING_BATCH) {
      List<LabelledText> batch = judged.subList(from, Math.min(n, from + SCORING_BATCH));
      List<Classification> answers =
          classifier.classify(s.taxonomy(), batch.stream().map(LabelledText::text).toList());
      for (int i = 0; i < batch.size(); i++) {
        truth[from + i] = index.get(batch.get(i).category());
        Classification c = answers.get(i);
        predicted[from + i] = index.getOrDefault(c.best().category(), 0);
        confidence[from + i] = c.best().confidence();
      }
    }
    double[] trainingCounts = new double[cats.size()];
    s.trainingMix()
        .forEach(
            (c, k) -> {
              Integer i = index.get(c);
              if (i != null) {
                trainingCounts[i] = k;
              }
            });
    double[] liveCounts = new double[cats.size()];
    List<Double> liveConf = new ArrayList<>();
    int reviewed = 0;
    for (LivePrediction p : s.live()) {
      Integer i = index.get(p.category());
      if (i == null) {
        continue; // a category retired since
      }
      liveCounts[i]++;
      liveConf.add(p.confidence());
      if (p.routing().equals("REVIEW")) {
        reviewed++;
      }
    }
    DriftAssessment a =
        DriftAssessment.assess(
            new DriftAssessment.Observations(
                cats,
                truth,
                predicted,
                confidence,
                trainingCounts,
                liveCounts,
                liveConf.stream().mapToDouble(Double::doubleValue).toArray(),
                reviewed,
                (int) s.audit()[0],
                (int) s.audit()[1]),
            s.policy());
    return self.store(taxonomyId, s.modelVersionId(), jobInstanceId, a);
  }

  /** Reads what a check needs (public for the container's proxy; not part of the interface). */
  @TransactionAttribute(TransactionAttributeType.REQUIRED)
  public Snapshot snapshot(long taxonomyId) throws NotFoundException, NoActiveModelException {
    Taxonomy t =
        taxonomies
            .find(taxonomyId)
            .orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    ModelVersion active =
        modelVersions
            .findActive(taxonomyId)
            .orElseThrow(
                () ->
                    new NoActiveModelException(
                        "Taxonomy '" + t.name() + "' has no ACTIVE model version to check."));
    DriftPolicy policy = drift.policy(taxonomyId);
    OffsetDateTime windowStart = OffsetDateTime.now().minusDays(policy.recentDays());
    OffsetDateTime liveSince =
        active.activatedAt().filter(a -> a.isAfter(windowStart)).orElse(windowStart);
    Map<Long, LabelledText> validation = new LinkedHashMap<>();
    drift.goldenSet(taxonomyId).forEach(e -> validation.put(e.id(), e));
    drift.reviewedSince(taxonomyId, windowStart).forEach(e -> validation.put(e.id(), e));
    t.activeCategories().size(); // load the categories while the transaction is open
    return new Snapshot(
        t,
        active.id(),
        policy,
        t.activeCategories().stream().map(Category::name).toList(),
        List.copyOf(validation.values()),
        drift.trainingMix(taxonomyId),
        drift.livePredictions(taxonomyId, active.id(), liveSince),
        drift.auditOutcomes(taxonomyId, active.id(), liveSince));
  }

  /** Stores a check (public for the container's proxy; not part of the interface). */
  @TransactionAttribute(TransactionAttributeType.REQUIRED)
  public DriftCheckView store(
      long taxonomyId, long modelVersionId, Long jobInstanceId, DriftAssessment a) {
    JsonArrayBuilder per = Json.createArrayBuilder();
    for (DriftAssessment.CategoryFigures f : a.perCategory()) {
      JsonObjectBuilder o =
          Json.createObjectBuilder().add("name", f.name()).add("support", f.support());
      number(o, "recall", f.recall());
      number(o, "trainingShare", f.trainingShare());
      number(o, "liveShare", f.liveShare());
      per.add(o);
    }
    DriftCheck check =
        new DriftCheck(taxonomyId, modelVersionId, jobInstanceId, a, per.build().toString());
    drift.store(check);
    audit.record(
        new AuditEvent(
            "drift-check", "drift.check", "Taxonomy", taxonomyId, a.verdict() + ": " + a.reason()));
    return DriftCheckView.of(check);
  }

  private static void number(JsonObjectBuilder o, String key, double v) {
    if (Double.isNaN(v)) {
      o.addNull(key);
    } else {
      o.add(key, v);
    }
  }

  @Override
  public List<DriftCheckView> checks(long taxonomyId, int max) throws NotFoundException {
    taxonomies.find(taxonomyId).orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    return drift.checks(taxonomyId, max).stream().map(DriftCheckView::of).toList();
  }

  @Override
  public DriftPolicyView policy(long taxonomyId) throws NotFoundException {
    taxonomies.find(taxonomyId).orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    return DriftPolicyView.of(drift.policy(taxonomyId));
  }

  @Override
  public DriftPolicyView changePolicy(DriftPolicyView v, String actor) throws NotFoundException {
    taxonomies
        .find(v.taxonomyId())
        .orElseThrow(() -> new NotFoundException("Taxonomy", v.taxonomyId()));
    DriftPolicy p = drift.policy(v.taxonomyId());
    p.change(
        v.minAccuracyWarn(),
        v.minAccuracyDrift(),
        v.minMacroF1Warn(),
        v.minMacroF1Drift(),
        v.psiWarn(),
        v.psiDrift(),
        v.ksWarn(),
        v.ksDrift(),
        v.maxReviewRateWarn(),
        v.maxReviewRateDrift(),
        v.recentDays(),
        v.minLivePredictions(),
        v.retrainOnDrift(),
        v.recallMargin());
    drift.store(p);
    audit.record(new AuditEvent(actor, "drift.policy", "Taxonomy", v.taxonomyId(), v.toString()));
    return DriftPolicyView.of(p);
  }
}
