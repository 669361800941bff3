package dev.qcat.inference.training;

import dev.qcat.inference.calibration.TemperatureScaling;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a training run ended.
 *
 * @param status completed, stopped early, or cancelled
 * @param steps optimizer steps done in total (including those before a resume)
 * @param totalSteps optimizer steps the full run would take
 * @param bestEpoch the epoch whose adapter was kept, −1 when no epoch finished
 * @param history validation figures of every finished epoch, in order
 * @param adapterDir where the kept adapter (PEFT layout) and {@code calibration.json} are
 * @param checkpoint the checkpoint to resume from, when cancelled
 * @param calibration the temperature fitted on the kept epoch's validation scores, when there was a
 *     validation set and the run did not end cancelled before any evaluation
 * @param skippedTrain training examples skipped (too long or label outside the categories)
 */
public record TrainingResult(
    Status status,
    long steps,
    long totalSteps,
    int bestEpoch,
    List<EpochMetrics> history,
    Path adapterDir,
    Optional<Path> checkpoint,
    Optional<TemperatureScaling> calibration,
    int skippedTrain) {

  /** End states of a run. */
  public enum Status {
    /** All epochs ran. */
    COMPLETED,
    /** The monitored metric did not improve for {@code patience} epochs. */
    EARLY_STOPPED,
    /** The caller cancelled; a checkpoint holds the state. */
    CANCELLED
  }

  /** Copies the history. */
  public TrainingResult {
    history = List.copyOf(history);
  }
}
