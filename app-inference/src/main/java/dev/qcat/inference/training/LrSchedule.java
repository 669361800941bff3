package dev.qcat.inference.training;

/**
 * A learning-rate schedule over optimizer steps: linear warm-up from 0 to the peak, then decay.
 * Implementations: {@link CosineSchedule}, {@link LinearSchedule}.
 */
public interface LrSchedule {

  /**
   * @param step optimizer step, from 0 (the learning rate used for the first update)
   * @return the learning rate at that step, ≥ 0
   */
  double lr(long step);

  /**
   * The schedule named on the command line.
   *
   * @param name {@code cosine} or {@code linear}
   * @param peak peak learning rate, &gt; 0
   * @param warmupSteps optimizer steps of linear warm-up, ≥ 0
   * @param totalSteps all optimizer steps of the run, ≥ 1
   * @return the schedule. Never null.
   * @throws IllegalArgumentException if the name is unknown or a value is out of range
   */
  static LrSchedule named(String name, double peak, long warmupSteps, long totalSteps) {
    return switch (name) {
      case "cosine" -> new CosineSchedule(peak, warmupSteps, totalSteps);
      case "linear" -> new LinearSchedule(peak, warmupSteps, totalSteps);
      default ->
          throw new IllegalArgumentException(
              "unknown schedule \"" + name + "\" (expected cosine or linear)");
    };
  }

  /** Checks the common arguments. */
  static void check(double peak, long warmupSteps, long totalSteps) {
    if (!(peak > 0) || Double.isInfinite(peak)) {
      throw new IllegalArgumentException("expected a peak learning rate > 0 but got " + peak);
    }
    if (warmupSteps < 0 || totalSteps < 1) {
      throw new IllegalArgumentException(
          "expected warmupSteps >= 0 and totalSteps >= 1 but got "
              + warmupSteps
              + " and "
              + totalSteps);
    }
  }
}
