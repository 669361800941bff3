package dev.qcat.domain.model.evaluation;

import java.util.List;
import java.util.Objects;

/**
 * What scoring one split produces, before it is stored as a {@link ModelEvaluation}.
 *
 * @param examples evaluated examples (true category among the scored labels), ≥ 1
 * @param skipped examples left out because their category is not scored (e.g. retired), ≥ 0
 * @param accuracy fraction in [0, 1]
 * @param macroF1 mean F1 over the categories present as true or predicted, fraction in [0, 1]
 * @param ece expected calibration error of the calibrated confidences, 15 bins, fraction in [0, 1]
 * @param eceUncalibrated the same at temperature 1, fraction in [0, 1]
 * @param nll mean negative log-likelihood of the true categories at {@code temperature}, nats per
 *     example; NaN when every true category was pruned
 * @param temperature the temperature T > 0 the confidences were calibrated with (the version's)
 * @param fittedTemperature the T minimising NLL on these examples (Guo et al. 2017 §4.2), for
 *     information; NaN when it cannot be fitted
 * @param threshold the review threshold in effect, fraction in [0, 1]
 * @param reviewShare share of examples below {@code threshold}, fraction in [0, 1]
 * @param autoAccuracy accuracy of the examples at or above {@code threshold}, fraction in [0, 1];
 *     NaN when none
 * @param perCategory one entry per scored category, taxonomy order
 * @param confusion the confusion matrix over the scored categories
 * @param reliability 15 bins of the calibrated confidences
 * @param reliabilityUncalibrated 15 bins at temperature 1
 * @param operatingCurve points for thresholds 0.50, 0.51, …, 0.95, ascending
 */
public record EvaluationFigures(
    int examples,
    int skipped,
    double accuracy,
    double macroF1,
    double ece,
    double eceUncalibrated,
    double nll,
    double temperature,
    double fittedTemperature,
    double threshold,
    double reviewShare,
    double autoAccuracy,
    List<CategoryMetrics> perCategory,
    ConfusionCounts confusion,
    List<ReliabilityBin> reliability,
    List<ReliabilityBin> reliabilityUncalibrated,
    List<OperatingPoint> operatingCurve) {

  /**
   * @throws IllegalArgumentException if there are no examples or the temperature is not positive
   */
  public EvaluationFigures {
    if (examples < 1) {
      throw new IllegalArgumentException("an evaluation needs at least one example");
    }
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0 but was " + temperature);
    }
    perCategory = List.copyOf(Objects.requireNonNull(perCategory, "perCategory is required."));
    Objects.requireNonNull(confusion, "confusion is required.");
    reliability = List.copyOf(reliability);
    reliabilityUncalibrated = List.copyOf(reliabilityUncalibrated);
    operatingCurve = List.copyOf(operatingCurve);
  }
}
