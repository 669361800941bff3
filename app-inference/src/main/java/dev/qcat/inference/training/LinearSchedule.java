package dev.qcat.inference.training;

/**
 * Linear warm-up to {@code peak} over {@code warmupSteps}, then linear decay to 0 at {@code
 * totalSteps}: lr(s) = peak·(s+1)/warmup during warm-up, then peak·(1 − p) with p = (s −
 * warmup)/(total − warmup).
 *
 * <p>Reference: HF {@code transformers.get_linear_schedule_with_warmup} (warm-up shifted by one
 * step, as in {@link CosineSchedule}).
 *
 * @param peak peak learning rate, &gt; 0
 * @param warmupSteps optimizer steps of warm-up, ≥ 0
 * @param totalSteps all optimizer steps, ≥ 1
 */
public record LinearSchedule(double peak, long warmupSteps, long totalSteps) implements LrSchedule {

  /** Validates the arguments. */
  public LinearSchedule {
    LrSchedule.check(peak, warmupSteps, totalSteps);
  }

  @Override
  public double lr(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    long decay = Math.max(1, totalSteps - warmupSteps);
    double p = Math.min(1.0, (double) (step - warmupSteps) / decay);
    return peak * (1 - p);
  }
}
