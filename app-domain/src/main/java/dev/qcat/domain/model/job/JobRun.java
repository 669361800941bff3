package dev.qcat.domain.model.job;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * qcat's record of one job instance, beside the batch runtime's repository (which holds the batch
 * status): the taxonomy it works for, the server instance ("node") that runs its newest execution,
 * who started it, its parameters, training progress (optimizer step, loss, ETA), its result (JSON)
 * and its log.
 *
 * <p>Life cycle: created when the job is started; {@link #restarted} points it at a new execution
 * (and node) after a stop, failure or crash; the job appends to the log, updates progress and sets
 * the result as it runs.
 */
@Entity
@Table(name = "job_run")
public class JobRun {

  /** Log lines beyond this many characters are dropped from the head of the log. */
  public static final int MAX_LOG_CHARS = 200_000;

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "job_instance_id", nullable = false)
  private long jobInstanceId;

  @Column(name = "last_execution_id", nullable = false)
  private long lastExecutionId;

  @Column(name = "job_name", nullable = false)
  private String jobName;

  @Column(name = "taxonomy_id")
  private Long taxonomyId;

  @Column(nullable = false)
  private String node;

  @Column(name = "started_by", nullable = false)
  private String startedBy;

  @Column(nullable = false)
  private String parameters;

  private Long step;

  @Column(name = "total_steps")
  private Long totalSteps;

  private Double loss;

  @Column(name = "eta_seconds")
  private Double etaSeconds;

  @JdbcTypeCode(SqlTypes.JSON)
  private String result;

  @Column(nullable = false)
  private String log = "";

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  @Column(name = "updated_at", nullable = false)
  private OffsetDateTime updatedAt = OffsetDateTime.now();

  protected JobRun() {}

  /**
   * @param parameters the job parameters as "key=value" lines
   */
  public JobRun(
      long jobInstanceId,
      long executionId,
      String jobName,
      Long taxonomyId,
      String node,
      String startedBy,
      String parameters) {
    this.jobInstanceId = jobInstanceId;
    this.lastExecutionId = executionId;
    this.jobName = Objects.requireNonNull(jobName, "Job name is required.");
    this.taxonomyId = taxonomyId;
    this.node = Objects.requireNonNull(node, "Node is required.");
    this.startedBy = Objects.requireNonNull(startedBy, "Who started the job is required.");
    this.parameters = parameters == null ? "" : parameters;
  }

  /** Points the run at a new execution of the same instance, on {@code node}. */
  public void restarted(long executionId, String node, String by) {
    this.lastExecutionId = executionId;
    this.node = Objects.requireNonNull(node, "Node is required.");
    append("restarted by " + by + " as execution " + executionId + " on " + node);
  }

  /**
   * Appends one line to the log (time-stamped); the oldest lines go past {@link #MAX_LOG_CHARS}.
   */
  public void append(String line) {
    String entry = OffsetDateTime.now().withNano(0) + " " + line + "\n";
    String next = log + entry;
    if (next.length() > MAX_LOG_CHARS) {
      next = next.substring(next.length() - MAX_LOG_CHARS);
    }
    log = next;
    updatedAt = OffsetDateTime.now();
  }

  /**
   * Records training progress.
   *
   * @param step optimizer steps done
   * @param totalSteps optimizer steps of the whole run
   * @param loss last step's loss, nats per answer token (NaN: not known with this event, e.g. a
   *     checkpoint; the loss recorded before stays)
   * @param etaSeconds estimated seconds to the end (NaN: unknown)
   */
  public void progress(long step, long totalSteps, double loss, double etaSeconds) {
    this.step = step;
    this.totalSteps = totalSteps;
    if (!Double.isNaN(loss)) {
      this.loss = loss;
    }
    this.etaSeconds = Double.isNaN(etaSeconds) || Double.isInfinite(etaSeconds) ? null : etaSeconds;
    updatedAt = OffsetDateTime.now();
  }

  /** Sets the result (a JSON object). */
  public void finish(String resultJson) {
    this.result = resultJson;
    updatedAt = OffsetDateTime.now();
  }

  public Long id() {
    return id;
  }

  public long jobInstanceId() {
    return jobInstanceId;
  }

  public long lastExecutionId() {
    return lastExecutionId;
  }

  public String jobName() {
    return jobName;
  }

  public Optional<Long> taxonomyId() {
    return Optional.ofNullable(taxonomyId);
  }

  public String node() {
    return node;
  }

  public String startedBy() {
    return startedBy;
  }

  public String parameters() {
    return parameters;
  }

  public Optional<Long> step() {
    return Optional.ofNullable(step);
  }

  public Optional<Long> totalSteps() {
    return Optional.ofNullable(totalSteps);
  }

  public Optional<Double> loss() {
    return Optional.ofNullable(loss);
  }

  public Optional<Double> etaSeconds() {
    return Optional.ofNullable(etaSeconds);
  }

  public Optional<String> result() {
    return Optional.ofNullable(result);
  }

  public String log() {
    return log;
  }

  public OffsetDateTime createdAt() {
    return createdAt;
  }

  public OffsetDateTime updatedAt() {
    return updatedAt;
  }
}
