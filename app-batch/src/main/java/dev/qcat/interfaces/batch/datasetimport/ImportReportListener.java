package dev.qcat.interfaces.batch.datasetimport;

import dev.qcat.application.JobRecordService;
import jakarta.batch.api.chunk.listener.SkipProcessListener;
import jakarta.batch.api.listener.StepListener;
import jakarta.batch.runtime.Metric;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Writes each skipped line (number and reason) to the import report, and the counts to the job's
 * log and result when the step ends.
 */
@Named("importReportListener")
@Dependent
public class ImportReportListener implements SkipProcessListener, StepListener {

  @Inject private JobContext job;
  @Inject private StepContext step;
  @Inject private JobRecordService records;

  @Override
  public void onSkipProcessItem(Object item, Exception ex) {
    long lineNo = ex instanceof BadLineException b ? b.lineNo() : ((RawLine) item).lineNo();
    records.reportLine(job.getInstanceId(), lineNo, ex.getMessage());
  }

  @Override
  public void beforeStep() {}

  @Override
  public void afterStep() {
    long read = 0;
    long written = 0;
    long skipped = 0;
    for (Metric m : step.getMetrics()) {
      switch (m.getType()) {
        case READ_COUNT -> read = m.getValue();
        case WRITE_COUNT -> written = m.getValue();
        case PROCESS_SKIP_COUNT -> skipped = m.getValue();
        default -> {}
      }
    }
    // Counts of this execution; a restarted import adds to what earlier executions stored.
    String summary =
        "{\"read\":" + read + ",\"imported\":" + written + ",\"skipped\":" + skipped + "}";
    records.finish(job.getInstanceId(), summary);
    records.log(
        job.getInstanceId(),
        "import: " + read + " lines read, " + written + " imported, " + skipped + " skipped");
  }
}
