package dev.qcat.interfaces.batch;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.JobConflictException;
import dev.qcat.application.JobControl;
import dev.qcat.application.JobRecordService;
import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.application.JobViews.ScheduleView;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.domain.model.job.JobName;
import dev.qcat.interfaces.batch.common.JobLockBatchlet;
import dev.qcat.interfaces.batch.common.JobParameters;
import dev.qcat.interfaces.batch.common.Node;
import dev.qcat.interfaces.batch.schedule.JobScheduler;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.JobSecurityException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * {@link JobControl} on the JobOperator. Calls run outside any transaction (the batch runtime
 * writes its repository in its own; Payara issue #5133). A start checks the (taxonomy, job) lock
 * first, so a second start answers a conflict at once; the job's own lock step decides races.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class BatchJobControl implements JobControl {

  private static final Logger LOG = Logger.getLogger(BatchJobControl.class.getName());

  private static final EnumSet<BatchStatus> RUNNING =
      EnumSet.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING);

  @Inject private JobRecordService records;
  @Inject private TaxonomyService taxonomies;
  @Inject private DatasetImportService datasets;
  @EJB private JobScheduler scheduler;

  private static JobOperator operator() {
    return BatchRuntime.getJobOperator();
  }

  @Override
  public JobRunView start(
      String jobName, long taxonomyId, Map<String, String> parameters, String actor)
      throws NotFoundException, JobConflictException {
    JobName job =
        JobName.of(jobName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown job '"
                            + jobName
                            + "' (expected dataset-import, lora-training, evaluation, drift-check or retrain)"));
    if (job == JobName.EVALUATION
        && (parameters.get("modelVersionId") == null || parameters.get("datasetId") == null)) {
      throw new IllegalArgumentException(
          "evaluation needs parameters modelVersionId and datasetId");
    }
    taxonomies.find(taxonomyId);
    if (job == JobName.DATASET_IMPORT) {
      String ds = parameters.get("datasetId");
      if (ds == null || parameters.get("file") == null) {
        throw new IllegalArgumentException("dataset-import needs parameters datasetId and file");
      }
      long datasetId;
      try {
        datasetId = Long.parseLong(ds);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("datasetId must be a whole number but is '" + ds + "'");
      }
      if (datasets.find(datasetId).taxonomyId() != taxonomyId) {
        throw new IllegalArgumentException(
            "dataset " + datasetId + " does not belong to taxonomy " + taxonomyId);
      }
    }
    if (job.trains() && !Node.mayTrain()) {
      throw new JobConflictException(
          "training runs on instance "
              + Node.trainingNode().orElse("?")
              + " (qcat.training.node); this is "
              + Node.name());
    }
    for (JobRunView r : records.runs(taxonomyId, 50)) {
      if (r.jobName().equals(job.xmlName())
          && status(r.executionId()) != null
          && RUNNING.contains(status(r.executionId()))) {
        throw new JobConflictException(
            job.xmlName()
                + " already runs for taxonomy "
                + taxonomyId
                + " (job instance "
                + r.jobInstanceId()
                + ")");
      }
    }
    Properties p = new Properties();
    parameters.forEach(p::setProperty);
    p.setProperty(JobParameters.TAXONOMY_ID, Long.toString(taxonomyId));
    p.setProperty(JobParameters.STARTED_BY, actor);
    long execution = operator().start(job.xmlName(), p);
    long instance = operator().getJobInstance(execution).getInstanceId();
    LOG.info(() -> job.xmlName() + " started by " + actor + ": instance " + instance);
    return awaitRecord(instance, execution, job.xmlName(), taxonomyId, actor, p);
  }

  /** The run as the job's lock step records it (it may take a moment to start). */
  private JobRunView awaitRecord(
      long instance, long execution, String jobName, Long taxonomyId, String actor, Properties p) {
    for (int i = 0; i < 50; i++) {
      var r = records.run(instance);
      if (r.isPresent() && r.get().executionId() == execution) {
        return withStatus(r.get());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    BatchStatus s = status(execution);
    return new JobRunView(
        instance,
        execution,
        jobName,
        taxonomyId,
        Node.name(),
        actor,
        p.toString(),
        s == null ? null : s.name(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        null);
  }

  @Override
  public JobRunView restart(long jobInstanceId, String actor)
      throws NotFoundException, JobConflictException {
    JobRunView r = record(jobInstanceId);
    recoverIfDead(r);
    BatchStatus s = status(r.executionId());
    if (s == null || !(s == BatchStatus.STOPPED || s == BatchStatus.FAILED)) {
      throw new JobConflictException(
          "job instance " + jobInstanceId + " is " + s + "; only STOPPED or FAILED jobs restart");
    }
    if (JobName.of(r.jobName()).map(JobName::trains).orElse(false) && !Node.mayTrain()) {
      throw new JobConflictException(
          "training runs on instance "
              + Node.trainingNode().orElse("?")
              + "; this is "
              + Node.name());
    }
    Properties p = operator().getParameters(r.executionId());
    p.setProperty(JobParameters.STARTED_BY, actor);
    long execution = operator().restart(r.executionId(), p);
    LOG.info(() -> r.jobName() + " instance " + jobInstanceId + " restarted by " + actor);
    return awaitRecord(jobInstanceId, execution, r.jobName(), r.taxonomyId(), actor, p);
  }

  @Override
  public JobRunView stop(long jobInstanceId, String actor)
      throws NotFoundException, JobConflictException {
    JobRunView r = record(jobInstanceId);
    BatchStatus s = status(r.executionId());
    if (s == null || !RUNNING.contains(s)) {
      throw new JobConflictException(
          "job instance " + jobInstanceId + " is " + s + ", not running");
    }
    operator().stop(r.executionId());
    records.log(jobInstanceId, "stop requested by " + actor);
    return run(jobInstanceId);
  }

  @Override
  public JobRunView run(long jobInstanceId) throws NotFoundException {
    JobRunView r = record(jobInstanceId);
    if (r.node().equals(Node.name())) {
      recoverIfDead(r);
    }
    return withStatus(r);
  }

  @Override
  public List<JobRunView> runs(Long taxonomyId, int max) {
    return records.runs(taxonomyId, max).stream().map(this::withStatus).toList();
  }

  @Override
  public Map<Long, String> report(long jobInstanceId, int max) throws NotFoundException {
    record(jobInstanceId);
    return records.reportedLines(jobInstanceId, max);
  }

  @Override
  public List<ScheduleView> schedules() {
    return records.schedules();
  }

  @Override
  public ScheduleView saveSchedule(
      long taxonomyId,
      String jobName,
      String cron,
      String parameters,
      boolean enabled,
      String actor)
      throws NotFoundException {
    ScheduleView v = records.saveSchedule(taxonomyId, jobName, cron, parameters, enabled, actor);
    scheduler.reschedule();
    return v;
  }

  @Override
  public void deleteSchedule(long id, String actor) throws NotFoundException {
    records.deleteSchedule(id, actor);
    scheduler.reschedule();
  }

  private JobRunView record(long jobInstanceId) throws NotFoundException {
    return records
        .run(jobInstanceId)
        .orElseThrow(() -> new NotFoundException("Job run", jobInstanceId));
  }

  /**
   * The run with the batch status from the job repository. Payara's batch runtime answers only for
   * jobs of the current deployment of the application (its "apptag"): a run started before the EAR
   * was redeployed keeps a null status here (JobSecurityException), and cannot be restarted.
   */
  private JobRunView withStatus(JobRunView r) {
    try {
      JobExecution e = operator().getJobExecution(r.executionId());
      return r.withStatus(
          e.getBatchStatus().name(),
          e.getExitStatus(),
          offsetDateTime(e.getStartTime()),
          offsetDateTime(e.getEndTime()));
    } catch (NoSuchJobExecutionException | JobSecurityException e) {
      return r;
    }
  }

  private static OffsetDateTime offsetDateTime(Date d) {
    return d == null ? null : d.toInstant().atZone(ZoneId.systemDefault()).toOffsetDateTime();
  }

  private static BatchStatus status(long execution) {
    try {
      return operator().getJobExecution(execution).getBatchStatus();
    } catch (NoSuchJobExecutionException | JobSecurityException e) {
      return null;
    }
  }

  /**
   * Marks the newest execution of a run FAILED if it is recorded on this node, the job repository
   * still shows it running, and it was created before this JVM started: it died with the previous
   * JVM (kill -9, power loss), and nothing else will ever end it.
   */
  private void recoverIfDead(JobRunView r) {
    if (!r.node().equals(Node.name())) {
      return;
    }
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    JobExecution e;
    try {
      e = operator().getJobExecution(r.executionId());
    } catch (NoSuchJobExecutionException | JobSecurityException gone) {
      return;
    }
    if (!RUNNING.contains(e.getBatchStatus())
        || e.getCreateTime() == null
        || e.getCreateTime().getTime() >= jvmStart) {
      return;
    }
    if (records.markExecutionsFailed(
            List.of(r.executionId()), "FAILED: the server stopped while it ran")
        > 0) {
      records.log(
          r.jobInstanceId(),
          "execution " + r.executionId() + " was interrupted by a server stop; marked FAILED");
      LOG.warning(
          () -> "job execution " + r.executionId() + " interrupted by a server stop: FAILED");
    }
  }

  /** For the scheduler and recovery: whether a recorded instance still runs. */
  public boolean running(long jobInstanceId) {
    return JobLockBatchlet.running(records, jobInstanceId);
  }
}
