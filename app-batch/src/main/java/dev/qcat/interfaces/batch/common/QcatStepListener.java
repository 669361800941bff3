package dev.qcat.interfaces.batch.common;

import dev.qcat.application.JobRecordService;
import jakarta.batch.api.listener.AbstractStepListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The work steps' listener: a step that fails writes why into the job's log (the exception and its
 * root cause), so the portal and {@code GET /jobs/{id}/log} show it, not only the exit status.
 */
@Named("qcatStepListener")
@Dependent
public class QcatStepListener extends AbstractStepListener {

  @Inject private JobContext job;
  @Inject private StepContext step;
  @Inject private JobRecordService records;

  @Override
  public void afterStep() {
    Exception e = step.getException();
    if (e != null) {
      records.log(job.getInstanceId(), "step " + step.getStepName() + " failed: " + describe(e));
    }
  }

  /**
   * @return the exception's class and message, with the root cause's when it is another. Never
   *     null.
   */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    return root == e
        ? text
        : text + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
