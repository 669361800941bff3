package dev.qcat.domain.model.drift;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One drift check of a taxonomy's ACTIVE model version: the figures of a {@link DriftAssessment}
 * and its verdict with the reason. Written once by the drift-check job, never changed.
 */
@Entity
@Table(name = "drift_check")
public class DriftCheck {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "taxonomy_id", nullable = false)
  private long taxonomyId;

  @Column(name = "model_version_id", nullable = false)
  private long modelVersionId;

  @Column(name = "checked_at", nullable = false)
  private OffsetDateTime checkedAt = OffsetDateTime.now();

  @Column(name = "job_instance_id")
  private Long jobInstanceId;

  @Column(name = "validation_examples", nullable = false)
  private int validationExamples;

  private Double accuracy;

  @Column(name = "macro_f1")
  private Double macroF1;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "per_category", nullable = false)
  private String perCategory;

  @Column(name = "live_predictions", nullable = false)
  private int livePredictions;

  private Double psi;

  private Double ks;

  @Column(name = "review_rate")
  private Double reviewRate;

  @Column(name = "audit_examples", nullable = false)
  private int auditExamples;

  @Column(name = "audit_accuracy")
  private Double auditAccuracy;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private DriftVerdict verdict;

  @Column(nullable = false)
  private String reason;

  protected DriftCheck() {}

  /**
   * @param perCategoryJson the assessment's per-category figures as a JSON array
   * @param jobInstanceId the drift-check job instance, or null when run outside a job
   */
  public DriftCheck(
      long taxonomyId,
      long modelVersionId,
      Long jobInstanceId,
      DriftAssessment a,
      String perCategoryJson) {
    Objects.requireNonNull(a, "assessment is required.");
    this.taxonomyId = taxonomyId;
    this.modelVersionId = modelVersionId;
    this.jobInstanceId = jobInstanceId;
    this.validationExamples = a.validationExamples();
    this.accuracy = orNull(a.accuracy());
    this.macroF1 = orNull(a.macroF1());
    this.perCategory = Objects.requireNonNull(perCategoryJson, "per-category JSON is required.");
    this.livePredictions = a.livePredictions();
    this.psi = orNull(a.psi());
    this.ks = orNull(a.ks());
    this.reviewRate = orNull(a.reviewRate());
    this.auditExamples = a.auditExamples();
    this.auditAccuracy = orNull(a.auditAccuracy());
    this.verdict = a.verdict();
    this.reason = a.reason();
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  public Long id() {
    return id;
  }

  public long taxonomyId() {
    return taxonomyId;
  }

  public long modelVersionId() {
    return modelVersionId;
  }

  public OffsetDateTime checkedAt() {
    return checkedAt;
  }

  public Long jobInstanceId() {
    return jobInstanceId;
  }

  public int validationExamples() {
    return validationExamples;
  }

  /** Fraction in [0, 1], or null without validation examples. */
  public Double accuracy() {
    return accuracy;
  }

  /** Fraction in [0, 1], or null without validation examples. */
  public Double macroF1() {
    return macroF1;
  }

  /** JSON array of {name, support, recall, trainingShare, liveShare}. */
  public String perCategory() {
    return perCategory;
  }

  public int livePredictions() {
    return livePredictions;
  }

  public Double psi() {
    return psi;
  }

  public Double ks() {
    return ks;
  }

  public Double reviewRate() {
    return reviewRate;
  }

  public int auditExamples() {
    return auditExamples;
  }

  public Double auditAccuracy() {
    return auditAccuracy;
  }

  public DriftVerdict verdict() {
    return verdict;
  }

  public String reason() {
    return reason;
  }
}
