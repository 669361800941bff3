package dev.qcat.inference.training;

/**
 * Linear warm-up to {@code peak} over {@code warmupSteps}, then half-cosine decay to 0 at {@code
 * totalSteps}: lr(s) = peak·(s+1)/warmup during warm-up, then peak·½(1 + cos(π·p)) with p = (s −
 * warmup)/(total − warmup).
 *
 * <p>Reference: Loshchilov &amp; Hutter 2017, SGDR, arXiv:1608.03983 (without restarts); HF {@code
 * transformers.get_cosine_schedule_with_warmup}, which this matches step for step except that
 * warm-up starts at peak/warmup rather than 0 so that no step is wasted.
 *
 * @param peak peak learning rate, &gt; 0
 * @param warmupSteps optimizer steps of warm-up, ≥ 0
 * @param totalSteps all optimizer steps, ≥ 1
 */
public record CosineSchedule(double peak, long warmupSteps, long totalSteps) implements LrSchedule {

  /** Validates the arguments. */
  public CosineSchedule {
    LrSchedule.check(peak, warmupSteps, totalSteps);
  }

  @Override
  public double lr(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    long decay = Math.max(1, totalSteps - warmupSteps);
    double p = Math.min(1.0, (double) (step - warmupSteps) / decay);
    return peak * 0.5 * (1 + Math.cos(Math.PI * p));
  }
}
