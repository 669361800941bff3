package dev.qcat.domain.model.job;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * When a job runs for a taxonomy: a cron-like expression of five fields ({@code minute hour
 * day-of-month month day-of-week}) or six (seconds first), each in EJB {@code ScheduleExpression}
 * syntax ({@code *}, {@code 5}, {@code 1-5}, {@code 1,15}, {@code *}{@code /10}); the job
 * parameters as "key=value" lines; enabled or not. At most one schedule per taxonomy and job.
 *
 * <p>Life cycle: created or edited by an admin; app-batch turns each enabled schedule into a
 * persistent EJB timer (recreated when the expression changes) and records when it last fired.
 */
@Entity
@Table(name = "job_schedule")
public class JobSchedule {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "taxonomy_id", nullable = false)
  private long taxonomyId;

  @Column(name = "job_name", nullable = false)
  private String jobName;

  @Column(nullable = false)
  private String cron;

  @Column(nullable = false)
  private String parameters = "";

  @Column(nullable = false)
  private boolean enabled = true;

  @Column(name = "last_fired_at")
  private OffsetDateTime lastFiredAt;

  @Version private long version;

  protected JobSchedule() {}

  /**
   * @throws IllegalArgumentException if the expression does not have 5 or 6 fields
   */
  public JobSchedule(long taxonomyId, JobName job, String cron, String parameters) {
    this.taxonomyId = taxonomyId;
    this.jobName = Objects.requireNonNull(job, "Job is required.").xmlName();
    change(cron, parameters, true);
  }

  /**
   * @throws IllegalArgumentException if the expression does not have 5 or 6 fields or a field
   *     cannot be read ({@link CronSchedule#parse})
   */
  public void change(String cron, String parameters, boolean enabled) {
    CronSchedule.parse(Objects.requireNonNull(cron, "Cron expression is required."));
    this.cron = cron.strip();
    this.parameters = parameters == null ? "" : parameters;
    this.enabled = enabled;
  }

  /**
   * @return the six fields second, minute, hour, day-of-month, month, day-of-week. Never null.
   * @throws IllegalArgumentException if the expression does not have 5 or 6 fields
   */
  public static String[] fields(String cron) {
    String[] f = cron.strip().split("\\s+");
    if (f.length == 5) {
      String[] six = new String[6];
      six[0] = "0";
      System.arraycopy(f, 0, six, 1, 5);
      return six;
    }
    if (f.length == 6) {
      return f;
    }
    throw new IllegalArgumentException(
        "expected a cron expression of 5 fields (minute hour day-of-month month day-of-week) or 6"
            + " (seconds first) but got "
            + f.length
            + ": '"
            + cron
            + "'");
  }

  /** Records that the schedule started its job now. */
  public void fired() {
    lastFiredAt = OffsetDateTime.now();
  }

  public Long id() {
    return id;
  }

  public long taxonomyId() {
    return taxonomyId;
  }

  public String jobName() {
    return jobName;
  }

  public String cron() {
    return cron;
  }

  public String parameters() {
    return parameters;
  }

  public boolean enabled() {
    return enabled;
  }

  public Optional<OffsetDateTime> lastFiredAt() {
    return Optional.ofNullable(lastFiredAt);
  }

  public long version() {
    return version;
  }
}
