package dev.qcat.domain.model.evaluation;

import dev.qcat.domain.model.dataset.Split;
import dev.qcat.domain.model.modelversion.ModelVersion;
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
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The figures of one model version scored on one split of one dataset: accuracy, macro-F1, ECE (15
 * equal-width bins, calibrated and at T = 1), NLL, the temperature used and the one that would fit
 * these examples, the routing figures at the threshold in effect, and the structured results
 * (per-category metrics, confusion matrix, reliability bins, operating curve 0.50–0.95).
 *
 * <p>Life cycle: created once, complete, by the evaluation service after scoring; never changed
 * afterwards. A model version has any number of evaluations; the newest one is its "last
 * evaluation". The dataset is kept by id (null once the dataset is deleted) and by name.
 *
 * <p>Structured columns are jsonb (see {@code EvaluationJson} for the shapes); they are parsed on
 * each read, so list screens should query the scalar columns only.
 */
@Entity
@Table(name = "model_evaluation")
public class ModelEvaluation {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "model_version_id")
  private ModelVersion modelVersion;

  @Column(name = "dataset_id")
  private Long datasetId;

  @Column(name = "dataset_name", nullable = false)
  private String datasetName;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private Split split;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  @Column(name = "created_by", nullable = false)
  private String createdBy;

  @Column(name = "duration_ms", nullable = false)
  private long durationMs;

  @Column(nullable = false)
  private int examples;

  @Column(nullable = false)
  private int skipped;

  @Column(nullable = false)
  private double accuracy;

  @Column(name = "macro_f1", nullable = false)
  private double macroF1;

  @Column(nullable = false)
  private double ece;

  @Column(name = "ece_uncalibrated", nullable = false)
  private double eceUncalibrated;

  private Double nll;

  @Column(nullable = false)
  private double temperature;

  @Column(name = "fitted_temperature")
  private Double fittedTemperature;

  @Column(nullable = false)
  private double threshold;

  @Column(name = "review_share", nullable = false)
  private double reviewShare;

  @Column(name = "auto_accuracy")
  private Double autoAccuracy;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "per_category", nullable = false)
  private String perCategory;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "confusion_matrix", nullable = false)
  private String confusionMatrix;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false)
  private String reliability;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "operating_curve", nullable = false)
  private String operatingCurve;

  protected ModelEvaluation() {}

  /**
   * @param modelVersion the evaluated version
   * @param datasetId id of the dataset the examples came from
   * @param datasetName its name, kept for when the dataset is gone
   * @param split the evaluated split
   * @param createdBy who asked for it (user name, or the job that ran it)
   * @param duration wall time of loading and scoring
   * @param figures the results
   */
  public ModelEvaluation(
      ModelVersion modelVersion,
      long datasetId,
      String datasetName,
      Split split,
      String createdBy,
      Duration duration,
      EvaluationFigures figures) {
    this.modelVersion = Objects.requireNonNull(modelVersion, "Model version is required.");
    this.datasetId = datasetId;
    this.datasetName = Objects.requireNonNull(datasetName, "Dataset name is required.");
    this.split = Objects.requireNonNull(split, "Split is required.");
    this.createdBy = Objects.requireNonNull(createdBy, "Actor is required.");
    this.durationMs = Math.max(0, duration.toMillis());
    this.examples = figures.examples();
    this.skipped = figures.skipped();
    this.accuracy = figures.accuracy();
    this.macroF1 = figures.macroF1();
    this.ece = figures.ece();
    this.eceUncalibrated = figures.eceUncalibrated();
    this.nll = nullIfNaN(figures.nll());
    this.temperature = figures.temperature();
    this.fittedTemperature = nullIfNaN(figures.fittedTemperature());
    this.threshold = figures.threshold();
    this.reviewShare = figures.reviewShare();
    this.autoAccuracy = nullIfNaN(figures.autoAccuracy());
    this.perCategory = EvaluationJson.perCategory(figures.perCategory());
    this.confusionMatrix = EvaluationJson.confusion(figures.confusion());
    this.reliability =
        EvaluationJson.reliability(figures.reliability(), figures.reliabilityUncalibrated());
    this.operatingCurve = EvaluationJson.operatingCurve(figures.operatingCurve());
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static OptionalDouble optional(Double v) {
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  public Long id() {
    return id;
  }

  public ModelVersion modelVersion() {
    return modelVersion;
  }

  /**
   * @return the dataset's id; empty once the dataset was deleted
   */
  public Optional<Long> datasetId() {
    return Optional.ofNullable(datasetId);
  }

  public String datasetName() {
    return datasetName;
  }

  public Split split() {
    return split;
  }

  public OffsetDateTime createdAt() {
    return createdAt;
  }

  public String createdBy() {
    return createdBy;
  }

  /**
   * @return wall time of loading the model and scoring, milliseconds
   */
  public long durationMs() {
    return durationMs;
  }

  /**
   * @return evaluated examples, ≥ 1
   */
  public int examples() {
    return examples;
  }

  /**
   * @return examples left out because their category was not scored
   */
  public int skipped() {
    return skipped;
  }

  /**
   * @return fraction in [0, 1]
   */
  public double accuracy() {
    return accuracy;
  }

  /**
   * @return fraction in [0, 1]
   */
  public double macroF1() {
    return macroF1;
  }

  /**
   * @return ECE of the calibrated confidences (15 bins), fraction in [0, 1]
   */
  public double ece() {
    return ece;
  }

  /**
   * @return ECE at temperature 1, fraction in [0, 1]
   */
  public double eceUncalibrated() {
    return eceUncalibrated;
  }

  /**
   * @return mean NLL of the true categories at {@link #temperature()}, nats per example; empty when
   *     every true category was pruned
   */
  public OptionalDouble nll() {
    return optional(nll);
  }

  /**
   * @return the temperature the confidences were calibrated with, > 0
   */
  public double temperature() {
    return temperature;
  }

  /**
   * @return the temperature minimising NLL on these examples; empty when it could not be fitted
   */
  public OptionalDouble fittedTemperature() {
    return optional(fittedTemperature);
  }

  /**
   * @return the review threshold in effect when evaluated, fraction in [0, 1]
   */
  public double threshold() {
    return threshold;
  }

  /**
   * @return share of examples below {@link #threshold()}, fraction in [0, 1]
   */
  public double reviewShare() {
    return reviewShare;
  }

  /**
   * @return accuracy of the examples at or above {@link #threshold()}; empty when none
   */
  public OptionalDouble autoAccuracy() {
    return optional(autoAccuracy);
  }

  /**
   * @return per-category precision, recall, F1 and support, taxonomy order. Never null.
   */
  public List<CategoryMetrics> perCategory() {
    return EvaluationJson.perCategory(perCategory);
  }

  /**
   * @return the confusion matrix. Never null.
   */
  public ConfusionCounts confusion() {
    return EvaluationJson.confusion(confusionMatrix);
  }

  /**
   * @return the 15 reliability bins of the calibrated confidences. Never null.
   */
  public List<ReliabilityBin> reliability() {
    return EvaluationJson.reliability(reliability, "calibrated");
  }

  /**
   * @return the 15 reliability bins at temperature 1. Never null.
   */
  public List<ReliabilityBin> reliabilityUncalibrated() {
    return EvaluationJson.reliability(reliability, "uncalibrated");
  }

  /**
   * @return the operating curve, thresholds 0.50–0.95 in steps of 0.01, ascending. Never null.
   */
  public List<OperatingPoint> operatingCurve() {
    return EvaluationJson.operatingCurve(operatingCurve);
  }
}
