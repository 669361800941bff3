package dev.qcat.application.internal;

import dev.qcat.application.ModelLifecycleService;
import dev.qcat.application.ModelVersionService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.RetrainingService;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.drift.DriftPolicy;
import dev.qcat.domain.model.drift.DriftRepository;
import dev.qcat.domain.model.drift.DriftRepository.LabelledText;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import dev.qcat.domain.model.modelversion.ModelVersionStatus;
import dev.qcat.domain.model.modelversion.Quantization;
import dev.qcat.domain.model.question.ScoredCategory;
import dev.qcat.inference.scoring.ConfusionMatrix;
import dev.qcat.infrastructure.inference.ModelScorer;
import dev.qcat.infrastructure.inference.ModelSpec;
import jakarta.annotation.Resource;
import jakarta.ejb.LocalBean;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@link RetrainingService}. */
@Stateless
@LocalBean
public class DefaultRetrainingService implements RetrainingService {

  @Inject private TaxonomyRepository taxonomies;
  @Inject private ModelVersionRepository modelVersions;
  @Inject private DriftRepository drift;
  @Inject private ModelScorer scorer;
  @Inject private ModelVersionService modelVersionService;
  @Inject private AuditLog audit;
  @Inject private ModelLifecycleService lifecycle;
  @Resource private SessionContext context;

  @Override
  public TrainingData trainingData(long taxonomyId) throws NotFoundException {
    Taxonomy t = taxonomy(taxonomyId);
    return new TrainingData(
        taxonomyId,
        t.name(),
        t.instruction(),
        t.activeCategories().stream().map(Category::name).toList(),
        drift.trainingExamples(taxonomyId),
        drift.validationExamples(taxonomyId),
        modelVersions.findActive(taxonomyId).map(ModelVersion::baseModelPath));
  }

  @Override
  public ModelVersionView registerCandidate(
      long taxonomyId,
      String name,
      String baseModelPath,
      String adapterPath,
      double temperature,
      String metricsJson,
      String actor)
      throws NotFoundException {
    ModelVersionView v =
        modelVersionService.register(
            taxonomyId,
            name,
            baseModelPath,
            adapterPath,
            Quantization.NONE,
            temperature,
            null,
            actor);
    ModelVersion m = modelVersions.find(v.id()).orElseThrow();
    m.recordCalibration(metricsJson, temperature);
    return ModelVersionView.of(m);
  }

  /** What the gate compares (public for the container's proxy; not part of the interface). */
  public record GateInputs(
      ModelSpec candidate,
      double candidateTemperature,
      ModelSpec active,
      double activeTemperature,
      Long activeId,
      List<String> categories,
      List<LabelledText> golden,
      List<LabelledText> fresh,
      double recallMargin) {}

  @Override
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public GateDecision gate(long candidateId, String actor)
      throws NotFoundException, ModelLoadException {
    DefaultRetrainingService self = context.getBusinessObject(DefaultRetrainingService.class);
    GateInputs in = self.gateInputs(candidateId);
    JsonObjectBuilder details = Json.createObjectBuilder();
    if (in.activeId() == null) {
      String reason = "no ACTIVE version to compare with: promoted";
      return self.decide(candidateId, null, true, reason, details.add("reason", reason), actor);
    }
    List<String> reasons = new ArrayList<>();
    boolean pass = true;
    List<LabelledText> all = new ArrayList<>(in.golden());
    all.addAll(in.fresh());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < in.categories().size(); i++) {
      index.put(in.categories().get(i), i);
    }
    List<LabelledText> judged = all.stream().filter(e -> index.containsKey(e.category())).toList();
    List<String> texts = judged.stream().map(LabelledText::text).toList();
    List<ScoredCategory> cand = scorer.best(in.candidate(), in.candidateTemperature(), texts);
    List<ScoredCategory> act = scorer.best(in.active(), in.activeTemperature(), texts);
    int goldenN = (int) in.golden().stream().filter(e -> index.containsKey(e.category())).count();
    ConfusionMatrix[] cm =
        new ConfusionMatrix[4]; // candidate golden, active golden, cand fresh, act fresh
    for (int k = 0; k < 4; k++) {
      cm[k] = new ConfusionMatrix(in.categories());
    }
    ConfusionMatrix candAll = new ConfusionMatrix(in.categories());
    ConfusionMatrix actAll = new ConfusionMatrix(in.categories());
    // per category: questions only ACTIVE gets right, and only the candidate gets right
    int[] onlyActive = new int[in.categories().size()];
    int[] onlyCandidate = new int[in.categories().size()];
    for (int i = 0; i < judged.size(); i++) {
      int truth = index.get(judged.get(i).category());
      int c = index.getOrDefault(cand.get(i).category(), 0);
      int a = index.getOrDefault(act.get(i).category(), 0);
      int part = i < goldenN ? 0 : 2;
      cm[part].add(truth, c);
      cm[part + 1].add(truth, a);
      candAll.add(truth, c);
      actAll.add(truth, a);
      if (a == truth && c != truth) {
        onlyActive[truth]++;
      } else if (c == truth && a != truth) {
        onlyCandidate[truth]++;
      }
    }
    String[] names = {"golden set", "fresh validation data"};
    for (int part = 0; part < 2; part++) {
      ConfusionMatrix c = cm[2 * part];
      ConfusionMatrix a = cm[2 * part + 1];
      String key = part == 0 ? "golden" : "fresh";
      if (c.total() == 0) {
        reasons.add("no " + names[part] + " to compare on");
        details.add(key, Json.createObjectBuilder().add("examples", 0));
        continue;
      }
      double cf = c.macroF1();
      double af = a.macroF1();
      details.add(
          key,
          Json.createObjectBuilder()
              .add("examples", c.total())
              .add("candidateMacroF1", cf)
              .add("activeMacroF1", af));
      if (cf + 1e-12 < af) {
        pass = false;
        reasons.add(
            String.format(
                Locale.ROOT, "macro-F1 on the %s %.4f < ACTIVE's %.4f", names[part], cf, af));
      } else {
        reasons.add(
            String.format(
                Locale.ROOT, "macro-F1 on the %s %.4f >= ACTIVE's %.4f", names[part], cf, af));
      }
    }
    var recall = Json.createArrayBuilder();
    List<String> withinNoise = new ArrayList<>();
    for (int k = 0; k < in.categories().size(); k++) {
      if (candAll.support(k) == 0) {
        continue;
      }
      double cr = candAll.recall(k);
      double ar = actAll.recall(k);
      double p = RecallDropTest.pValue(onlyActive[k], onlyCandidate[k]);
      recall.add(
          Json.createObjectBuilder()
              .add("category", in.categories().get(k))
              .add("support", candAll.support(k))
              .add("candidate", cr)
              .add("active", ar)
              .add("pValue", p));
      if (cr < ar - in.recallMargin() - 1e-12) {
        if (p < RecallDropTest.ALPHA) {
          pass = false;
          reasons.add(
              String.format(
                  Locale.ROOT,
                  "recall of '%s' falls from %.4f to %.4f (margin %.4f; %d questions, p = %.3g)",
                  in.categories().get(k),
                  ar,
                  cr,
                  in.recallMargin(),
                  candAll.support(k),
                  p));
        } else {
          withinNoise.add(in.categories().get(k));
        }
      }
    }
    if (!withinNoise.isEmpty()) {
      reasons.add(
          String.format(
              Locale.ROOT,
              "%d categories' recall falls by more than the margin but not significantly"
                  + " (p >= %.2f, too few questions): %s",
              withinNoise.size(),
              RecallDropTest.ALPHA,
              String.join(", ", withinNoise)));
    }
    details
        .add("recall", recall)
        .add("recallMargin", in.recallMargin())
        .add("recallAlpha", RecallDropTest.ALPHA);
    String reason = (pass ? "promoted: " : "kept as CANDIDATE: ") + String.join("; ", reasons);
    details.add("reason", reason);
    return self.decide(candidateId, in.activeId(), pass, reason, details, actor);
  }

  /** Reads what the gate compares (public for the container's proxy). */
  public GateInputs gateInputs(long candidateId) throws NotFoundException {
    ModelVersion c =
        modelVersions
            .find(candidateId)
            .orElseThrow(() -> new NotFoundException("Model version", candidateId));
    if (c.status() != ModelVersionStatus.CANDIDATE) {
      throw new IllegalArgumentException(
          "model version " + candidateId + " is " + c.status() + ", not CANDIDATE");
    }
    Taxonomy t = c.taxonomy();
    long taxonomyId = t.id();
    DriftPolicy policy = drift.policy(taxonomyId);
    ModelVersion a = modelVersions.findActive(taxonomyId).orElse(null);
    OffsetDateTime since = OffsetDateTime.now().minusDays(policy.recentDays());
    List<LabelledText> fresh =
        drift.reviewedSince(taxonomyId, since).stream()
            .filter(e -> DriftRepository.isFreshHoldout(e.id()))
            .toList();
    return new GateInputs(
        spec(c, t),
        c.temperature(),
        a == null ? null : spec(a, t),
        a == null ? 1 : a.temperature(),
        a == null ? null : a.id(),
        t.activeCategories().stream().map(Category::name).toList(),
        drift.goldenSet(taxonomyId),
        fresh,
        policy.recallMargin());
  }

  private static ModelSpec spec(ModelVersion v, Taxonomy t) {
    return new ModelSpec(
        v.id(),
        v.baseModelPath(),
        v.adapterPath(),
        v.quantization().name(),
        t.instruction(),
        t.activeCategories().stream()
            .map(c -> new ModelSpec.Label(c.name(), c.description()))
            .toList());
  }

  /** Stores the decision and promotes (public for the container's proxy). */
  public GateDecision decide(
      long candidateId,
      Long activeId,
      boolean promote,
      String reason,
      JsonObjectBuilder details,
      String actor)
      throws NotFoundException, ModelLoadException {
    ModelVersion c =
        modelVersions
            .find(candidateId)
            .orElseThrow(() -> new NotFoundException("Model version", candidateId));
    details.add("promoted", promote).add("decidedAt", OffsetDateTime.now().toString());
    JsonObject gate = details.build();
    JsonObjectBuilder metrics = Json.createObjectBuilder();
    c.metrics()
        .ifPresent(
            m -> {
              try (var r = Json.createReader(new StringReader(m))) {
                r.readObject().forEach(metrics::add);
              }
            });
    metrics.add("gate", gate);
    c.recordCalibration(metrics.build().toString(), c.temperature());
    audit.record(new AuditEvent(actor, "model.gate", "ModelVersion", candidateId, reason));
    if (promote) {
      modelVersionService.activate(candidateId, actor);
    }
    return new GateDecision(candidateId, activeId, promote, reason, gate.toString());
  }

  /** Delegates to the Models page's {@link ModelLifecycleService#rollback}: one rule for both. */
  @Override
  public ModelVersionView rollback(long taxonomyId, String actor)
      throws NotFoundException, ModelLoadException {
    return lifecycle.rollback(taxonomyId, actor);
  }

  private Taxonomy taxonomy(long id) throws NotFoundException {
    return taxonomies.find(id).orElseThrow(() -> new NotFoundException("Taxonomy", id));
  }
}
