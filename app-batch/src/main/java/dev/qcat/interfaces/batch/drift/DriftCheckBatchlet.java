package dev.qcat.interfaces.batch.drift;

import dev.qcat.application.DriftService;
import dev.qcat.application.JobConflictException;
import dev.qcat.application.JobControl;
import dev.qcat.application.JobRecordService;
import dev.qcat.application.JobViews.DriftCheckView;
import dev.qcat.interfaces.batch.common.JobParameters;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import java.util.Map;

/**
 * Checks the ACTIVE model of the taxonomy ({@link DriftService#check}); exit status = the verdict.
 * The job's exit status is the verdict too. On DRIFT with {@code retrainOnDrift} in the taxonomy's
 * policy it starts the {@code retrain} job (on the training node; a conflict, e.g. a retrain
 * already running, is logged, not an error).
 */
@Named("driftCheckBatchlet")
@Dependent
public class DriftCheckBatchlet extends AbstractBatchlet {

  @Inject private JobContext job;
  @Inject private DriftService drift;
  @Inject private JobRecordService records;
  @Inject private JobControl control;

  @Override
  public String process() throws Exception {
    long taxonomyId = JobParameters.of(job).taxonomyId();
    long instance = job.getInstanceId();
    DriftCheckView c = drift.check(taxonomyId, instance);
    records.log(instance, "drift check " + c.id() + ": " + c.verdict() + " — " + c.reason());
    var result =
        Json.createObjectBuilder()
            .add("driftCheckId", c.id())
            .add("modelVersionId", c.modelVersionId())
            .add("verdict", c.verdict())
            .add("reason", c.reason());
    if (c.verdict().equals("DRIFT") && drift.policy(taxonomyId).retrainOnDrift()) {
      try {
        var retrain = control.start("retrain", taxonomyId, Map.of(), "drift-check");
        result.add("retrainJobInstanceId", retrain.jobInstanceId());
        records.log(instance, "started retrain, job instance " + retrain.jobInstanceId());
      } catch (JobConflictException e) {
        records.log(instance, "retrain not started: " + e.getMessage());
      }
    }
    records.finish(instance, result.build().toString());
    job.setExitStatus(c.verdict());
    return c.verdict();
  }
}
