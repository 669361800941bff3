package dev.qcat.domain.model.modelversion;

import dev.qcat.domain.model.category.Taxonomy;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A trained model for one taxonomy: base checkpoint directory, optional PEFT adapter directory,
 * quantization, evaluation metrics (JSON), calibration temperature and optional review threshold.
 *
 * <p>Life cycle: registered as CANDIDATE (by training or by an admin pointing at files); {@link
 * #activate()} makes it ACTIVE, and the version that served before is {@link #retire()}d in the
 * same transaction (at most one ACTIVE per taxonomy, enforced by a unique index as well).
 * Activation loads the model into the inference singleton before the status changes, so a version
 * that cannot be loaded never becomes ACTIVE.
 */
@Entity
@Table(name = "model_version")
public class ModelVersion {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "taxonomy_id")
  private Taxonomy taxonomy;

  @Column(nullable = false)
  private String name;

  @Column(name = "base_model_path", nullable = false)
  private String baseModelPath;

  @Column(name = "adapter_path")
  private String adapterPath;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private Quantization quantization = Quantization.NONE;

  @JdbcTypeCode(SqlTypes.JSON)
  private String metrics;

  @Column(nullable = false)
  private double temperature = 1.0;

  private Double threshold;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private ModelVersionStatus status = ModelVersionStatus.CANDIDATE;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  @Column(name = "activated_at")
  private OffsetDateTime activatedAt;

  @Version private long version;

  protected ModelVersion() {}

  /**
   * @param baseModelPath HF checkpoint directory (config.json, model.safetensors, tokenizer.json)
   * @param adapterPath PEFT adapter directory, or null
   * @param temperature calibration temperature, > 0 (1 = uncalibrated)
   */
  public ModelVersion(
      Taxonomy taxonomy,
      String name,
      String baseModelPath,
      String adapterPath,
      Quantization quantization,
      double temperature) {
    this.taxonomy = Objects.requireNonNull(taxonomy, "Taxonomy is required.");
    this.name = Objects.requireNonNull(name, "Model version name is required.");
    this.baseModelPath = Objects.requireNonNull(baseModelPath, "Base model path is required.");
    this.adapterPath = adapterPath;
    this.quantization = quantization == null ? Quantization.NONE : quantization;
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0 but was " + temperature);
    }
    this.temperature = temperature;
  }

  /** Marks this version as serving its taxonomy. */
  public void activate() {
    if (status == ModelVersionStatus.ACTIVE) {
      return;
    }
    status = ModelVersionStatus.ACTIVE;
    activatedAt = OffsetDateTime.now();
  }

  /** Marks this version as no longer serving. */
  public void retire() {
    if (status == ModelVersionStatus.ACTIVE) {
      status = ModelVersionStatus.RETIRED;
    }
  }

  /** Records evaluation metrics (a JSON object) and the fitted temperature (> 0). */
  public void recordCalibration(String metricsJson, double temperature) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0 but was " + temperature);
    }
    this.metrics = metricsJson;
    this.temperature = temperature;
  }

  /** Sets (or clears, with null) the review threshold of this version, fraction in [0, 1]. */
  public void changeThreshold(Double threshold) {
    if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in [0, 1] but was " + threshold);
    }
    this.threshold = threshold;
  }

  public Long id() {
    return id;
  }

  public Taxonomy taxonomy() {
    return taxonomy;
  }

  public String name() {
    return name;
  }

  public String baseModelPath() {
    return baseModelPath;
  }

  public Optional<String> adapterPath() {
    return Optional.ofNullable(adapterPath);
  }

  public Quantization quantization() {
    return quantization;
  }

  public Optional<String> metrics() {
    return Optional.ofNullable(metrics);
  }

  public double temperature() {
    return temperature;
  }

  /**
   * @return this version's review threshold, fraction in [0, 1]; empty = the taxonomy's
   */
  public OptionalDouble threshold() {
    return threshold == null ? OptionalDouble.empty() : OptionalDouble.of(threshold);
  }

  public ModelVersionStatus status() {
    return status;
  }

  public OffsetDateTime createdAt() {
    return createdAt;
  }

  public Optional<OffsetDateTime> activatedAt() {
    return Optional.ofNullable(activatedAt);
  }
}
