package dev.qcat.inference.training;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Hyperparameters of a LoRA fine-tuning run (the LoRA shape itself is a {@code LoraConfig}).
 * Defaults ({@link #defaults()}) follow common PEFT/TRL practice for small classifiers.
 *
 * @param epochs passes over the training set, ≥ 1
 * @param batchSize examples per micro-batch, ≥ 1
 * @param gradAccumulation micro-batches per optimizer step, ≥ 1
 * @param learningRate peak learning rate, &gt; 0
 * @param weightDecay AdamW's decoupled weight decay, ≥ 0
 * @param beta1 AdamW β1, in [0, 1)
 * @param beta2 AdamW β2, in [0, 1)
 * @param adamEps AdamW ε, &gt; 0
 * @param schedule {@code cosine} or {@code linear} decay after warm-up
 * @param warmupRatio share of all optimizer steps spent warming up, fraction in [0, 1)
 * @param maxGradNorm global gradient-norm clip, &gt; 0 ({@code +∞} disables clipping)
 * @param seed seed of the adapter initialisation, the batch order and dropout
 * @param bucketWindow batches per length-sorting window (1: no bucketing), ≥ 1
 * @param maxSequenceTokens longest prompt + answer kept, in tokens; longer examples are skipped and
 *     counted, ≥ 8
 * @param patience epochs without improvement of the monitored metric before stopping early; 0
 *     disables early stopping
 * @param monitor {@code loss} (validation answer-token loss, lower is better) or {@code macro_f1}
 *     (higher is better)
 * @param checkpointEvery optimizer steps between checkpoints; 0 disables periodic checkpoints
 * @param evalBatchSize prompts per evaluation batch, ≥ 1
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    int gradAccumulation,
    double learningRate,
    double weightDecay,
    double beta1,
    double beta2,
    double adamEps,
    String schedule,
    double warmupRatio,
    double maxGradNorm,
    long seed,
    int bucketWindow,
    int maxSequenceTokens,
    int patience,
    String monitor,
    int checkpointEvery,
    int evalBatchSize) {

  /**
   * @throws IllegalArgumentException naming the first value out of range
   */
  public TrainingConfig {
    Objects.requireNonNull(schedule, "schedule is required.");
    Objects.requireNonNull(monitor, "monitor is required.");
    atLeast("epochs", epochs, 1);
    atLeast("batchSize", batchSize, 1);
    atLeast("gradAccumulation", gradAccumulation, 1);
    atLeast("bucketWindow", bucketWindow, 1);
    atLeast("maxSequenceTokens", maxSequenceTokens, 8);
    atLeast("patience", patience, 0);
    atLeast("checkpointEvery", checkpointEvery, 0);
    atLeast("evalBatchSize", evalBatchSize, 1);
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("expected learningRate > 0 but got " + learningRate);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("expected weightDecay >= 0 but got " + weightDecay);
    }
    if (!(warmupRatio >= 0 && warmupRatio < 1)) {
      throw new IllegalArgumentException("expected warmupRatio in [0, 1) but got " + warmupRatio);
    }
    if (!(maxGradNorm > 0)) {
      throw new IllegalArgumentException("expected maxGradNorm > 0 but got " + maxGradNorm);
    }
    if (!schedule.equals("cosine") && !schedule.equals("linear")) {
      throw new IllegalArgumentException(
          "unknown schedule \"" + schedule + "\" (expected cosine or linear)");
    }
    if (!monitor.equals("loss") && !monitor.equals("macro_f1")) {
      throw new IllegalArgumentException(
          "unknown monitor \"" + monitor + "\" (expected loss or macro_f1)");
    }
  }

  private static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException("expected " + name + " >= " + min + " but got " + value);
    }
  }

  /**
   * 3 epochs, batch 16, no accumulation, lr 2e-4, no weight decay, β (0.9, 0.999), ε 1e-8, cosine,
   * 6% warm-up, clip 1.0, seed 42, bucket window 32, 512 tokens, patience 2 on validation loss, no
   * periodic checkpoint, evaluation batch 32.
   *
   * @return the defaults. Never null.
   */
  public static TrainingConfig defaults() {
    return new TrainingConfig(
        3, 16, 1, 2e-4, 0.0, 0.9, 0.999, 1e-8, "cosine", 0.06, 1.0, 42, 32, 512, 2, "loss", 0, 32);
  }

  /**
   * @param n epochs
   * @return a copy with that many epochs. Never null.
   */
  public TrainingConfig withEpochs(int n) {
    return with(d -> d.epochs = n);
  }

  /**
   * @param size examples per micro-batch
   * @param accumulation micro-batches per optimizer step
   * @return a copy with that batching. Never null.
   */
  public TrainingConfig withBatch(int size, int accumulation) {
    return with(
        d -> {
          d.batchSize = size;
          d.gradAccumulation = accumulation;
        });
  }

  /**
   * @param lr peak learning rate
   * @param newSchedule {@code cosine} or {@code linear}
   * @param ratio warm-up ratio
   * @return a copy with that schedule. Never null.
   */
  public TrainingConfig withSchedule(double lr, String newSchedule, double ratio) {
    return with(
        d -> {
          d.learningRate = lr;
          d.schedule = newSchedule;
          d.warmupRatio = ratio;
        });
  }

  /**
   * @param newSeed seed
   * @return a copy with that seed. Never null.
   */
  public TrainingConfig withSeed(long newSeed) {
    return with(d -> d.seed = newSeed);
  }

  /**
   * @param steps optimizer steps between checkpoints (0: none)
   * @return a copy with that checkpoint interval. Never null.
   */
  public TrainingConfig withCheckpointEvery(int steps) {
    return with(d -> d.checkpointEvery = steps);
  }

  /**
   * @param epochsWithoutImprovement patience (0: never stop early)
   * @param newMonitor {@code loss} or {@code macro_f1}
   * @return a copy with that early stopping. Never null.
   */
  public TrainingConfig withEarlyStopping(int epochsWithoutImprovement, String newMonitor) {
    return with(
        d -> {
          d.patience = epochsWithoutImprovement;
          d.monitor = newMonitor;
        });
  }

  /**
   * @param clip global gradient-norm clip
   * @param decay AdamW weight decay
   * @return a copy with those values. Never null.
   */
  public TrainingConfig withRegularisation(double clip, double decay) {
    return with(
        d -> {
          d.maxGradNorm = clip;
          d.weightDecay = decay;
        });
  }

  /** Copies this config with the changes that {@code change} makes to a mutable draft of it. */
  private TrainingConfig with(Consumer<Draft> change) {
    Draft d = new Draft();
    change.accept(d);
    return d.build();
  }

  /**
   * This config's components, settable, for the {@code withX} copies: each starts at this config's
   * value (its accessor's).
   */
  private final class Draft {
    private int epochs = epochs();
    private int batchSize = batchSize();
    private int gradAccumulation = gradAccumulation();
    private double learningRate = learningRate();
    private double weightDecay = weightDecay();
    private double beta1 = beta1();
    private double beta2 = beta2();
    private double adamEps = adamEps();
    private String schedule = schedule();
    private double warmupRatio = warmupRatio();
    private double maxGradNorm = maxGradNorm();
    private long seed = seed();
    private int bucketWindow = bucketWindow();
    private int maxSequenceTokens = maxSequenceTokens();
    private int patience = patience();
    private String monitor = monitor();
    private int checkpointEvery = checkpointEvery();
    private int evalBatchSize = evalBatchSize();

    TrainingConfig build() {
      return new TrainingConfig(
          epochs,
          batchSize,
          gradAccumulation,
          learningRate,
          weightDecay,
          beta1,
          beta2,
          adamEps,
          schedule,
          warmupRatio,
          maxGradNorm,
          seed,
          bucketWindow,
          maxSequenceTokens,
          patience,
          monitor,
          checkpointEvery,
          evalBatchSize);
    }
  }
}
