package dev.qcat.interfaces.batch.training;

import dev.qcat.application.JobRecordService;
import dev.qcat.application.RetrainingService;
import dev.qcat.application.RetrainingService.GateDecision;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;

/**
 * Second step of {@code retrain}: runs the promotion gate ({@link RetrainingService#gate}) on the
 * candidate the training step registered (read back from the job run, so a restart finds it). Exit
 * status PROMOTED or KEPT_CANDIDATE.
 */
@Named("promotionGateBatchlet")
@Dependent
public class PromotionGateBatchlet extends AbstractBatchlet {

  @Inject private JobContext job;
  @Inject private RetrainingService retraining;
  @Inject private JobRecordService records;

  @Override
  public String process() throws Exception {
    long instance = job.getInstanceId();
    String result =
        records
            .run(instance)
            .map(r -> r.result())
            .orElseThrow(() -> new IllegalStateException("no result of the training step"));
    JsonObject trained;
    try (var r = Json.createReader(new StringReader(result))) {
      trained = r.readObject();
    }
    long candidate = trained.getJsonNumber("modelVersionId").longValue();
    GateDecision d = retraining.gate(candidate, "job:" + job.getJobName());
    records.log(instance, "promotion gate for model version " + candidate + ": " + d.reason());
    var out = Json.createObjectBuilder();
    trained.forEach(out::add);
    try (var r = Json.createReader(new StringReader(d.detailsJson()))) {
      out.add("gate", r.readObject());
    }
    out.add("promoted", d.promoted());
    records.finish(instance, out.build().toString());
    String exit = d.promoted() ? "PROMOTED" : "KEPT_CANDIDATE";
    job.setExitStatus(exit);
    return exit;
  }
}
