package dev.qcat.inference.cli;

import dev.qcat.inference.calibration.TemperatureScaling;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.lora.LoraAdapter;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.quant.QuantType;
import dev.qcat.inference.quant.QuantizedQwen2;
import dev.qcat.inference.scoring.CategoryScore;
import dev.qcat.inference.scoring.CategoryScorer;
import dev.qcat.inference.scoring.Classification;
import dev.qcat.inference.scoring.ScoringOptions;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import dev.qcat.inference.training.PromptEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A checkpoint loaded for classification: the Qwen2 model (with a LoRA adapter merged in, when one
 * is given), its tokenizer, the ChatML prompt encoder, a {@link CategoryScorer} over the taxonomy
 * and the adapter's temperature scaling ({@code calibration.json}; T = 1 without an adapter).
 */
final class LoadedModel implements AutoCloseable {

  final Qwen2Model model;
  final Qwen2Tokenizer tokenizer;
  final PromptEncoder encoder;
  final CategoryScorer scorer;
  TemperatureScaling calibration;
  private final ScoringOptions options;

  private LoadedModel(
      Qwen2Model model,
      Qwen2Tokenizer tokenizer,
      List<String> labels,
      ScoringOptions options,
      TemperatureScaling calibration) {
    this.model = model;
    this.options = options;
    this.calibration = calibration;
    this.tokenizer = tokenizer;
    this.encoder = PromptEncoder.chatMl(tokenizer);
    int[][] labelTokens = new int[labels.size()][];
    for (int i = 0; i < labels.size(); i++) {
      labelTokens[i] = encoder.labelTokens(labels.get(i));
    }
    this.scorer = new CategoryScorer(model, labels, labelTokens, encoder.endTokenId(), options);
  }

  /**
   * @param dir HF checkpoint directory
   * @param labels category names
   * @param options scoring options
   * @return the loaded model; the caller closes it. Never null.
   */
  static LoadedModel open(Path dir, List<String> labels, ScoringOptions options) {
    return open(dir, Optional.empty(), labels, options);
  }

  /**
   * Loads the base checkpoint, merges the adapter into it (W + (alpha/r)·B·A, saved modules
   * replacing the base ones) and reads the adapter's {@code calibration.json} if present.
   *
   * @param dir HF checkpoint directory of the base model
   * @param adapter PEFT adapter directory, or empty for the base model alone
   * @param labels category names
   * @param options scoring options
   * @return the loaded model; the caller closes it. Never null.
   * @throws IllegalArgumentException if the adapter does not fit the base model (names the tensor)
   */
  static LoadedModel open(
      Path dir, Optional<Path> adapter, List<String> labels, ScoringOptions options) {
    return open(dir, adapter, Optional.empty(), labels, options);
  }

  /**
   * Like {@link #open(Path, Optional, List, ScoringOptions)}, served from quantized weights when
   * {@code quant} is given: the adapter is merged into the float32 base first, then every
   * projection and the embedding are quantized ({@link QuantizedQwen2#load(Path, LoraAdapter,
   * QuantType)}). The adapter's {@code calibration.json} was fitted on the float32 model; refit it
   * on the quantized one with {@link #refitCalibration}.
   *
   * @param dir HF checkpoint directory of the base model
   * @param adapter PEFT adapter directory, or empty for the base model alone
   * @param quant block format to serve from, or empty for float32
   * @param labels category names
   * @param options scoring options
   * @return the loaded model; the caller closes it. Never null.
   * @throws IllegalArgumentException if the adapter does not fit the base model (names the tensor)
   */
  static LoadedModel open(
      Path dir,
      Optional<Path> adapter,
      Optional<QuantType> quant,
      List<String> labels,
      ScoringOptions options) {
    return open(dir, adapter, quant, false, labels, options);
  }

  /**
   * Like {@link #open(Path, Optional, Optional, List, ScoringOptions)}; with {@code pure} the token
   * embedding (tied LM head) is quantized in {@code quant} too instead of {@link
   * QuantType#defaultOutputType()}.
   *
   * @param dir HF checkpoint directory of the base model
   * @param adapter PEFT adapter directory, or empty for the base model alone
   * @param quant block format to serve from, or empty for float32
   * @param pure whether the embedding takes {@code quant} as well
   * @param labels category names
   * @param options scoring options
   * @return the loaded model; the caller closes it. Never null.
   * @throws IllegalArgumentException if the adapter does not fit the base model (names the tensor)
   */
  static LoadedModel open(
      Path dir,
      Optional<Path> adapter,
      Optional<QuantType> quant,
      boolean pure,
      List<String> labels,
      ScoringOptions options) {
    try {
      return open(
          dir,
          adapter,
          quant,
          pure,
          new GptqOptions(),
          labels,
          options,
          new PrintWriter(Writer.nullWriter()));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not reached: without --gptq nothing more is read
    }
  }

  /**
   * Like {@link #open(Path, Optional, Optional, boolean, List, ScoringOptions)}; with {@code
   * --gptq} and a quantized type, the projections are rounded by GPTQ before they are quantized.
   *
   * @param dir HF checkpoint directory of the base model
   * @param adapter PEFT adapter directory, or empty for the base model alone
   * @param quant block format to serve from, or empty for float32
   * @param pure whether the embedding takes {@code quant} as well
   * @param gptq the GPTQ options (off unless {@code --gptq} was given)
   * @param labels category names
   * @param options scoring options
   * @param err GPTQ calibration progress
   * @return the loaded model; the caller closes it. Never null.
   * @throws IOException if the GPTQ calibration file cannot be read
   * @throws IllegalArgumentException if the adapter does not fit the base model (names the tensor)
   */
  static LoadedModel open(
      Path dir,
      Optional<Path> adapter,
      Optional<QuantType> quant,
      boolean pure,
      GptqOptions gptq,
      List<String> labels,
      ScoringOptions options,
      PrintWriter err)
      throws IOException {
    Qwen2Model model;
    TemperatureScaling calibration = TemperatureScaling.identity();
    if (quant.isPresent()) {
      LoraAdapter lora = adapter.map(PeftAdapterIO::load).orElse(null);
      if (adapter.isPresent()) {
        calibration = TemperatureScaling.loadOrIdentity(adapter.get());
      }
      QuantType q = quant.get();
      QuantType outputType = pure ? q : q.defaultOutputType();
      if (gptq.enabled()) {
        try (HfCheckpoint ckpt = HfCheckpoint.load(dir)) {
          Function<String, FloatTensor> tensors =
              lora == null ? ckpt::tensor : lora.mergedInto(ckpt);
          model =
              QuantizedQwen2.fromTensors(
                  ckpt.config(), gptq.apply(dir, ckpt.config(), tensors, q, err), q, outputType);
        }
      } else {
        model = QuantizedQwen2.load(dir, lora, q, outputType);
      }
    } else if (adapter.isPresent()) {
      LoraAdapter lora = PeftAdapterIO.load(adapter.get());
      calibration = TemperatureScaling.loadOrIdentity(adapter.get());
      try (HfCheckpoint ckpt = HfCheckpoint.load(dir)) {
        model = Qwen2Model.fromTensors(ckpt.config(), lora.mergedInto(ckpt));
      }
    } else {
      model = Qwen2Model.load(dir);
    }
    Qwen2Tokenizer tokenizer = null;
    try {
      tokenizer = Qwen2Tokenizer.load(dir.resolve(HfCheckpoint.TOKENIZER));
      return new LoadedModel(model, tokenizer, labels, options, calibration);
    } catch (RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      model.close();
      throw e;
    }
  }

  /**
   * Classifies examples in batches of {@code batchSize}.
   *
   * @param examples questions with their instructions
   * @param batchSize questions per forward pass, ≥ 1
   * @return one classification per example, in order, with calibrated confidences ({@link
   *     #calibrate}). Never null.
   */
  List<Classification> classify(List<SeedExample> examples, int batchSize) {
    List<Classification> out = new ArrayList<>(examples.size());
    for (int from = 0; from < examples.size(); from += batchSize) {
      List<SeedExample> chunk = examples.subList(from, Math.min(examples.size(), from + batchSize));
      int[][] prompts = chunk.stream().map(encoder::prompt).toArray(int[][]::new);
      for (Classification c : scorer.classifyBatch(prompts)) {
        out.add(calibrate(c));
      }
    }
    return out;
  }

  /**
   * Fits the temperature again on this model's own scores of a validation set (temperature scaling,
   * Guo et al. 2017) and uses it from now on; needed after quantization, which changes the scores
   * the stored temperature was fitted on.
   *
   * @param examples validation questions, each with its true category in {@code output}
   * @param trueIndex per example, the index of the true category in the taxonomy
   * @param batchSize questions per forward pass, ≥ 1
   * @return the new scaling, with NLL and ECE (15 bins) on {@code examples} at T = 1 and at the new
   *     T. Never null.
   * @throws IllegalArgumentException if {@code examples} is empty or no example's true category has
   *     a finite score
   */
  TemperatureScaling refitCalibration(List<SeedExample> examples, int[] trueIndex, int batchSize) {
    List<double[]> logScores = new ArrayList<>(examples.size());
    for (int from = 0; from < examples.size(); from += batchSize) {
      List<SeedExample> chunk = examples.subList(from, Math.min(examples.size(), from + batchSize));
      int[][] prompts = chunk.stream().map(encoder::prompt).toArray(int[][]::new);
      for (Classification c : scorer.classifyBatch(prompts)) {
        logScores.add(c.scores().stream().mapToDouble(CategoryScore::logProbability).toArray());
      }
    }
    calibration = TemperatureScaling.fit(logScores, trueIndex);
    return calibration;
  }

  /**
   * Replaces the confidences by the calibrated ones, softmax(log P(c | prompt) / T), and decides
   * {@code needsReview} on the calibrated confidence. The ranking (hence the category) is
   * unchanged; the log-probabilities and pruning bounds are kept as scored (the bounds hold for T =
   * 1).
   *
   * @param c a classification as scored
   * @return {@code c} itself when T = 1, else the calibrated classification. Never null.
   */
  Classification calibrate(Classification c) {
    if (calibration.temperature() == 1.0) {
      return c;
    }
    double[] logScores = c.scores().stream().mapToDouble(CategoryScore::logProbability).toArray();
    double[] p = calibration.apply(logScores);
    List<CategoryScore> scores = new ArrayList<>(p.length);
    for (CategoryScore s : c.scores()) {
      scores.add(
          new CategoryScore(
              s.category(), s.index(), s.logProbability(), s.pruned() ? 0 : p[s.index()]));
    }
    // softmax(s / T) is monotone in s: the scorer's order (by log-probability) still holds
    List<CategoryScore> top = c.topK().stream().map(s -> scores.get(s.index())).toList();
    CategoryScore best = top.get(0);
    return new Classification(
        best.category(),
        best.confidence(),
        top,
        best.confidence() < options.threshold(),
        c.prunedLabels(),
        c.errorBound(),
        c.confidenceErrorBound(),
        scores);
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
