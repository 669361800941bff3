package dev.qcat.interfaces.batch.evaluation;

import dev.qcat.application.EvaluationService;
import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.application.JobRecordService;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.interfaces.batch.common.JobParameters;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import java.util.concurrent.CancellationException;

/**
 * Scores model version {@code modelVersionId} on split {@code split} (default test) of dataset
 * {@code datasetId} with {@link EvaluationService#evaluate}, which stores the evaluation. Progress
 * (examples scored / total) goes to the job run; {@code JobOperator.stop} cancels between batches
 * (nothing is stored then).
 */
@Named("evaluationBatchlet")
@Dependent
public class EvaluationBatchlet extends AbstractBatchlet {

  @Inject private JobContext job;
  @Inject private EvaluationService evaluations;
  @Inject private JobRecordService records;

  private volatile boolean stopRequested;

  @Override
  public String process() throws Exception {
    long instance = job.getInstanceId();
    JobParameters p = JobParameters.of(job);
    long modelVersionId = p.number("modelVersionId");
    long datasetId = p.number("datasetId");
    String splitName = p.text("split", "test");
    Split split =
        Split.parse(splitName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "split is '" + splitName + "'; expected train, valid or test"));
    long started = System.nanoTime();
    EvaluationView v;
    try {
      v =
          evaluations.evaluate(
              modelVersionId,
              datasetId,
              split,
              "job:" + job.getJobName(),
              (done, total) -> {
                if (stopRequested) {
                  throw new CancellationException("stopped");
                }
                double elapsed = (System.nanoTime() - started) / 1e9;
                double eta = done == 0 ? Double.NaN : elapsed / done * (total - done);
                records.progress(instance, done, total, Double.NaN, eta);
              });
    } catch (RuntimeException e) {
      if (stopRequested) {
        records.log(instance, "evaluation stopped; nothing stored");
        return "STOPPED";
      }
      throw e;
    }
    records.log(
        instance,
        "evaluation "
            + v.id()
            + " of model version "
            + modelVersionId
            + " on "
            + v.datasetName()
            + "/"
            + v.split()
            + ": "
            + v.examples()
            + " examples, accuracy "
            + v.accuracy()
            + ", macro-F1 "
            + v.macroF1());
    records.finish(
        instance,
        Json.createObjectBuilder()
            .add("evaluationId", v.id())
            .add("modelVersionId", modelVersionId)
            .add("examples", v.examples())
            .add("accuracy", v.accuracy())
            .add("macroF1", v.macroF1())
            .add("ece", v.ece())
            .build()
            .toString());
    return "COMPLETED";
  }

  @Override
  public void stop() {
    stopRequested = true;
  }
}
