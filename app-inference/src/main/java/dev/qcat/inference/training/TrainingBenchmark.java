package dev.qcat.inference.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.lora.LoraModel;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.RandomCheckpoint;
import dev.qcat.inference.model.Scalars;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measures LoRA training throughput ({@code qcat bench --train}): random weights at a
 * configuration's shapes, random token sequences, full forward + backward + AdamW steps, as the
 * trainer runs them (loss on the last {@code answerTokens} positions of each sequence).
 *
 * <p>The FLOP bound of REFERENCE.md counts ≈ 4 × (parameters outside the embedding) FLOP per token:
 * 2 for the forward GEMMs and 2 for the backward pass with respect to the activations (the frozen
 * weights need no gradient; the LoRA matrices add r/hidden of that); the attention scores and the
 * LM head rows are left out. Throughput divided by (GEMM rate / that count) is the share of the
 * bound reached.
 */
public final class TrainingBenchmark {

  private TrainingBenchmark() {}

  /**
   * One measurement.
   *
   * @param tokensPerSecond training tokens (all positions of all sequences) per second, median over
   *     the timed steps
   * @param secondsPerStep median seconds per optimizer step
   * @param flopPerToken 4 × parameters outside the embedding, the bound's FLOP per token
   * @param peakHeapBytes the JVM heap in use after the run, in bytes (native tensor memory is not
   *     included)
   * @param trainableParameters LoRA parameters
   */
  public record Result(
      double tokensPerSecond,
      double secondsPerStep,
      double flopPerToken,
      long peakHeapBytes,
      long trainableParameters) {

    /**
     * @param gemmFlopPerSecond the machine's measured GEMM rate, FLOP/s
     * @return tokens/s reached as a fraction of the bound gemmFlopPerSecond / flopPerToken
     */
    public double shareOfBound(double gemmFlopPerSecond) {
      return tokensPerSecond / (gemmFlopPerSecond / flopPerToken);
    }

    /**
     * @return a one-line summary. Never null.
     */
    public String toText() {
      return String.format(
          Locale.ROOT,
          "%.1f tokens/s, %.3f s/step, %.3f GFLOP/token bound, %d LoRA parameters, heap %d MiB",
          tokensPerSecond,
          secondsPerStep,
          flopPerToken / 1e9,
          trainableParameters,
          peakHeapBytes >> 20);
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param config model shapes (e.g. {@code Qwen2Config.qwen25_05b()})
   * @param lora adapter shape
   * @param batchSize sequences per step, ≥ 1
   * @param sequenceTokens tokens per sequence, ≥ 2
   * @param answerTokens loss positions per sequence, in [1, sequenceTokens)
   * @param warmupSteps untimed steps first, ≥ 0
   * @param steps timed steps, ≥ 1
   * @return the measurement. Never null.
   */
  public static Result run(
      Qwen2Config config,
      LoraConfig lora,
      int batchSize,
      int sequenceTokens,
      int answerTokens,
      int warmupSteps,
      int steps) {
    if (batchSize < 1 || sequenceTokens < 2 || answerTokens < 1 || answerTokens >= sequenceTokens) {
      throw new IllegalArgumentException(
          "expected batchSize >= 1, sequenceTokens >= 2 and 1 <= answerTokens < sequenceTokens");
    }
    Map<String, CheckpointKeys.Expected> expected = CheckpointKeys.expected(config);
    long nonEmbedding = 0;
    for (Map.Entry<String, CheckpointKeys.Expected> e : expected.entrySet()) {
      if (!e.getKey().equals(CheckpointKeys.EMBED_TOKENS)
          && !e.getKey().equals(CheckpointKeys.LM_HEAD)) {
        nonEmbedding += FloatTensor.numel(e.getValue().shape());
      }
    }
    Random rnd = new Random(1);
    int[][] seqs = new int[batchSize][sequenceTokens];
    for (int[] s : seqs) {
      for (int i = 0; i < s.length; i++) {
        s[i] = rnd.nextInt(Math.min(config.vocabSize(), 150_000));
      }
    }
    int n = batchSize * answerTokens;
    int[] rows = new int[n];
    long[] targets = new long[n];
    int k = 0;
    for (int b = 0; b < batchSize; b++) {
      for (int j = sequenceTokens - answerTokens; j < sequenceTokens; j++) {
        rows[k] = b * sequenceTokens + j - 1;
        targets[k++] = seqs[b][j];
      }
    }
    double[] times = new double[steps];
    long trainable;
    try (LoraModel model =
            LoraModel.create(
                config,
                name ->
                    new FloatTensor(
                        expected.get(name).shape(),
                        RandomCheckpoint.randomTensor(name, expected.get(name).shape(), config, 1)),
                lora,
                1);
        NDManager root = NDManager.newBaseManager()) {
      trainable = model.trainableParameterCount();
      AdamW opt = new AdamW(model.trainableParameters(), 0.9, 0.999, 1e-8, 0);
      model.setTraining(true);
      for (int s = 0; s < warmupSteps + steps; s++) {
        long t0 = System.nanoTime();
        try (NDManager call = root.newSubManager();
            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray h = model.model().normedHiddenStates(call, seqs, rows);
          NDArray logp = model.model().lmHead().forward(h).logSoftmax(-1);
          NDArray loss =
              Scalars.div(logp.gather(call.create(targets, new Shape(n, 1)), 1).sum().neg(), n);
          gc.backward(loss);
        }
        opt.clipGradNorm(1.0);
        opt.step(1e-4);
        opt.zeroGrad();
        if (s >= warmupSteps) {
          times[s - warmupSteps] = (System.nanoTime() - t0) / 1e9;
        }
      }
    }
    java.util.Arrays.sort(times);
    double median = times[times.length / 2];
    Runtime rt = Runtime.getRuntime();
    return new Result(
        batchSize * (double) sequenceTokens / median,
        median,
        4.0 * nonEmbedding,
        rt.totalMemory() - rt.freeMemory(),
        trainable);
  }
}
