package dev.qcat.application.internal;

import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.application.ModelLifecycleService;
import dev.qcat.application.ModelVersionService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.evaluation.ModelEvaluationRepository;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import dev.qcat.domain.model.modelversion.ModelVersionStatus;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@link ModelLifecycleService}: roll back = activate the version activated last before. */
@Stateless
public class DefaultModelLifecycleService implements ModelLifecycleService {

  @Inject private ModelVersionRepository modelVersions;
  @Inject private TaxonomyRepository taxonomies;
  @Inject private ModelEvaluationRepository evaluations;
  @Inject private AuditLog audit;
  @EJB private ModelVersionService activation;

  @Override
  public List<ModelVersionEntry> versions(long taxonomyId) throws NotFoundException {
    taxonomies.find(taxonomyId).orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    return modelVersions.findByTaxonomy(taxonomyId).stream()
        .map(
            m ->
                new ModelVersionEntry(
                    m.id(),
                    taxonomyId,
                    m.name(),
                    m.baseModelPath(),
                    m.adapterPath().orElse(null),
                    m.quantization().name(),
                    m.temperature(),
                    m.threshold().isPresent() ? m.threshold().getAsDouble() : null,
                    m.status().name(),
                    m.createdAt(),
                    m.activatedAt().orElse(null),
                    evaluations.findLatest(m.id()).map(EvaluationView::of).orElse(null)))
        .toList();
  }

  @Override
  public ModelVersionView changeThreshold(long modelVersionId, Double threshold, String actor)
      throws NotFoundException {
    ModelVersion v =
        modelVersions
            .find(modelVersionId)
            .orElseThrow(() -> new NotFoundException("Model version", modelVersionId));
    v.changeThreshold(threshold);
    audit.record(
        new AuditEvent(
            actor,
            "model.threshold",
            "ModelVersion",
            modelVersionId,
            threshold == null
                ? "threshold cleared (taxonomy's applies)"
                : String.format(Locale.ROOT, "threshold %.2f", threshold)));
    return ModelVersionView.of(v);
  }

  @Override
  public Optional<Long> rollbackTarget(long taxonomyId) {
    return previous(taxonomyId).map(ModelVersion::id);
  }

  private Optional<ModelVersion> previous(long taxonomyId) {
    return modelVersions.findByTaxonomy(taxonomyId).stream()
        .filter(m -> m.status() == ModelVersionStatus.RETIRED && m.activatedAt().isPresent())
        .max(Comparator.comparing(m -> m.activatedAt().get()));
  }

  @Override
  public ModelVersionView rollback(long taxonomyId, String actor)
      throws NotFoundException, ModelLoadException {
    taxonomies.find(taxonomyId).orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    ModelVersion target =
        previous(taxonomyId)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "No earlier ACTIVE model version of taxonomy "
                            + taxonomyId
                            + " to roll back to."));
    Long from = modelVersions.findActive(taxonomyId).map(ModelVersion::id).orElse(null);
    ModelVersionView now = activation.activate(target.id(), actor);
    audit.record(
        new AuditEvent(
            actor,
            "model.rollback",
            "ModelVersion",
            target.id(),
            "rolled back from model version " + from));
    return now;
  }
}
