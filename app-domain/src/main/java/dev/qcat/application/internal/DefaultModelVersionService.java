package dev.qcat.application.internal;

import dev.qcat.application.ModelVersionService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import dev.qcat.domain.model.modelversion.Quantization;
import dev.qcat.domain.service.QuestionClassifier;
import dev.qcat.inference.calibration.TemperatureScaling;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.List;

/** {@link ModelVersionService}: load first, then flip the statuses. */
@Stateless
public class DefaultModelVersionService implements ModelVersionService {

  @Inject private ModelVersionRepository modelVersions;
  @Inject private TaxonomyRepository taxonomies;
  @Inject private QuestionClassifier classifier;
  @Inject private AuditLog audit;

  @Override
  public ModelVersionView register(
      long taxonomyId,
      String name,
      String baseModelPath,
      String adapterPath,
      Quantization quantization,
      Double temperature,
      Double threshold,
      String actor)
      throws NotFoundException {
    Taxonomy t =
        taxonomies
            .find(taxonomyId)
            .orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    if (modelVersions.findByTaxonomy(taxonomyId).stream().anyMatch(m -> m.name().equals(name))) {
      throw new IllegalArgumentException(
          "Model version '" + name + "' already exists for taxonomy " + t.name());
    }
    ModelVersion v =
        new ModelVersion(
            t,
            name,
            baseModelPath,
            adapterPath,
            quantization,
            temperature != null ? temperature : adapterTemperature(adapterPath));
    v.changeThreshold(threshold);
    modelVersions.store(v);
    audit.record(new AuditEvent(actor, "model.register", "ModelVersion", v.id(), baseModelPath));
    return ModelVersionView.of(v);
  }

  /**
   * @return the temperature in the adapter's {@code calibration.json}, or 1 when there is no
   *     adapter or no such file (the file is checked again, with the weights, at activation)
   * @throws IllegalArgumentException if the file exists but holds no valid temperature
   */
  private static double adapterTemperature(String adapterPath) {
    if (adapterPath == null || adapterPath.isBlank()) {
      return 1.0;
    }
    java.nio.file.Path dir = java.nio.file.Path.of(adapterPath);
    if (!java.nio.file.Files.isRegularFile(dir.resolve(TemperatureScaling.FILE_NAME))) {
      return 1.0;
    }
    try {
      return TemperatureScaling.load(dir).temperature();
    } catch (java.io.UncheckedIOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public ModelVersionView find(long id) throws NotFoundException {
    return ModelVersionView.of(version(id));
  }

  @Override
  public List<ModelVersionView> list(long taxonomyId) throws NotFoundException {
    taxonomies.find(taxonomyId).orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    return modelVersions.findByTaxonomy(taxonomyId).stream().map(ModelVersionView::of).toList();
  }

  @Override
  public ModelVersionView activate(long id, String actor)
      throws NotFoundException, ModelLoadException {
    ModelVersion v = version(id);
    classifier.serve(v);
    modelVersions
        .findActive(v.taxonomy().id())
        .filter(active -> !active.id().equals(v.id()))
        .ifPresent(ModelVersion::retire);
    modelVersions.flush(); // retire first: at most one ACTIVE per taxonomy (unique index)
    v.activate();
    audit.record(new AuditEvent(actor, "model.activate", "ModelVersion", id, null));
    return ModelVersionView.of(v);
  }

  private ModelVersion version(long id) throws NotFoundException {
    return modelVersions.find(id).orElseThrow(() -> new NotFoundException("Model version", id));
  }

  @Override
  public Readiness readiness() {
    List<ModelVersion> active = modelVersions.findAllActive();
    int served = 0;
    StringBuilder missing = new StringBuilder();
    for (ModelVersion v : active) {
      if (classifier.servedVersion(v.taxonomy().id()).orElse(-1) == v.id()) {
        served++;
      } else {
        missing.append(missing.isEmpty() ? "" : ", ").append(v.id());
      }
    }
    if (active.isEmpty()) {
      return new Readiness(false, 0, 0, "no ACTIVE model version");
    }
    if (served < active.size()) {
      return new Readiness(
          false, active.size(), served, "ACTIVE model versions not loaded: " + missing);
    }
    return new Readiness(true, active.size(), served, "ok");
  }

  @Override
  public List<ModelVersionView> active() {
    return modelVersions.findAllActive().stream().map(ModelVersionView::of).toList();
  }
}
