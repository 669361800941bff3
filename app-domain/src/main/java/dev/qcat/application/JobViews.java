package dev.qcat.application;

import dev.qcat.domain.model.drift.DriftCheck;
import dev.qcat.domain.model.drift.DriftPolicy;
import dev.qcat.domain.model.job.JobRun;
import dev.qcat.domain.model.job.JobSchedule;
import java.time.OffsetDateTime;

/** Read models of jobs, schedules and drift checks (issue 7): plain records, safe outside a tx. */
public final class JobViews {

  private JobViews() {}

  /**
   * A job run as qcat records it; the batch status comes from the job repository.
   *
   * @param batchStatus STARTING, STARTED, STOPPING, STOPPED, FAILED, COMPLETED, ABANDONED, or null
   *     when not known here
   * @param exitStatus the job's exit status, or null
   * @param step optimizer steps done (training), or null
   * @param totalSteps optimizer steps of the run (training), or null
   * @param loss last step's loss in nats per answer token, or null
   * @param etaSeconds estimated seconds to the end, or null
   * @param result the job's result as a JSON object, or null
   * @param startTime when the newest execution started (job repository), or null when not known
   *     here or not started yet
   * @param endTime when the newest execution ended (job repository), or null while it runs or when
   *     not known here
   * @param durationSeconds seconds from the first start to the last update
   */
  public record JobRunView(
      long jobInstanceId,
      long executionId,
      String jobName,
      Long taxonomyId,
      String node,
      String startedBy,
      String parameters,
      String batchStatus,
      String exitStatus,
      Long step,
      Long totalSteps,
      Double loss,
      Double etaSeconds,
      String result,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt,
      OffsetDateTime startTime,
      OffsetDateTime endTime,
      double durationSeconds,
      String log) {

    public static JobRunView of(JobRun r, String batchStatus, String exitStatus, boolean withLog) {
      return new JobRunView(
          r.jobInstanceId(),
          r.lastExecutionId(),
          r.jobName(),
          r.taxonomyId().orElse(null),
          r.node(),
          r.startedBy(),
          r.parameters(),
          batchStatus,
          exitStatus,
          r.step().orElse(null),
          r.totalSteps().orElse(null),
          r.loss().orElse(null),
          r.etaSeconds().orElse(null),
          r.result().orElse(null),
          r.createdAt(),
          r.updatedAt(),
          null,
          null,
          java.time.Duration.between(r.createdAt(), r.updatedAt()).toMillis() / 1000.0,
          withLog ? r.log() : null);
    }

    /**
     * The same run with the batch status, exit status and times of its newest execution from the
     * job repository (each may be null).
     */
    public JobRunView withStatus(
        String batch, String exit, OffsetDateTime started, OffsetDateTime ended) {
      return new JobRunView(
          jobInstanceId,
          executionId,
          jobName,
          taxonomyId,
          node,
          startedBy,
          parameters,
          batch,
          exit,
          step,
          totalSteps,
          loss,
          etaSeconds,
          result,
          createdAt,
          updatedAt,
          started,
          ended,
          durationSeconds,
          log);
    }
  }

  /** A schedule; {@code cron} has 5 fields (minute first) or 6 (seconds first). */
  public record ScheduleView(
      long id,
      long taxonomyId,
      String jobName,
      String cron,
      String parameters,
      boolean enabled,
      OffsetDateTime lastFiredAt) {

    public static ScheduleView of(JobSchedule s) {
      return new ScheduleView(
          s.id(),
          s.taxonomyId(),
          s.jobName(),
          s.cron(),
          s.parameters(),
          s.enabled(),
          s.lastFiredAt().orElse(null));
    }
  }

  /** A stored drift check; figures null where they could not be computed. */
  public record DriftCheckView(
      long id,
      long taxonomyId,
      long modelVersionId,
      OffsetDateTime checkedAt,
      Long jobInstanceId,
      int validationExamples,
      Double accuracy,
      Double macroF1,
      String perCategory,
      int livePredictions,
      Double psi,
      Double ks,
      Double reviewRate,
      int auditExamples,
      Double auditAccuracy,
      String verdict,
      String reason) {

    public static DriftCheckView of(DriftCheck c) {
      return new DriftCheckView(
          c.id(),
          c.taxonomyId(),
          c.modelVersionId(),
          c.checkedAt(),
          c.jobInstanceId(),
          c.validationExamples(),
          c.accuracy(),
          c.macroF1(),
          c.perCategory(),
          c.livePredictions(),
          c.psi(),
          c.ks(),
          c.reviewRate(),
          c.auditExamples(),
          c.auditAccuracy(),
          c.verdict().name(),
          c.reason());
    }
  }

  /** A taxonomy's drift thresholds and retraining policy (see {@link DriftPolicy}). */
  public record DriftPolicyView(
      long taxonomyId,
      double minAccuracyWarn,
      double minAccuracyDrift,
      double minMacroF1Warn,
      double minMacroF1Drift,
      double psiWarn,
      double psiDrift,
      double ksWarn,
      double ksDrift,
      double maxReviewRateWarn,
      double maxReviewRateDrift,
      int recentDays,
      int minLivePredictions,
      boolean retrainOnDrift,
      double recallMargin) {

    public static DriftPolicyView of(DriftPolicy p) {
      return new DriftPolicyView(
          p.taxonomyId(),
          p.minAccuracyWarn(),
          p.minAccuracyDrift(),
          p.minMacroF1Warn(),
          p.minMacroF1Drift(),
          p.psiWarn(),
          p.psiDrift(),
          p.ksWarn(),
          p.ksDrift(),
          p.maxReviewRateWarn(),
          p.maxReviewRateDrift(),
          p.recentDays(),
          p.minLivePredictions(),
          p.retrainOnDrift(),
          p.recallMargin());
    }
  }
}
