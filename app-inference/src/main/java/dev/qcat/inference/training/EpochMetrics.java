package dev.qcat.inference.training;

import java.util.Locale;

/**
 * Validation figures after one epoch.
 *
 * @param epoch the epoch, from 0
 * @param step optimizer steps done at evaluation time
 * @param trainLoss mean answer-token training loss over the epoch's steps, nats per token (NaN when
 *     the epoch ran no step in this process)
 * @param loss validation answer-token loss, nats per token: −Σ log P(true category's answer) / Σ
 *     answer tokens
 * @param accuracy validation accuracy of exact category scoring, fraction in [0, 1]
 * @param macroF1 validation macro-F1, fraction in [0, 1]
 * @param ece validation ECE at temperature 1, 15 bins, fraction in [0, 1]
 * @param examples validation examples scored
 */
public record EpochMetrics(
    int epoch,
    long step,
    double trainLoss,
    double loss,
    double accuracy,
    double macroF1,
    double ece,
    int examples) {

  /**
   * @return e.g. {@code val loss 0.2130 acc 0.9120 macro-F1 0.9011 ECE 0.0310 (n=500)}. Never null.
   */
  public String toText() {
    return String.format(
        Locale.ROOT,
        "val loss %.4f acc %.4f macro-F1 %.4f ECE %.4f (n=%d)",
        loss,
        accuracy,
        macroF1,
        ece,
        examples);
  }
}
