package dev.qcat.interfaces.batch.common;

import dev.qcat.application.JobRecordService;
import dev.qcat.domain.model.job.JobName;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.EnumSet;

/**
 * First step of every job (also on restart: {@code allow-start-if-complete}): takes the lock of
 * (taxonomy, job) for this job instance. Exit status {@code LOCKED} when another instance of the
 * same job runs for the taxonomy (the job then ends without doing anything), {@code WRONG_NODE}
 * when the job trains and this is not the training node; otherwise {@code LOCKED_BY_ME}.
 */
@Named("jobLockBatchlet")
@Dependent
public class JobLockBatchlet extends AbstractBatchlet {

  /** Exit status when the lock is held by a running instance. */
  public static final String LOCKED = "LOCKED";

  private static final EnumSet<BatchStatus> RUNNING =
      EnumSet.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING);

  @Inject private JobContext job;
  @Inject private JobRecordService records;

  @Override
  public String process() {
    JobParameters p = JobParameters.of(job);
    long instance = job.getInstanceId();
    records.begin(
        instance,
        job.getExecutionId(),
        job.getJobName(),
        p.taxonomyId(),
        Node.name(),
        p.startedBy(),
        JobLockBatchlet.describe(p, job));
    if (JobName.of(job.getJobName()).map(JobName::trains).orElse(false) && !Node.mayTrain()) {
      records.log(
          instance,
          "not started: training runs on instance "
              + Node.trainingNode().orElse("?")
              + ", this is "
              + Node.name());
      return "WRONG_NODE";
    }
    boolean locked =
        records.tryLock(
            p.taxonomyId(), job.getJobName(), instance, Node.name(), id -> running(records, id));
    if (!locked) {
      records.log(
          instance,
          "not started: " + job.getJobName() + " already runs for taxonomy " + p.taxonomyId());
      return LOCKED;
    }
    return "LOCKED_BY_ME";
  }

  /**
   * @return true if the newest execution of the job instance (as qcat recorded it) is STARTING,
   *     STARTED or STOPPING in the job repository
   */
  public static boolean running(JobRecordService records, long jobInstanceId) {
    return records
        .run(jobInstanceId)
        .map(
            r -> {
              try {
                return RUNNING.contains(
                    BatchRuntime.getJobOperator()
                        .getJobExecution(r.executionId())
                        .getBatchStatus());
              } catch (jakarta.batch.operations.NoSuchJobExecutionException
                  | jakarta.batch.operations.JobSecurityException e) {
                return false; // gone, or of an earlier deployment (not running in this one)
              }
            })
        .orElse(false);
  }

  private static String describe(JobParameters p, JobContext job) {
    var props = BatchRuntime.getJobOperator().getParameters(job.getExecutionId());
    StringBuilder b = new StringBuilder();
    if (props != null) {
      props.stringPropertyNames().stream()
          .sorted()
          .forEach(k -> b.append(k).append('=').append(props.getProperty(k)).append('\n'));
    }
    return b.toString();
  }
}
