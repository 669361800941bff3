package dev.qcat.interfaces.batch.common;

import dev.qcat.application.JobRecordService;
import jakarta.batch.api.listener.AbstractJobListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Every job's listener: logs the end and releases the (taxonomy, job) lock the job holds. */
@Named("qcatJobListener")
@Dependent
public class QcatJobListener extends AbstractJobListener {

  @Inject private JobContext job;
  @Inject private JobRecordService records;

  @Override
  public void afterJob() {
    long instance = job.getInstanceId();
    JobParameters p = JobParameters.of(job);
    records.unlock(p.taxonomyId(), job.getJobName(), instance);
    records.log(
        instance,
        "execution "
            + job.getExecutionId()
            + " finished on "
            + Node.name()
            + (job.getExitStatus() == null ? "" : " with exit status " + job.getExitStatus()));
  }
}
