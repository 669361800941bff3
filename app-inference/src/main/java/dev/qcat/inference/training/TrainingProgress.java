package dev.qcat.inference.training;

import java.util.Locale;

/**
 * One progress event of a training run, for a progress bar or a batch job's listener.
 *
 * @param kind what happened
 * @param epoch current epoch, from 0
 * @param step optimizer steps done so far
 * @param totalSteps optimizer steps of the whole run
 * @param loss mean answer-token loss of the last step (STEP), or the validation loss (EVAL), in
 *     nats per token; NaN when not applicable
 * @param learningRate learning rate of the last step; NaN when not applicable
 * @param tokensPerSecond training tokens (prompt + answer, no padding) per second of wall time
 *     since this run (or resume) started
 * @param etaSeconds estimated seconds to the last step, from the mean step time so far; NaN before
 *     the first step
 * @param evaluation the epoch's validation figures (EVAL), or null
 * @param message a short human-readable note (e.g. the checkpoint path); never null
 */
public record TrainingProgress(
    Kind kind,
    int epoch,
    long step,
    long totalSteps,
    double loss,
    double learningRate,
    double tokensPerSecond,
    double etaSeconds,
    EpochMetrics evaluation,
    String message) {

  /** Event kinds. */
  public enum Kind {
    /** An optimizer step finished. */
    STEP,
    /** The end-of-epoch evaluation finished. */
    EVAL,
    /** A checkpoint was written. */
    CHECKPOINT,
    /** The run ended (completed, stopped early or cancelled). */
    DONE
  }

  /**
   * A one-line progress bar, e.g. {@code [#######.............] 35% step 70/200 epoch 1 loss 0.4123
   * lr 1.9e-04 512 tok/s ETA 2m05s}.
   *
   * @param width characters of the bar itself, ≥ 1
   * @return the line, without a line terminator. Never null.
   */
  public String bar(int width) {
    double f = totalSteps == 0 ? 0 : Math.min(1.0, (double) step / totalSteps);
    int filled = (int) Math.round(f * width);
    if (kind != Kind.STEP) {
      String head =
          String.format(
              Locale.ROOT,
              "[%s%s] %3d%% step %d/%d epoch %d",
              "#".repeat(filled),
              ".".repeat(width - filled),
              Math.round(100 * f),
              step,
              totalSteps,
              epoch);
      return switch (kind) {
        case EVAL -> head + " | " + (evaluation == null ? "evaluated" : evaluation.toText());
        case CHECKPOINT -> head + " | checkpoint " + message;
        default -> head + " | " + message;
      };
    }
    String line =
        String.format(
            Locale.ROOT,
            "[%s%s] %3d%% step %d/%d epoch %d loss %.4f lr %.1e %.0f tok/s ETA %s",
            "#".repeat(filled),
            ".".repeat(width - filled),
            Math.round(100 * f),
            step,
            totalSteps,
            epoch,
            loss,
            learningRate,
            tokensPerSecond,
            formatSeconds(etaSeconds));
    return line;
  }

  /**
   * @param seconds a duration in seconds, or NaN
   * @return e.g. {@code 1h02m}, {@code 3m07s}, {@code 12s}, or {@code ?} for NaN. Never null.
   */
  public static String formatSeconds(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}
