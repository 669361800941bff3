package dev.qcat.application;

import dev.qcat.domain.model.dataset.ImportReport;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Progress of one import, shared between the import running in the background and the page that
 * shows a progress bar. Thread-safe.
 */
public final class ImportProgress implements Serializable {

  private static final long serialVersionUID = 1L;

  private final AtomicInteger done = new AtomicInteger();
  private volatile int total = -1;
  private volatile ImportReport report;
  private volatile String failure;

  /** Sets the number of records to process (known once the file is parsed). */
  public void start(int records) {
    total = records;
  }

  /** Counts one processed record. */
  public void step() {
    done.incrementAndGet();
  }

  /** Marks the import as finished with its report. */
  public void finish(ImportReport report) {
    this.report = report;
  }

  /** Marks the import as failed; nothing was stored. */
  public void fail(String message) {
    this.failure = message == null ? "unknown error" : message;
  }

  /**
   * @return percent of records processed, 0–100; 100 once finished or failed
   */
  public int percent() {
    if (report != null || failure != null) {
      return 100;
    }
    int t = total;
    if (t <= 0) {
      return 0;
    }
    return (int) Math.min(99, 100L * done.get() / t);
  }

  /**
   * @return records processed so far
   */
  public int done() {
    return done.get();
  }

  /**
   * @return records to process, or -1 while the file is still being parsed
   */
  public int total() {
    return total;
  }

  /**
   * @return the report once the import finished, else null
   */
  public ImportReport report() {
    return report;
  }

  /**
   * @return why the import failed, or null
   */
  public String failure() {
    return failure;
  }

  public boolean finished() {
    return report != null || failure != null;
  }
}
