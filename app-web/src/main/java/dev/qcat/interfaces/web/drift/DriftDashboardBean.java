package dev.qcat.interfaces.web.drift;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.DriftService;
import dev.qcat.application.JobConflictException;
import dev.qcat.application.JobControl;
import dev.qcat.application.JobViews.DriftCheckView;
import dev.qcat.application.JobViews.DriftPolicyView;
import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.application.JobViews.ScheduleView;
import dev.qcat.application.ModelLifecycleService;
import dev.qcat.application.ModelLifecycleService.ModelVersionEntry;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.domain.model.job.JobName;
import dev.qcat.interfaces.web.Messages;
import dev.qcat.interfaces.web.TaxonomyPageBean;
import dev.qcat.interfaces.web.drift.DriftCharts.Figure;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.security.enterprise.SecurityContext;
import java.io.StringReader;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.primefaces.PrimeFaces;

/**
 * The drift dashboard (admin, issue 7): for one taxonomy, the time series of its drift checks with
 * the thresholds drawn, each check's verdict and reason, the latest check per category; its batch
 * jobs (history with status, times, duration and exit status; a run's log, result and import
 * report; start by hand, stop, restart; the running training's progress); its job schedules, listed
 * and edited. Thin over {@link DriftService} and {@link JobControl}: every figure shown is one the
 * drift-check job stored.
 */
@Named("drift")
@ViewScoped
public class DriftDashboardBean extends TaxonomyPageBean {

  private static final long serialVersionUID = 1L;

  /** Job runs shown in the history, newest first. */
  static final int MAX_RUNS = 100;

  /** Drift checks drawn, the newest ones. */
  static final int MAX_CHECKS = 200;

  /** Skipped import lines shown with a run's log. */
  static final int MAX_REPORT_LINES = 1000;

  private static final Set<String> RUNNING = Set.of("STARTING", "STARTED", "STOPPING");

  @EJB private TaxonomyService taxonomyService;
  @EJB private DriftService driftService;
  @EJB private JobControl jobs;
  @EJB private ModelLifecycleService lifecycle;
  @EJB private DatasetImportService datasetService;
  @Inject private SecurityContext security;

  private List<DriftCheckView> checks = List.of();
  private DriftPolicyView policy;
  private List<JobRunView> runs = List.of();

  /** Runs followed by the poll: running at the last look, or started from this page. */
  private final Set<Long> watched = new HashSet<>();

  private List<ScheduleView> schedules = List.of();
  private List<ModelVersionEntry> versions = List.of();

  private String trainingParameters = "";
  private Long evaluationVersionId;
  private Long evaluationDatasetId;
  private Split evaluationSplit = Split.TEST;

  private JobRunView shownRun;
  private List<ReportRow> shownReport = List.of();

  private String scheduleJob = JobName.DRIFT_CHECK.xmlName();
  private String scheduleCron = "0 3 * * *";
  private String scheduleParameters = "";
  private boolean scheduleEnabled = true;

  /** One category of the latest check: figures null where the check had none. */
  public record CategoryRow(
      String name, long support, Double recall, Double trainingShare, Double liveShare) {}

  /** One skipped line of an import run. */
  public record ReportRow(long line, String reason) {}

  /**
   * Opens on the newest taxonomy, or on the one named by the request parameter {@code taxonomy} (an
   * id).
   */
  @PostConstruct
  void init() {
    if (chooseTaxonomy(taxonomyService.list(), "taxonomy")) {
      loadTaxonomy();
    }
  }

  /** Loads everything of the chosen taxonomy. */
  public void loadTaxonomy() {
    shownRun = null;
    shownReport = List.of();
    checks = List.of();
    policy = null;
    versions = List.of();
    datasets = List.of();
    evaluationVersionId = null;
    evaluationDatasetId = null;
    watched.clear();
    if (taxonomyId == null) {
      runs = List.of();
      schedules = List.of();
      return;
    }
    try {
      checks = driftService.checks(taxonomyId, MAX_CHECKS);
      policy = driftService.policy(taxonomyId);
      versions = lifecycle.versions(taxonomyId);
      datasets = datasetService.list(taxonomyId);
    } catch (NotFoundException e) {
      Messages.warn("drift.taxonomyNotFound", taxonomyId);
    }
    evaluationVersionId =
        versions.stream()
            .filter(v -> v.status().equals("ACTIVE"))
            .map(ModelVersionEntry::id)
            .findFirst()
            .orElse(versions.isEmpty() ? null : versions.get(0).id());
    evaluationDatasetId = datasets.isEmpty() ? null : datasets.get(0).id();
    reloadRuns();
    reloadSchedules();
  }

  private void reloadChecks() {
    try {
      checks = driftService.checks(taxonomyId, MAX_CHECKS);
    } catch (NotFoundException e) {
      Messages.warn("drift.taxonomyNotFound", taxonomyId);
    }
  }

  private void reloadRuns() {
    runs = jobs.runs(taxonomyId, MAX_RUNS);
    for (JobRunView r : runs) {
      if (running(r)) {
        watched.add(r.jobInstanceId());
      }
    }
  }

  private void reloadSchedules() {
    Long id = taxonomyId;
    schedules =
        id == null
            ? List.of()
            : jobs.schedules().stream().filter(s -> s.taxonomyId() == id).toList();
  }

  // ------------------------------------------------------------------ jobs

  /**
   * Polled while a job runs or was just started here: refreshes the history and the progress; when
   * a followed run ends, says so and redraws the checks (a drift check adds one).
   */
  public void pollJobs() {
    if (taxonomyId == null) {
      return;
    }
    reloadRuns();
    boolean ended = false;
    Set<Long> listed = new HashSet<>();
    for (JobRunView r : runs) {
      listed.add(r.jobInstanceId());
      if (watched.contains(r.jobInstanceId()) && !running(r)) {
        watched.remove(r.jobInstanceId());
        ended = true;
        Messages.info(
            "drift.job.ended",
            r.jobName(),
            r.jobInstanceId(),
            r.batchStatus(),
            r.exitStatus() == null ? "" : r.exitStatus());
      }
    }
    watched.retainAll(listed);
    if (ended) {
      reloadChecks();
      reloadSchedules();
      PrimeFaces.current().ajax().update("checks", "schedules");
    }
  }

  /**
   * Starts a job of the chosen taxonomy by hand ({@code drift-check}, {@code lora-training}, {@code
   * retrain}; evaluation through {@link #startEvaluation}). Training jobs take the parameters typed
   * as {@code key=value} lines.
   */
  public void start(String jobName) {
    if (taxonomyId == null) {
      return;
    }
    Map<String, String> parameters = Map.of();
    if (JobName.of(jobName).map(JobName::trains).orElse(false)) {
      try {
        parameters = parameters(trainingParameters);
      } catch (IllegalArgumentException e) {
        Messages.error("drift.job.refused", jobName, e.getMessage());
        return;
      }
    }
    startJob(jobName, parameters);
  }

  /** Starts the evaluation job on the chosen version, dataset and split. */
  public void startEvaluation() {
    if (taxonomyId == null) {
      return;
    }
    if (evaluationVersionId == null || evaluationDatasetId == null) {
      Messages.error("drift.evaluation.missing");
      return;
    }
    Map<String, String> p = new LinkedHashMap<>();
    p.put("modelVersionId", Long.toString(evaluationVersionId));
    p.put("datasetId", Long.toString(evaluationDatasetId));
    p.put("split", evaluationSplit.name().toLowerCase(Locale.ROOT));
    startJob(JobName.EVALUATION.xmlName(), p);
  }

  private void startJob(String jobName, Map<String, String> parameters) {
    try {
      JobRunView r = jobs.start(jobName, taxonomyId, parameters, caller());
      watched.add(r.jobInstanceId());
      Messages.info("drift.job.started", jobName, r.jobInstanceId());
    } catch (JobConflictException | IllegalArgumentException e) {
      Messages.error("drift.job.refused", jobName, e.getMessage());
    } catch (NotFoundException e) {
      Messages.warn("drift.taxonomyNotFound", taxonomyId);
    }
    reloadRuns();
  }

  /** Asks a running job to stop (training keeps a checkpoint). */
  public void stop(long jobInstanceId) {
    try {
      jobs.stop(jobInstanceId, caller());
      Messages.info("drift.job.stopRequested", jobInstanceId);
    } catch (JobConflictException e) {
      Messages.error("drift.job.refused", jobInstanceId, e.getMessage());
    } catch (NotFoundException e) {
      Messages.warn("drift.job.notFound", jobInstanceId);
    }
    reloadRuns();
  }

  /** Restarts a STOPPED or FAILED job from its last checkpoint. */
  public void restart(long jobInstanceId) {
    try {
      jobs.restart(jobInstanceId, caller());
      watched.add(jobInstanceId);
      Messages.info("drift.job.restarted", jobInstanceId);
    } catch (JobConflictException e) {
      Messages.error("drift.job.refused", jobInstanceId, e.getMessage());
    } catch (NotFoundException e) {
      Messages.warn("drift.job.notFound", jobInstanceId);
    }
    reloadRuns();
  }

  /** Loads one run's log, result and (for an import) skipped lines for the log dialog. */
  public void showLog(long jobInstanceId) {
    try {
      shownRun = jobs.run(jobInstanceId);
      shownReport =
          jobs.report(jobInstanceId, MAX_REPORT_LINES).entrySet().stream()
              .map(e -> new ReportRow(e.getKey(), e.getValue()))
              .toList();
    } catch (NotFoundException e) {
      shownRun = null;
      shownReport = List.of();
      Messages.warn("drift.job.notFound", jobInstanceId);
    }
  }

  // ------------------------------------------------------------------ schedules

  /** Puts a schedule into the editor. */
  public void editSchedule(long id) {
    schedules.stream()
        .filter(s -> s.id() == id)
        .findFirst()
        .ifPresent(
            s -> {
              scheduleJob = s.jobName();
              scheduleCron = s.cron();
              scheduleParameters = s.parameters();
              scheduleEnabled = s.enabled();
            });
  }

  /** Creates or replaces the schedule of (taxonomy, job) from the editor; timers follow at once. */
  public void saveSchedule() {
    if (taxonomyId == null) {
      return;
    }
    try {
      ScheduleView s =
          jobs.saveSchedule(
              taxonomyId, scheduleJob, scheduleCron, scheduleParameters, scheduleEnabled, caller());
      Messages.info("drift.schedule.saved", s.jobName(), s.cron());
    } catch (IllegalArgumentException e) {
      Messages.error("drift.schedule.refused", e.getMessage());
    } catch (NotFoundException e) {
      Messages.warn("drift.taxonomyNotFound", taxonomyId);
    }
    reloadSchedules();
  }

  /** Deletes a schedule and its timer (after the confirmation dialog). */
  public void deleteSchedule(long id) {
    try {
      jobs.deleteSchedule(id, caller());
      Messages.info("drift.schedule.deleted");
    } catch (NotFoundException e) {
      Messages.warn("drift.schedule.notFound", id);
    }
    reloadSchedules();
  }

  private String caller() {
    return security.getCallerPrincipal().getName();
  }

  // ------------------------------------------------------------------ logic (unit-tested)

  /**
   * @return true while the run's newest execution is STARTING, STARTED or STOPPING
   */
  static boolean running(JobRunView r) {
    return r.batchStatus() != null && RUNNING.contains(r.batchStatus());
  }

  /**
   * The run's duration: from the newest execution's start to its end (to {@code now} while it
   * runs); without execution times (a run of an earlier deployment) qcat's own record, first start
   * to last update.
   *
   * @return seconds, ≥ 0
   */
  static double durationSeconds(JobRunView r, OffsetDateTime now) {
    if (r.startTime() == null) {
      return Math.max(0, r.durationSeconds());
    }
    OffsetDateTime end = r.endTime() != null ? r.endTime() : running(r) ? now : r.updatedAt();
    if (end == null) {
      return 0;
    }
    return Math.max(0, Duration.between(r.startTime(), end).toMillis() / 1000.0);
  }

  /**
   * @param seconds a duration, ≥ 0
   * @return "4.2 s", "3 min 05 s" or "2 h 07 min". Never null.
   */
  static String formatDuration(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      return "—";
    }
    if (Math.round(seconds * 10) < 600) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  /**
   * @return optimizer steps done, in whole percent of the run's steps, 0 to 100; 0 when unknown
   */
  static int percent(JobRunView r) {
    if (r.step() == null || r.totalSteps() == null || r.totalSteps() <= 0) {
      return 0;
    }
    return (int) Math.max(0, Math.min(100, r.step() * 100 / r.totalSteps()));
  }

  /**
   * Parses job parameters typed as {@code key=value} lines (blank lines and {@code #} comments
   * ignored, as in a schedule's parameters).
   *
   * @return the parameters in typed order. Never null.
   * @throws IllegalArgumentException naming the first line that is not {@code key=value}
   */
  static Map<String, String> parameters(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    if (text == null) {
      return m;
    }
    for (String line : text.split("\\R")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value but got '" + l + "'");
      }
      m.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
    }
    return m;
  }

  /**
   * Reads a check's per-category figures (a JSON array of {@code {name, support, recall,
   * trainingShare, liveShare}}, null where not computed).
   *
   * @return one row per category, in the stored order. Never null.
   * @throws jakarta.json.JsonException if the text is not such an array
   */
  static List<CategoryRow> categoryRows(String perCategoryJson) {
    if (perCategoryJson == null || perCategoryJson.isBlank()) {
      return List.of();
    }
    List<CategoryRow> rows = new ArrayList<>();
    try (JsonReader reader = Json.createReader(new StringReader(perCategoryJson))) {
      for (JsonValue v : reader.readArray()) {
        JsonObject o = v.asJsonObject();
        rows.add(
            new CategoryRow(
                o.getString("name"),
                o.containsKey("support") && !o.isNull("support")
                    ? o.getJsonNumber("support").longValue()
                    : 0,
                number(o, "recall"),
                number(o, "trainingShare"),
                number(o, "liveShare")));
      }
    }
    return rows;
  }

  private static Double number(JsonObject o, String key) {
    JsonValue v = o.get(key);
    return v instanceof JsonNumber n ? n.doubleValue() : null;
  }

  // ------------------------------------------------------------------ view getters

  /**
   * @param figureKey accuracy, macroF1, psi, ks or reviewRate
   * @return the Chart.js configuration of the figure over the checks. Never null.
   * @throws IllegalArgumentException for another key
   */
  public String chart(String figureKey) {
    Figure f = Figure.of(figureKey);
    return DriftCharts.chart(
        DriftCharts.series(f, checks, policy),
        Messages.text("drift.figure." + f.key()),
        Messages.text("drift.threshold.warn"),
        Messages.text("drift.threshold.drift"));
  }

  /**
   * @return the keys of the figures drawn, in order. Never null.
   */
  public List<String> getFigures() {
    return Arrays.stream(Figure.values()).map(Figure::key).toList();
  }

  /**
   * @return the newest check, or null
   */
  public DriftCheckView getLatest() {
    return checks.isEmpty() ? null : checks.get(checks.size() - 1);
  }

  /**
   * @return the checks, newest first (the table's order). Never null.
   */
  public List<DriftCheckView> getChecksNewestFirst() {
    List<DriftCheckView> l = new ArrayList<>(checks);
    java.util.Collections.reverse(l);
    return l;
  }

  /**
   * @return the newest check's per-category figures. Never null.
   */
  public List<CategoryRow> getLatestCategories() {
    DriftCheckView latest = getLatest();
    return latest == null ? List.of() : categoryRows(latest.perCategory());
  }

  /**
   * @return the version's name, or its id when it is not in the taxonomy's list. Never null.
   */
  public String versionName(long modelVersionId) {
    return versions.stream()
        .filter(v -> v.id() == modelVersionId)
        .map(ModelVersionEntry::name)
        .findFirst()
        .orElse("#" + modelVersionId);
  }

  /** The run's duration as text (see {@link #durationSeconds}). */
  public String duration(JobRunView r) {
    return formatDuration(durationSeconds(r, OffsetDateTime.now()));
  }

  public boolean isRunning(JobRunView r) {
    return running(r);
  }

  /** True for a STOPPED or FAILED run, which restarts from its last checkpoint. */
  public boolean isRestartable(JobRunView r) {
    return "STOPPED".equals(r.batchStatus()) || "FAILED".equals(r.batchStatus());
  }

  public int percentOf(JobRunView r) {
    return percent(r);
  }

  /** ETA of a training run as text, or "—" when unknown. */
  public String eta(JobRunView r) {
    return r.etaSeconds() == null ? "—" : formatDuration(r.etaSeconds());
  }

  /**
   * @return running runs that report optimizer steps (training), newest first. Never null.
   */
  public List<JobRunView> getTrainingRuns() {
    return runs.stream().filter(r -> running(r) && r.totalSteps() != null).toList();
  }

  /**
   * @return true while the poll has a run to follow
   */
  public boolean isAnyRunning() {
    return !watched.isEmpty();
  }

  /**
   * @return the label of a start button, e.g. "Start drift-check". Never null.
   */
  public String startLabel(String jobName) {
    return Messages.text("drift.start.job", jobName);
  }

  /**
   * @return the log dialog's title. Never null.
   */
  public String getLogTitle() {
    return shownRun == null
        ? Messages.text("drift.log")
        : Messages.text("drift.log.title", shownRun.jobInstanceId(), shownRun.jobName());
  }

  /**
   * @return every job's JSL name, for the schedule editor. Never null.
   */
  public List<String> getJobNames() {
    return Arrays.stream(JobName.values()).map(JobName::xmlName).toList();
  }

  public List<DriftCheckView> getChecks() {
    return checks;
  }

  public DriftPolicyView getPolicy() {
    return policy;
  }

  public List<JobRunView> getRuns() {
    return runs;
  }

  public List<ScheduleView> getSchedules() {
    return schedules;
  }

  public List<ModelVersionEntry> getVersions() {
    return versions;
  }

  public String getTrainingParameters() {
    return trainingParameters;
  }

  public void setTrainingParameters(String trainingParameters) {
    this.trainingParameters = trainingParameters;
  }

  public Long getEvaluationVersionId() {
    return evaluationVersionId;
  }

  public void setEvaluationVersionId(Long evaluationVersionId) {
    this.evaluationVersionId = evaluationVersionId;
  }

  public Long getEvaluationDatasetId() {
    return evaluationDatasetId;
  }

  public void setEvaluationDatasetId(Long evaluationDatasetId) {
    this.evaluationDatasetId = evaluationDatasetId;
  }

  public Split getEvaluationSplit() {
    return evaluationSplit;
  }

  public void setEvaluationSplit(Split evaluationSplit) {
    this.evaluationSplit = evaluationSplit;
  }

  public Split[] getSplits() {
    return Split.values();
  }

  public JobRunView getShownRun() {
    return shownRun;
  }

  public List<ReportRow> getShownReport() {
    return shownReport;
  }

  public String getScheduleJob() {
    return scheduleJob;
  }

  public void setScheduleJob(String scheduleJob) {
    this.scheduleJob = scheduleJob;
  }

  public String getScheduleCron() {
    return scheduleCron;
  }

  public void setScheduleCron(String scheduleCron) {
    this.scheduleCron = scheduleCron;
  }

  public String getScheduleParameters() {
    return scheduleParameters;
  }

  public void setScheduleParameters(String scheduleParameters) {
    this.scheduleParameters = scheduleParameters;
  }

  public boolean isScheduleEnabled() {
    return scheduleEnabled;
  }

  public void setScheduleEnabled(boolean scheduleEnabled) {
    this.scheduleEnabled = scheduleEnabled;
  }
}
