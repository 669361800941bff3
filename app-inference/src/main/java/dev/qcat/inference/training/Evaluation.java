package dev.qcat.inference.training;

import dev.qcat.inference.scoring.ClassificationReport;
import java.util.List;

/**
 * The result of scoring labelled examples with exact category scoring: the report (accuracy,
 * macro-F1, confusion matrix, ECE, routing), the answer-token loss, and every example's
 * per-category log-scores, which temperature scaling is fitted on.
 *
 * @param report the classification report at temperature 1; never null
 * @param loss −Σ log P(true answer) / Σ true answer tokens, nats per token
 * @param logScores per example, log P(category | prompt) for every category in taxonomy order
 * @param labels per example, the true category index
 * @param skipped examples left out because their label is not one of the categories
 */
public record Evaluation(
    ClassificationReport report, double loss, List<double[]> logScores, int[] labels, int skipped) {

  /**
   * @param epoch epoch number for the record
   * @param step optimizer steps done
   * @param trainLoss mean training loss of the epoch
   * @return the figures as {@link EpochMetrics}. Never null.
   */
  public EpochMetrics metrics(int epoch, long step, double trainLoss) {
    return new EpochMetrics(
        epoch,
        step,
        trainLoss,
        loss,
        report.accuracy(),
        report.macroF1(),
        report.expectedCalibrationError(),
        labels.length);
  }
}
