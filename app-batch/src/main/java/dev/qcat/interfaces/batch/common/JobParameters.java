package dev.qcat.interfaces.batch.common;

import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.context.JobContext;
import java.util.Properties;

/** Typed access to the parameters of the running job execution. */
public final class JobParameters {

  /** Parameter: the taxonomy a job works for. */
  public static final String TAXONOMY_ID = "taxonomyId";

  /** Parameter: who started (or restarted) the execution. */
  public static final String STARTED_BY = "qcat.startedBy";

  private final Properties p;

  private JobParameters(Properties p) {
    this.p = p == null ? new Properties() : p;
  }

  /**
   * @return the parameters of the job context's execution. Never null.
   */
  public static JobParameters of(JobContext job) {
    return new JobParameters(BatchRuntime.getJobOperator().getParameters(job.getExecutionId()));
  }

  /**
   * @throws IllegalArgumentException if the parameter is missing
   */
  public String text(String name) {
    String v = p.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("job parameter '" + name + "' is required");
    }
    return v.strip();
  }

  public String text(String name, String fallback) {
    String v = p.getProperty(name);
    return v == null || v.isBlank() ? fallback : v.strip();
  }

  /**
   * @throws IllegalArgumentException if missing or not a number
   */
  public long number(String name) {
    String v = text(name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "job parameter '" + name + "' must be a whole number but is '" + v + "'");
    }
  }

  public long number(String name, long fallback) {
    return p.getProperty(name) == null || p.getProperty(name).isBlank() ? fallback : number(name);
  }

  public double decimal(String name, double fallback) {
    String v = p.getProperty(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "job parameter '" + name + "' must be a number but is '" + v + "'");
    }
  }

  public boolean flag(String name, boolean fallback) {
    String v = p.getProperty(name);
    return v == null || v.isBlank() ? fallback : Boolean.parseBoolean(v.strip());
  }

  public long taxonomyId() {
    return number(TAXONOMY_ID);
  }

  public String startedBy() {
    return text(STARTED_BY, "unknown");
  }
}
