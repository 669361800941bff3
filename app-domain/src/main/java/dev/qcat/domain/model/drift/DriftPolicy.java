package dev.qcat.domain.model.drift;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * Thresholds of a taxonomy's drift check and its retraining policy. One per taxonomy; a taxonomy
 * without a stored policy uses {@link #defaults(long)} (the column defaults of V30).
 *
 * <p>Accuracy, macro-F1 and review-rate thresholds are fractions in [0, 1]. PSI thresholds follow
 * Siddiqi's reading (0.1 moderate, 0.25 major shift); KS thresholds are distances between
 * distribution functions, in [0, 1]. {@code recallMargin} is the largest drop of one category's
 * recall the promotion gate accepts, fraction in [0, 1]; the gate refuses only a drop that is also
 * significant (one-sided exact McNemar test at α = 0.05, {@code RecallDropTest}).
 */
@Entity
@Table(name = "drift_policy")
public class DriftPolicy {

  @Id
  @Column(name = "taxonomy_id")
  private Long taxonomyId;

  @Column(name = "min_accuracy_warn")
  private double minAccuracyWarn = 0.80;

  @Column(name = "min_accuracy_drift")
  private double minAccuracyDrift = 0.70;

  @Column(name = "min_macro_f1_warn")
  private double minMacroF1Warn = 0.75;

  @Column(name = "min_macro_f1_drift")
  private double minMacroF1Drift = 0.65;

  @Column(name = "psi_warn")
  private double psiWarn = 0.10;

  @Column(name = "psi_drift")
  private double psiDrift = 0.25;

  @Column(name = "ks_warn")
  private double ksWarn = 0.20;

  @Column(name = "ks_drift")
  private double ksDrift = 0.35;

  @Column(name = "max_review_rate_warn")
  private double maxReviewRateWarn = 0.30;

  @Column(name = "max_review_rate_drift")
  private double maxReviewRateDrift = 0.50;

  @Column(name = "recent_days")
  private int recentDays = 30;

  @Column(name = "min_live_predictions")
  private int minLivePredictions = 20;

  @Column(name = "retrain_on_drift")
  private boolean retrainOnDrift;

  @Column(name = "recall_margin")
  private double recallMargin = 0.05;

  @Version private long version;

  protected DriftPolicy() {}

  /**
   * @return the default policy of a taxonomy (not stored). Never null.
   */
  public static DriftPolicy defaults(long taxonomyId) {
    DriftPolicy p = new DriftPolicy();
    p.taxonomyId = taxonomyId;
    return p;
  }

  /**
   * Replaces the thresholds.
   *
   * @throws IllegalArgumentException naming the first value out of range, or a warning threshold
   *     beyond its drift threshold
   */
  public void change(
      double minAccuracyWarn,
      double minAccuracyDrift,
      double minMacroF1Warn,
      double minMacroF1Drift,
      double psiWarn,
      double psiDrift,
      double ksWarn,
      double ksDrift,
      double maxReviewRateWarn,
      double maxReviewRateDrift,
      int recentDays,
      int minLivePredictions,
      boolean retrainOnDrift,
      double recallMargin) {
    fraction("minAccuracyWarn", minAccuracyWarn);
    fraction("minAccuracyDrift", minAccuracyDrift);
    fraction("minMacroF1Warn", minMacroF1Warn);
    fraction("minMacroF1Drift", minMacroF1Drift);
    fraction("ksWarn", ksWarn);
    fraction("ksDrift", ksDrift);
    fraction("maxReviewRateWarn", maxReviewRateWarn);
    fraction("maxReviewRateDrift", maxReviewRateDrift);
    fraction("recallMargin", recallMargin);
    if (!(psiWarn >= 0) || !(psiDrift >= 0)) {
      throw new IllegalArgumentException(
          "expected PSI thresholds >= 0 but got " + psiWarn + " / " + psiDrift);
    }
    ordered("minAccuracy", minAccuracyDrift, minAccuracyWarn);
    ordered("minMacroF1", minMacroF1Drift, minMacroF1Warn);
    ordered("psi", psiWarn, psiDrift);
    ordered("ks", ksWarn, ksDrift);
    ordered("maxReviewRate", maxReviewRateWarn, maxReviewRateDrift);
    if (recentDays < 1) {
      throw new IllegalArgumentException("expected recentDays >= 1 but got " + recentDays);
    }
    if (minLivePredictions < 1) {
      throw new IllegalArgumentException(
          "expected minLivePredictions >= 1 but got " + minLivePredictions);
    }
    this.minAccuracyWarn = minAccuracyWarn;
    this.minAccuracyDrift = minAccuracyDrift;
    this.minMacroF1Warn = minMacroF1Warn;
    this.minMacroF1Drift = minMacroF1Drift;
    this.psiWarn = psiWarn;
    this.psiDrift = psiDrift;
    this.ksWarn = ksWarn;
    this.ksDrift = ksDrift;
    this.maxReviewRateWarn = maxReviewRateWarn;
    this.maxReviewRateDrift = maxReviewRateDrift;
    this.recentDays = recentDays;
    this.minLivePredictions = minLivePredictions;
    this.retrainOnDrift = retrainOnDrift;
    this.recallMargin = recallMargin;
  }

  private static void fraction(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException("expected " + name + " in [0, 1] but got " + v);
    }
  }

  private static void ordered(String name, double low, double high) {
    if (low > high) {
      throw new IllegalArgumentException(
          "the warning threshold of " + name + " lies beyond its drift threshold");
    }
  }

  public long taxonomyId() {
    return taxonomyId;
  }

  public double minAccuracyWarn() {
    return minAccuracyWarn;
  }

  public double minAccuracyDrift() {
    return minAccuracyDrift;
  }

  public double minMacroF1Warn() {
    return minMacroF1Warn;
  }

  public double minMacroF1Drift() {
    return minMacroF1Drift;
  }

  public double psiWarn() {
    return psiWarn;
  }

  public double psiDrift() {
    return psiDrift;
  }

  public double ksWarn() {
    return ksWarn;
  }

  public double ksDrift() {
    return ksDrift;
  }

  public double maxReviewRateWarn() {
    return maxReviewRateWarn;
  }

  public double maxReviewRateDrift() {
    return maxReviewRateDrift;
  }

  /**
   * @return how far back reviewed examples and live predictions count, days ≥ 1
   */
  public int recentDays() {
    return recentDays;
  }

  /**
   * @return live predictions needed before PSI, KS and review rate are judged, ≥ 1
   */
  public int minLivePredictions() {
    return minLivePredictions;
  }

  public boolean retrainOnDrift() {
    return retrainOnDrift;
  }

  public double recallMargin() {
    return recallMargin;
  }
}
