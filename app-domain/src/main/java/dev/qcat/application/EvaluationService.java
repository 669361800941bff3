package dev.qcat.application;

import dev.qcat.domain.model.dataset.Split;
import dev.qcat.domain.model.evaluation.CategoryMetrics;
import dev.qcat.domain.model.evaluation.ConfusionCounts;
import dev.qcat.domain.model.evaluation.ModelEvaluation;
import dev.qcat.domain.model.evaluation.OperatingPoint;
import dev.qcat.domain.model.evaluation.ReliabilityBin;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import jakarta.ejb.Local;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates model versions on labelled data and reads the stored evaluations (issue 6, Models page;
 * the {@code evaluation} batch job and the portal's "evaluate now" both call {@link #evaluate}).
 */
@Local
public interface EvaluationService {

  /** Examples scored per forward pass, and so the granularity of progress reports. */
  int BATCH_SIZE = 16;

  /**
   * Scores every example of one split of a dataset with the model version, computes the figures
   * with app-inference's scoring and calibration classes and stores a new {@link ModelEvaluation}.
   *
   * <p>The version is loaded on its own ({@code ModelScoring}), so CANDIDATE versions can be
   * evaluated and serving is not disturbed; its native memory is freed before this returns. The
   * confidences are calibrated with the version's temperature; the review threshold is the
   * version's, else its taxonomy's. Examples whose category is not an active one of the taxonomy
   * are skipped and counted. Runs without a surrounding transaction (scoring can take minutes);
   * reading the examples and storing the result each run in a short transaction of their own.
   *
   * @param modelVersionId the version to evaluate
   * @param datasetId a dataset of the same taxonomy
   * @param split which examples of it
   * @param actor who asked (user name, or e.g. {@code "job:evaluation"}), for the audit event
   * @param progress told {@code (0, total)} once the examples are read and the model is loaded,
   *     then {@code (done, total)} after each batch of {@value #BATCH_SIZE}, on the calling thread;
   *     {@code total} = examples to score, {@code done} ≤ total. It may throw (e.g. {@link
   *     java.util.concurrent.CancellationException}) to stop the evaluation: nothing is stored, the
   *     model is released, and the caller gets the exception (wrapped in an {@code EJBException},
   *     as for any runtime exception of an EJB). May be null.
   * @return the stored evaluation. Never null.
   * @throws NotFoundException if the version or the dataset does not exist
   * @throws ModelLoadException if the version's files cannot be loaded
   * @throws IllegalArgumentException if the dataset belongs to another taxonomy, or the split has
   *     no example of an active category
   */
  EvaluationView evaluate(
      long modelVersionId, long datasetId, Split split, String actor, ProgressListener progress)
      throws NotFoundException, ModelLoadException;

  /**
   * @return the newest evaluation of the version, if it has one
   */
  Optional<EvaluationView> latest(long modelVersionId);

  /**
   * @return the evaluations of the version, newest first. Never null.
   */
  List<EvaluationView> list(long modelVersionId);

  /**
   * @return the evaluation with its per-category table, confusion matrix, reliability bins and
   *     operating curve. Never null.
   * @throws NotFoundException if there is no such evaluation
   */
  EvaluationDetail detail(long evaluationId) throws NotFoundException;

  /** Receives progress from {@link #evaluate}. */
  @FunctionalInterface
  interface ProgressListener {

    /**
     * @param done examples scored so far, in [0, total]
     * @param total examples to score
     */
    void progress(int done, int total);
  }

  /**
   * The scalar figures of one evaluation. Fractions are in [0, 1]; a figure that does not exist is
   * null.
   *
   * @param nll mean NLL of the true categories, nats per example; null when all were pruned
   * @param fittedTemperature T minimising NLL on these examples; null when it cannot be fitted
   * @param autoAccuracy accuracy of the examples at or above the threshold; null when none
   * @param durationMs wall time of loading and scoring, milliseconds
   */
  record EvaluationView(
      long id,
      long modelVersionId,
      String modelVersionName,
      Long datasetId,
      String datasetName,
      String split,
      OffsetDateTime createdAt,
      String createdBy,
      long durationMs,
      int examples,
      int skipped,
      double accuracy,
      double macroF1,
      double ece,
      double eceUncalibrated,
      Double nll,
      double temperature,
      Double fittedTemperature,
      double threshold,
      double reviewShare,
      Double autoAccuracy) {

    public static EvaluationView of(ModelEvaluation e) {
      return new EvaluationView(
          e.id(),
          e.modelVersion().id(),
          e.modelVersion().name(),
          e.datasetId().orElse(null),
          e.datasetName(),
          e.split().name(),
          e.createdAt(),
          e.createdBy(),
          e.durationMs(),
          e.examples(),
          e.skipped(),
          e.accuracy(),
          e.macroF1(),
          e.ece(),
          e.eceUncalibrated(),
          e.nll().isPresent() ? e.nll().getAsDouble() : null,
          e.temperature(),
          e.fittedTemperature().isPresent() ? e.fittedTemperature().getAsDouble() : null,
          e.threshold(),
          e.reviewShare(),
          e.autoAccuracy().isPresent() ? e.autoAccuracy().getAsDouble() : null);
    }
  }

  /**
   * An evaluation with its structured results.
   *
   * @param perCategory taxonomy order
   * @param reliability 15 bins of the calibrated confidences
   * @param reliabilityUncalibrated 15 bins at temperature 1
   * @param operatingCurve thresholds 0.50–0.95 in steps of 0.01, ascending
   */
  record EvaluationDetail(
      EvaluationView summary,
      List<CategoryMetrics> perCategory,
      ConfusionCounts confusion,
      List<ReliabilityBin> reliability,
      List<ReliabilityBin> reliabilityUncalibrated,
      List<OperatingPoint> operatingCurve) {

    public static EvaluationDetail of(ModelEvaluation e) {
      return new EvaluationDetail(
          EvaluationView.of(e),
          e.perCategory(),
          e.confusion(),
          e.reliability(),
          e.reliabilityUncalibrated(),
          e.operatingCurve());
    }
  }
}
