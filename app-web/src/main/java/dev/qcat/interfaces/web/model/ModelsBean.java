package dev.qcat.interfaces.web.model;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.EvaluationRunner;
import dev.qcat.application.EvaluationRunner.EvaluationRun;
import dev.qcat.application.EvaluationService;
import dev.qcat.application.EvaluationService.EvaluationDetail;
import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.application.ModelLifecycleService;
import dev.qcat.application.ModelLifecycleService.ModelVersionEntry;
import dev.qcat.application.ModelVersionService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.application.Views.TaxonomyView;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.domain.model.evaluation.OperatingPoint;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.interfaces.web.Messages;
import dev.qcat.interfaces.web.TaxonomyPageBean;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;
import java.util.List;
import java.util.Optional;
import org.primefaces.PrimeFaces;
import org.primefaces.event.SlideEndEvent;

/**
 * The Models page (admin): a taxonomy's model versions with accuracy, macro-F1 and ECE of their
 * last evaluation; one selected version in detail (its evaluations, per-category table, heat map,
 * reliability diagram, operating curve with a threshold slider); "evaluate now" in the background
 * with a progress bar; set threshold; activate and roll back (confirmed in a dialog).
 */
@Named("models")
@ViewScoped
public class ModelsBean extends TaxonomyPageBean {

  private static final long serialVersionUID = 1L;

  /**
   * The slider's range, in whole percent (step 1): the operating curve's thresholds 0.50–0.95.
   * Whole percents keep the slider free of binary-fraction drift (0.75 − 10 × 0.01 ≠ 0.65).
   */
  public static final int MIN_THRESHOLD_PERCENT = 50;

  public static final int MAX_THRESHOLD_PERCENT = 95;

  @EJB private TaxonomyService taxonomyService;
  @EJB private DatasetImportService datasetService;
  @EJB private ModelLifecycleService lifecycle;
  @EJB private ModelVersionService modelVersions;
  @EJB private EvaluationService evaluationService;
  @EJB private EvaluationRunner runner;
  @Inject private SecurityContext security;

  private List<ModelVersionEntry> versions = List.of();
  private Long rollbackTargetId;
  private Long selectedId;
  private List<EvaluationView> evaluations = List.of();
  private Long evaluationId;
  private EvaluationDetail detail;
  private int thresholdPercent = 75;
  private Long datasetId;
  private Split split = Split.TEST;
  private String runId;
  private EvaluationRun run;

  /**
   * Opens on the newest taxonomy, or on the one named by the request parameter {@code taxonomy} (an
   * id), with the version of parameter {@code version} selected (links from the home page).
   */
  @PostConstruct
  void init() {
    if (!chooseTaxonomy(taxonomyService.list(), "taxonomy")) {
      return;
    }
    loadTaxonomy();
    Long version = parseId(requestParameter("version"));
    if (version != null && selectedEntryById(version).isPresent()) {
      select(version);
    }
  }

  /** Loads the chosen taxonomy's versions and datasets; clears the selection. */
  public void loadTaxonomy() {
    selectedId = null;
    detail = null;
    evaluations = List.of();
    evaluationId = null;
    runId = null;
    run = null;
    reloadVersions();
    datasets = List.of();
    datasetId = null;
    if (taxonomyId != null) {
      try {
        datasets = datasetService.list(taxonomyId);
      } catch (NotFoundException e) {
        Messages.warn("models.taxonomyNotFound", taxonomyId);
      }
      datasetId = datasets.isEmpty() ? null : datasets.get(0).id();
    }
  }

  private void reloadVersions() {
    versions = List.of();
    rollbackTargetId = null;
    if (taxonomyId == null) {
      return;
    }
    try {
      versions = lifecycle.versions(taxonomyId);
      rollbackTargetId = lifecycle.rollbackTarget(taxonomyId).orElse(null);
    } catch (NotFoundException e) {
      Messages.warn("models.taxonomyNotFound", taxonomyId);
    }
  }

  /** Shows one version in detail, with its newest evaluation. */
  public void select(long id) {
    if (selectedEntryById(id).isEmpty()) {
      Messages.warn("models.versionNotFound", id);
      return;
    }
    selectedId = id;
    ModelVersionEntry v = getSelected();
    double start =
        v.threshold() != null
            ? v.threshold()
            : taxonomies.stream()
                .filter(t -> t.id() == taxonomyId)
                .mapToDouble(TaxonomyView::reviewThreshold)
                .findFirst()
                .orElse(0.75);
    thresholdPercent = clampToSlider((int) Math.round(start * 100));
    evaluations = evaluationService.list(id);
    showEvaluation(evaluations.isEmpty() ? null : evaluations.get(0).id());
    run = runner.runs(id).stream().filter(r -> !r.state().finished()).findFirst().orElse(null);
    runId = run == null ? null : run.id();
    if (run != null) {
      PrimeFaces.current().executeScript("PF('runPoll').start()");
    }
  }

  /** Shows the evaluation chosen in the history menu. */
  public void chooseEvaluation() {
    showEvaluation(evaluationId);
  }

  private void showEvaluation(Long id) {
    evaluationId = id;
    detail = null;
    if (id == null) {
      return;
    }
    try {
      detail = evaluationService.detail(id);
    } catch (NotFoundException e) {
      Messages.warn("models.evaluationNotFound", id);
    }
  }

  /** Slider moved (mouse or arrow keys): keep the value, the readout follows. */
  public void onSlideEnd(SlideEndEvent event) {
    thresholdPercent = clampToSlider((int) Math.round(event.getValue()));
  }

  /** Threshold typed into the field. */
  public void onThresholdTyped() {
    thresholdPercent = clampToSlider(thresholdPercent);
  }

  static int clampToSlider(int percent) {
    return Math.max(MIN_THRESHOLD_PERCENT, Math.min(MAX_THRESHOLD_PERCENT, percent));
  }

  /**
   * @return the chosen threshold, fraction in [0.50, 0.95]
   */
  public double getThreshold() {
    return thresholdPercent / 100.0;
  }

  /**
   * @return the operating-curve point of the chosen threshold, or null without an evaluation
   */
  public OperatingPoint getPoint() {
    if (detail == null) {
      return null;
    }
    OperatingPoint best = null;
    for (OperatingPoint p : detail.operatingCurve()) {
      double threshold = getThreshold();
      if (best == null
          || Math.abs(p.threshold() - threshold) < Math.abs(best.threshold() - threshold)) {
        best = p;
      }
    }
    return best;
  }

  /** Makes the slider's threshold the selected version's review threshold. */
  public void applyThreshold() {
    if (selectedId == null) {
      return;
    }
    try {
      lifecycle.changeThreshold(selectedId, getThreshold(), caller());
      Messages.info("models.thresholdSet", getSelected().name(), getThreshold());
      reloadVersions();
    } catch (NotFoundException e) {
      Messages.warn("models.versionNotFound", selectedId);
    } catch (IllegalArgumentException e) {
      Messages.error("models.refused", e.getMessage());
    }
  }

  /** Starts an evaluation of the selected version in the background. */
  public void evaluate() {
    if (selectedId == null) {
      return;
    }
    if (datasetId == null) {
      Messages.error("models.evaluate.noDataset");
      return;
    }
    run = runner.start(selectedId, datasetId, split, caller());
    runId = run.id();
    Messages.info("models.evaluate.started", getSelected().name());
  }

  /**
   * Polled while a run is going: refreshes the progress bar; when the run ends, renders the version
   * table, the detail and the message. The poll renders nothing else (it ignores auto-update), so a
   * tick answered after another request never wipes that request's message.
   */
  public void pollRun() {
    if (runId == null) {
      return;
    }
    run = runner.find(runId).orElse(null);
    if (run != null && !run.state().finished()) {
      PrimeFaces.current().ajax().update("detail:progress");
      return;
    }
    PrimeFaces.current().ajax().update("versions", "detail", "messages");
    if (run == null) {
      runId = null;
      return;
    }
    if (run.state() == EvaluationRunner.State.CANCELLED) {
      Messages.info("models.evaluate.cancelled", run.done(), run.total());
    } else if (run.state() == EvaluationRunner.State.DONE) {
      Messages.info("models.evaluate.done", getSelected() == null ? "" : getSelected().name());
      reloadVersions();
      if (selectedId != null && selectedId == run.modelVersionId()) {
        evaluations = evaluationService.list(selectedId);
        showEvaluation(run.evaluationId());
      }
    } else {
      Messages.error("models.evaluate.failed", run.error());
    }
    runId = null;
  }

  /** Asks the running evaluation to stop; the poll shows when it has. */
  public void cancelEvaluation() {
    Optional<EvaluationRun> now = runner.cancel(runId);
    if (now.isEmpty() || now.get().state().finished()) {
      Messages.warn("models.evaluate.notRunning");
      return;
    }
    run = now.get();
    Messages.info("models.evaluate.cancelling");
  }

  /** Activates the selected version (after the confirmation dialog). */
  public void activate() {
    if (selectedId == null) {
      return;
    }
    try {
      ModelVersionView v = modelVersions.activate(selectedId, caller());
      Messages.info("models.activated", v.name());
    } catch (NotFoundException e) {
      Messages.warn("models.versionNotFound", selectedId);
    } catch (ModelLoadException e) {
      Messages.error("models.loadFailed", e.getMessage());
    }
    reloadVersions();
  }

  /** Activates the version that was ACTIVE before (after the confirmation dialog). */
  public void rollback() {
    if (taxonomyId == null) {
      return;
    }
    try {
      ModelVersionView v = lifecycle.rollback(taxonomyId, caller());
      Messages.info("models.rolledBack", v.name());
    } catch (NotFoundException e) {
      Messages.warn("models.taxonomyNotFound", taxonomyId);
    } catch (ModelLoadException e) {
      Messages.error("models.loadFailed", e.getMessage());
    } catch (IllegalArgumentException e) {
      Messages.error("models.refused", e.getMessage());
    }
    reloadVersions();
  }

  private String caller() {
    return security.getCallerPrincipal().getName();
  }

  private Optional<ModelVersionEntry> selectedEntryById(long id) {
    return versions.stream().filter(v -> v.id() == id).findFirst();
  }

  /**
   * @return the selected version, or null
   */
  public ModelVersionEntry getSelected() {
    return selectedId == null ? null : selectedEntryById(selectedId).orElse(null);
  }

  /**
   * @return the name of the version a roll back would activate, or null when there is none
   */
  public String getRollbackTargetName() {
    return rollbackTargetId == null
        ? null
        : selectedEntryById(rollbackTargetId).map(ModelVersionEntry::name).orElse(null);
  }

  /**
   * @return the ACTIVE version's name, or null
   */
  public String getActiveName() {
    return versions.stream()
        .filter(v -> v.status().equals("ACTIVE"))
        .map(ModelVersionEntry::name)
        .findFirst()
        .orElse(null);
  }

  public boolean isRunning() {
    return run != null && !run.state().finished();
  }

  public List<ModelVersionEntry> getVersions() {
    return versions;
  }

  public Long getSelectedId() {
    return selectedId;
  }

  public void setSelectedId(Long selectedId) {
    this.selectedId = selectedId;
  }

  public List<EvaluationView> getEvaluations() {
    return evaluations;
  }

  public Long getEvaluationId() {
    return evaluationId;
  }

  public void setEvaluationId(Long evaluationId) {
    this.evaluationId = evaluationId;
  }

  public EvaluationDetail getDetail() {
    return detail;
  }

  public int getThresholdPercent() {
    return thresholdPercent;
  }

  public void setThresholdPercent(int thresholdPercent) {
    this.thresholdPercent = thresholdPercent;
  }

  public int getMinThresholdPercent() {
    return MIN_THRESHOLD_PERCENT;
  }

  public int getMaxThresholdPercent() {
    return MAX_THRESHOLD_PERCENT;
  }

  public Long getDatasetId() {
    return datasetId;
  }

  public void setDatasetId(Long datasetId) {
    this.datasetId = datasetId;
  }

  public Split getSplit() {
    return split;
  }

  public void setSplit(Split split) {
    this.split = split;
  }

  public Split[] getSplits() {
    return Split.values();
  }

  public EvaluationRun getRun() {
    return run;
  }
}
