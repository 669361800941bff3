package dev.qcat.interfaces.batch.drift;

import dev.qcat.application.DriftService;
import dev.qcat.application.JobConflictException;
import dev.qcat.application.JobControl;
import dev.qcat.application.JobRecordService;
import dev.qcat.application.JobViews.DriftCheckView;
import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.interfaces.batch.common.JobParameters;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the ACTIVE model of the taxonomy ({@link DriftService#check}); exit status = the verdict.
 * The job's exit status is the verdict too. On DRIFT with {@code retrainOnDrift} in the taxonomy's
 * policy it starts the {@code retrain} job (on the training node; a conflict, e.g. a retrain
 * already running, is logged, not an error). The retrain takes the training settings of the job run
 * that trained the ACTIVE version ({@link #TRAINING_SETTINGS}), so a model trained with, say,
 * {@code modulesToSave=embed_tokens} is retrained the same way; the defaults otherwise (a version
 * registered by hand).
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
        Map<String, String> settings = trainingSettings(taxonomyId, c.modelVersionId());
        var retrain = control.start("retrain", taxonomyId, settings, "drift-check");
        result.add("retrainJobInstanceId", retrain.jobInstanceId());
        records.log(
            instance,
            "started retrain, job instance "
                + retrain.jobInstanceId()
                + (settings.isEmpty()
                    ? " with the default training settings"
                    : " with the settings that trained model version "
                        + c.modelVersionId()
                        + ": "
                        + settings));
      } catch (JobConflictException e) {
        records.log(instance, "retrain not started: " + e.getMessage());
      }
    }
    records.finish(instance, result.build().toString());
    job.setExitStatus(c.verdict());
    return c.verdict();
  }

  /** The job parameters a retrain inherits from the run that trained the checked version. */
  static final Set<String> TRAINING_SETTINGS =
      Set.of(
          "baseModelPath",
          "epochs",
          "batchSize",
          "learningRate",
          "r",
          "alpha",
          "dropout",
          "modulesToSave",
          "seed",
          "checkpointEvery",
          "validationFraction",
          "maxSequenceTokens");

  private Map<String, String> trainingSettings(long taxonomyId, long modelVersionId) {
    for (JobRunView r : records.runs(taxonomyId, 500)) {
      if ((r.jobName().equals("lora-training") || r.jobName().equals("retrain"))
          && trainedVersion(r.result()) == modelVersionId) {
        return settingsOf(r.parameters());
      }
    }
    return Map.of();
  }

  /**
   * @param result a training run's result JSON, or null
   * @return its {@code modelVersionId}, or -1
   */
  static long trainedVersion(String result) {
    if (result == null || !result.contains("\"modelVersionId\"")) {
      return -1;
    }
    try (var r = Json.createReader(new StringReader(result))) {
      JsonObject o = r.readObject();
      return o.containsKey("modelVersionId") ? o.getJsonNumber("modelVersionId").longValue() : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * @param parameters a run's parameters as recorded, one {@code key=value} per line
   * @return the {@link #TRAINING_SETTINGS} among them, in key order. Never null.
   */
  static Map<String, String> settingsOf(String parameters) {
    Map<String, String> out = new TreeMap<>();
    if (parameters == null) {
      return out;
    }
    for (String line : parameters.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && TRAINING_SETTINGS.contains(line.substring(0, eq))) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }
}
