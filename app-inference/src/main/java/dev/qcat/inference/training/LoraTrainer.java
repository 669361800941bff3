package dev.qcat.inference.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.calibration.TemperatureScaling;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.io.SafetensorsReader;
import dev.qcat.inference.io.SafetensorsWriter;
import dev.qcat.inference.lora.LoraModel;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.model.Scalars;
import dev.qcat.inference.scoring.CategoryScore;
import dev.qcat.inference.scoring.CategoryScorer;
import dev.qcat.inference.scoring.Classification;
import dev.qcat.inference.scoring.ClassificationReport;
import dev.qcat.inference.scoring.ScoringOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Supervised LoRA fine-tuning of a Qwen2 model as a category generator: each example is the ChatML
 * prompt followed by the answer (category name + {@code <|im_end|>}), and the loss is the mean
 * cross-entropy over the answer tokens only (prompt tokens are masked out, as TRL's completion-only
 * collator does).
 *
 * <p>Per optimizer step: {@code gradAccumulation} micro-batches of {@code batchSize} examples, the
 * loss of each scaled by 1 / (answer tokens of the whole step), so accumulation equals one big
 * batch; DJL autograd fills the gradients of the LoRA matrices (and of the modules to save);
 * global-norm clipping; {@link AdamW} at the schedule's learning rate (warm-up, then cosine or
 * linear decay). Batches are length-bucketed: each epoch the examples are shuffled, cut into
 * windows of {@code bucketWindow} batches, sorted by length inside a window (less padding), and the
 * batches shuffled again.
 *
 * <p>Determinism: the batch order of epoch e depends only on (seed, e); dropout is reseeded from
 * (seed, micro-batch index) before every micro-batch. With the same seed, data and machine a run
 * gives the same adapter, and a run resumed from a checkpoint (adapter, AdamW moments, step
 * counters, early-stopping state, all float32 bit-exact) ends with the same adapter as an
 * uninterrupted one.
 *
 * <p>Each epoch ends with an evaluation on the validation split by exact category scoring ({@link
 * CategoryScorer}, ε = 0): accuracy, macro-F1, ECE and answer-token loss. The best epoch by the
 * monitored metric is written to the output directory in PEFT's layout, with {@code
 * calibration.json} (temperature scaling fitted on that epoch's validation scores); training stops
 * early after {@code patience} epochs without improvement. Cancellation is checked before every
 * optimizer step; a cancelled run writes a checkpoint and returns.
 *
 * <p>Output directory: {@code adapter_config.json}, {@code adapter_model.safetensors}, {@code
 * calibration.json}, {@code training_history.json}; {@code checkpoints/step-NNNNNN/} holding {@code
 * adapter_*}, {@code optimizer.safetensors} and {@code trainer_state.json}.
 */
public final class LoraTrainer {

  /** Sub-directory of the output directory that holds checkpoints. */
  public static final String CHECKPOINTS = "checkpoints";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final LoraModel model;
  private final PromptEncoder encoder;
  private final List<String> categories;
  private final Map<String, Integer> categoryIndex = new HashMap<>();
  private final int[][] labelTokens;
  private final TrainingConfig config;

  /** An example as token ids. */
  record Encoded(int[] tokens, int promptLength, int label) {
    int answerLength() {
      return tokens.length - promptLength;
    }
  }

  /**
   * @param model the model with its adapter (fresh or loaded); trained in place
   * @param encoder prompt and answer encoding
   * @param categories the taxonomy, in order; examples with other labels are skipped
   * @param config training hyperparameters
   * @throws IllegalArgumentException if the categories are empty or repeat
   */
  public LoraTrainer(
      LoraModel model, PromptEncoder encoder, List<String> categories, TrainingConfig config) {
    this.model = Objects.requireNonNull(model, "model is required.");
    this.encoder = Objects.requireNonNull(encoder, "encoder is required.");
    this.categories = List.copyOf(Objects.requireNonNull(categories, "categories are required."));
    this.config = Objects.requireNonNull(config, "config is required.");
    if (categories.isEmpty()) {
      throw new IllegalArgumentException("expected at least one category but got none");
    }
    labelTokens = new int[categories.size()][];
    for (int i = 0; i < categories.size(); i++) {
      if (categoryIndex.put(categories.get(i), i) != null) {
        throw new IllegalArgumentException("category \"" + categories.get(i) + "\" repeats");
      }
      labelTokens[i] = encoder.labelTokens(categories.get(i));
    }
  }

  /** Mutable run state; what a checkpoint stores besides the tensors. */
  static final class State {
    int epoch;
    int stepInEpoch;
    long step;
    double best = Double.NaN;
    int bestEpoch = -1;
    int badEpochs;
    double epochLossSum;
    int epochLossCount;
    List<EpochMetrics> history = new ArrayList<>();
  }

  /**
   * Trains from the model's current adapter.
   *
   * @param train training examples (labelled)
   * @param validation validation examples (labelled); may be empty (no evaluation, no early
   *     stopping, the last epoch is kept)
   * @param outDir output directory (created)
   * @param listener receives progress events; may be a no-op
   * @param cancelled polled before each optimizer step; true stops the run with a checkpoint
   * @return how the run ended. Never null.
   * @throws IllegalArgumentException if no training example is usable
   */
  public TrainingResult train(
      List<SeedExample> train,
      List<SeedExample> validation,
      Path outDir,
      Consumer<TrainingProgress> listener,
      BooleanSupplier cancelled) {
    return run(train, validation, outDir, listener, cancelled, null);
  }

  /**
   * Resumes a run from a checkpoint written by this class with the same data and configuration.
   *
   * @param checkpoint a {@code checkpoints/step-NNNNNN} directory
   * @param train the same training examples
   * @param validation the same validation examples
   * @param outDir the same output directory
   * @param listener receives progress events
   * @param cancelled polled before each optimizer step
   * @return how the run ended. Never null.
   * @throws UncheckedIOException if the checkpoint cannot be read
   * @throws IllegalArgumentException if the checkpoint does not match the model or configuration
   */
  public TrainingResult resume(
      Path checkpoint,
      List<SeedExample> train,
      List<SeedExample> validation,
      Path outDir,
      Consumer<TrainingProgress> listener,
      BooleanSupplier cancelled) {
    Objects.requireNonNull(checkpoint, "checkpoint is required.");
    return run(train, validation, outDir, listener, cancelled, checkpoint);
  }

  private TrainingResult run(
      List<SeedExample> trainExamples,
      List<SeedExample> validation,
      Path outDir,
      Consumer<TrainingProgress> listener,
      BooleanSupplier cancelled,
      Path resumeFrom) {
    Objects.requireNonNull(outDir, "outDir is required.");
    Objects.requireNonNull(listener, "listener is required.");
    Objects.requireNonNull(cancelled, "cancelled is required.");
    List<Encoded> train = new ArrayList<>();
    int skipped = 0;
    for (SeedExample x : trainExamples) {
      Encoded e = encode(x);
      if (e == null || e.tokens().length > config.maxSequenceTokens()) {
        skipped++;
      } else {
        train.add(e);
      }
    }
    if (train.isEmpty()) {
      throw new IllegalArgumentException(
          "no usable training example ("
              + skipped
              + " skipped: label outside the categories or longer than "
              + config.maxSequenceTokens()
              + " tokens)");
    }
    int microPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
    int stepsPerEpoch = (microPerEpoch + config.gradAccumulation() - 1) / config.gradAccumulation();
    long totalSteps = (long) stepsPerEpoch * config.epochs();
    LrSchedule schedule =
        LrSchedule.named(
            config.schedule(),
            config.learningRate(),
            Math.round(config.warmupRatio() * totalSteps),
            totalSteps);
    AdamW optimizer =
        new AdamW(
            model.trainableParameters(),
            config.beta1(),
            config.beta2(),
            config.adamEps(),
            config.weightDecay());
    State state = new State();
    if (resumeFrom != null) {
      loadCheckpoint(resumeFrom, optimizer, state, totalSteps);
    }
    Evaluation bestEvaluation = null;
    long startNanos = System.nanoTime();
    long stepsThisRun = 0;
    long tokensThisRun = 0;
    try (NDManager root = NDManager.newBaseManager()) {
      while (state.epoch < config.epochs()) {
        List<List<int[]>> steps = stepsOf(epochBatches(train, state.epoch));
        if (state.stepInEpoch == 0) {
          state.epochLossSum = 0;
          state.epochLossCount = 0;
        }
        model.setTraining(true);
        for (int s = state.stepInEpoch; s < steps.size(); s++) {
          if (cancelled.getAsBoolean()) {
            Path ckpt = saveCheckpoint(outDir, optimizer, state, totalSteps);
            listener.accept(event(TrainingProgress.Kind.DONE, state, totalSteps, "cancelled"));
            return new TrainingResult(
                TrainingResult.Status.CANCELLED,
                state.step,
                totalSteps,
                state.bestEpoch,
                state.history,
                outDir,
                Optional.of(ckpt),
                Optional.empty(),
                skipped);
          }
          List<int[]> micro = steps.get(s);
          int answerTokens = 0;
          for (int[] batch : micro) {
            for (int i : batch) {
              answerTokens += train.get(i).answerLength();
            }
          }
          double stepLoss = 0;
          for (int m = 0; m < micro.size(); m++) {
            int[] batch = micro.get(m);
            long microIndex = state.step * config.gradAccumulation() + m;
            Engine.getInstance().setRandomSeed((int) (config.seed() * 1_000_003L + microIndex));
            try (NDManager call = root.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray nll = answerNllSum(call, train, batch);
              stepLoss += nll.getFloat();
              gc.backward(Scalars.div(nll, answerTokens));
            }
            for (int i : batch) {
              tokensThisRun += train.get(i).tokens().length;
            }
          }
          stepLoss /= answerTokens;
          if (!Double.isFinite(stepLoss)) {
            throw new IllegalStateException(
                "training loss is " + stepLoss + " at step " + state.step + " (lower the lr?)");
          }
          optimizer.clipGradNorm(config.maxGradNorm());
          double lr = schedule.lr(state.step);
          optimizer.step(lr);
          optimizer.zeroGrad();
          state.step++;
          state.stepInEpoch = s + 1;
          stepsThisRun++;
          state.epochLossSum += stepLoss;
          state.epochLossCount++;
          double elapsed = (System.nanoTime() - startNanos) / 1e9;
          listener.accept(
              new TrainingProgress(
                  TrainingProgress.Kind.STEP,
                  state.epoch,
                  state.step,
                  totalSteps,
                  stepLoss,
                  lr,
                  tokensThisRun / Math.max(1e-9, elapsed),
                  elapsed / stepsThisRun * (totalSteps - state.step),
                  null,
                  ""));
          if (config.checkpointEvery() > 0 && state.step % config.checkpointEvery() == 0) {
            Path ckpt = saveCheckpoint(outDir, optimizer, state, totalSteps);
            listener.accept(
                event(TrainingProgress.Kind.CHECKPOINT, state, totalSteps, ckpt.toString()));
          }
        }
        // End of epoch: evaluate, keep the best adapter, maybe stop.
        double trainLoss =
            state.epochLossCount == 0 ? Double.NaN : state.epochLossSum / state.epochLossCount;
        boolean improved;
        EpochMetrics metrics;
        if (validation.isEmpty()) {
          metrics =
              new EpochMetrics(
                  state.epoch,
                  state.step,
                  trainLoss,
                  Double.NaN,
                  Double.NaN,
                  Double.NaN,
                  Double.NaN,
                  0);
          improved = true;
        } else {
          Evaluation ev = evaluate(validation);
          metrics = ev.metrics(state.epoch, state.step, trainLoss);
          double value = config.monitor().equals("loss") ? ev.loss() : -ev.report().macroF1();
          improved = Double.isNaN(state.best) || value < state.best;
          if (improved) {
            state.best = value;
            bestEvaluation = ev;
          }
        }
        state.history.add(metrics);
        if (improved) {
          state.bestEpoch = state.epoch;
          state.badEpochs = 0;
          PeftAdapterIO.save(outDir, model.toAdapter());
        } else {
          state.badEpochs++;
        }
        writeHistory(outDir, state);
        TrainingProgress done = event(TrainingProgress.Kind.EVAL, state, totalSteps, "");
        listener.accept(
            new TrainingProgress(
                done.kind(),
                done.epoch(),
                done.step(),
                done.totalSteps(),
                metrics.loss(),
                Double.NaN,
                done.tokensPerSecond(),
                done.etaSeconds(),
                metrics,
                ""));
        state.epoch++;
        state.stepInEpoch = 0;
        if (config.patience() > 0
            && !validation.isEmpty()
            && state.badEpochs >= config.patience()
            && state.epoch < config.epochs()) {
          return finish(
              TrainingResult.Status.EARLY_STOPPED,
              state,
              totalSteps,
              outDir,
              validation,
              bestEvaluation,
              skipped,
              listener);
        }
      }
    }
    return finish(
        TrainingResult.Status.COMPLETED,
        state,
        totalSteps,
        outDir,
        validation,
        bestEvaluation,
        skipped,
        listener);
  }

  private TrainingResult finish(
      TrainingResult.Status status,
      State state,
      long totalSteps,
      Path outDir,
      List<SeedExample> validation,
      Evaluation best,
      int skipped,
      Consumer<TrainingProgress> listener) {
    model.setTraining(false);
    Optional<TemperatureScaling> calibration = Optional.empty();
    if (!validation.isEmpty() && categories.size() >= 2) {
      if (best == null) {
        // Resumed after the best epoch: score the kept adapter again.
        LoraModelSwap swap = new LoraModelSwap(model, outDir);
        try {
          best = evaluate(validation);
        } finally {
          swap.restore();
        }
      }
      if (best.labels().length > 0) {
        TemperatureScaling ts = TemperatureScaling.fit(best.logScores(), best.labels());
        ts.save(outDir);
        calibration = Optional.of(ts);
      }
    }
    listener.accept(event(TrainingProgress.Kind.DONE, state, totalSteps, status.name()));
    return new TrainingResult(
        status,
        state.step,
        totalSteps,
        state.bestEpoch,
        state.history,
        outDir,
        Optional.empty(),
        calibration,
        skipped);
  }

  /** Temporarily loads the kept adapter from the output directory into the model. */
  private static final class LoraModelSwap {
    private final LoraModel model;
    private final dev.qcat.inference.lora.LoraAdapter current;

    LoraModelSwap(LoraModel model, Path outDir) {
      this.model = model;
      this.current = model.toAdapter();
      model.setAdapter(PeftAdapterIO.load(outDir));
    }

    void restore() {
      model.setAdapter(current);
    }
  }

  private TrainingProgress event(
      TrainingProgress.Kind kind, State state, long totalSteps, String message) {
    return new TrainingProgress(
        kind,
        state.epoch,
        state.step,
        totalSteps,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        null,
        message);
  }

  private Encoded encode(SeedExample x) {
    Integer label = x.output().map(categoryIndex::get).orElse(null);
    if (label == null) {
      return null;
    }
    int[] prompt = encoder.prompt(x);
    int[] answer = encoder.answer(categories.get(label));
    int[] tokens = new int[prompt.length + answer.length];
    System.arraycopy(prompt, 0, tokens, 0, prompt.length);
    System.arraycopy(answer, 0, tokens, prompt.length, answer.length);
    return new Encoded(tokens, prompt.length, label);
  }

  /**
   * Σ over the batch's answer tokens of −log p(token | preceding tokens), as a scalar NDArray
   * attached to {@code call}, differentiable.
   */
  NDArray answerNllSum(NDManager call, List<Encoded> examples, int[] batch) {
    int[][] seqs = new int[batch.length][];
    int t = 0;
    int n = 0;
    for (int i = 0; i < batch.length; i++) {
      Encoded e = examples.get(batch[i]);
      seqs[i] = e.tokens();
      t = Math.max(t, e.tokens().length);
      n += e.answerLength();
    }
    int[] rows = new int[n];
    long[] targets = new long[n];
    int k = 0;
    for (int i = 0; i < batch.length; i++) {
      Encoded e = examples.get(batch[i]);
      for (int j = 0; j < e.answerLength(); j++) {
        // answer token j sits at promptLength + j and is predicted at the position before it
        rows[k] = i * t + e.promptLength() + j - 1;
        targets[k] = e.tokens()[e.promptLength() + j];
        k++;
      }
    }
    NDArray h = model.model().normedHiddenStates(call, seqs, rows); // (N, hiddenSize)
    NDArray logp = model.model().lmHead().forward(h).logSoftmax(-1); // (N, V)
    NDArray picked = logp.gather(call.create(targets, new Shape(n, 1)), 1); // (N, 1)
    return picked.sum().neg();
  }

  /**
   * Scores labelled examples by exact category scoring with the current adapter (evaluation mode).
   *
   * @param examples labelled examples; labels outside the categories are skipped and counted
   * @return the evaluation at temperature 1. Never null.
   */
  public Evaluation evaluate(List<SeedExample> examples) {
    boolean wasTraining = model.loraLayers().values().stream().anyMatch(l -> l.isTraining());
    model.setTraining(false);
    try {
      CategoryScorer scorer =
          new CategoryScorer(
              model.model(),
              categories,
              labelTokens,
              encoder.endTokenId(),
              ScoringOptions.defaults().withEpsilon(0));
      ClassificationReport report =
          new ClassificationReport(categories, ScoringOptions.DEFAULT_THRESHOLD);
      List<double[]> scores = new ArrayList<>();
      List<Integer> labels = new ArrayList<>();
      List<int[]> prompts = new ArrayList<>();
      int skipped = 0;
      double nll = 0;
      long tokens = 0;
      List<SeedExample> usable = new ArrayList<>();
      for (SeedExample x : examples) {
        Integer label = x.output().map(categoryIndex::get).orElse(null);
        if (label == null) {
          skipped++;
          continue;
        }
        usable.add(x);
        labels.add(label);
        prompts.add(encoder.prompt(x));
      }
      for (int start = 0; start < prompts.size(); start += config.evalBatchSize()) {
        int end = Math.min(prompts.size(), start + config.evalBatchSize());
        List<Classification> out =
            scorer.classifyBatch(prompts.subList(start, end).toArray(new int[0][]));
        for (int i = 0; i < out.size(); i++) {
          Classification c = out.get(i);
          int actual = labels.get(start + i);
          double[] s = new double[categories.size()];
          for (CategoryScore cs : c.scores()) {
            s[cs.index()] = cs.logProbability();
          }
          scores.add(s);
          report.add(actual, c.index(), c.confidence());
          nll -= s[actual];
          tokens += labelTokens[actual].length + 1;
        }
      }
      int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
      return new Evaluation(report, tokens == 0 ? Double.NaN : nll / tokens, scores, y, skipped);
    } finally {
      model.setTraining(wasTraining);
    }
  }

  /**
   * The micro-batches of one epoch: shuffle with (seed, epoch), sort by length inside windows of
   * {@code bucketWindow} batches, cut into batches, shuffle the batch order.
   */
  List<int[]> epochBatches(List<Encoded> train, int epoch) {
    Random random = new Random(config.seed() * 7919L + epoch);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    int window = config.batchSize() * config.bucketWindow();
    List<int[]> batches = new ArrayList<>();
    for (int w = 0; w < order.size(); w += window) {
      List<Integer> chunk = new ArrayList<>(order.subList(w, Math.min(order.size(), w + window)));
      chunk.sort(
          (a, b) -> Integer.compare(train.get(a).tokens().length, train.get(b).tokens().length));
      for (int b = 0; b < chunk.size(); b += config.batchSize()) {
        List<Integer> batch = chunk.subList(b, Math.min(chunk.size(), b + config.batchSize()));
        batches.add(batch.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    Collections.shuffle(batches, random);
    return batches;
  }

  private List<List<int[]>> stepsOf(List<int[]> batches) {
    List<List<int[]>> steps = new ArrayList<>();
    for (int i = 0; i < batches.size(); i += config.gradAccumulation()) {
      steps.add(batches.subList(i, Math.min(batches.size(), i + config.gradAccumulation())));
    }
    return steps;
  }

  // ---------------------------------------------------------------------------------------------
  // Checkpoints

  /**
   * Writes the checkpoint into {@code step-NNNNNN.partial} and renames it when complete, so a crash
   * while writing never leaves a half-written {@code step-NNNNNN} that {@code --resume} would trip
   * over.
   */
  private Path saveCheckpoint(Path outDir, AdamW optimizer, State state, long totalSteps) {
    Path done =
        outDir.resolve(CHECKPOINTS).resolve(String.format(Locale.ROOT, "step-%06d", state.step));
    Path dir = done.resolveSibling(done.getFileName() + ".partial");
    deleteRecursively(dir);
    PeftAdapterIO.save(dir, model.toAdapter());
    SafetensorsWriter.write(
        dir.resolve("optimizer.safetensors"), SafetensorsDtype.F32, optimizer.state());
    ObjectNode n = JSON.createObjectNode();
    n.put("epoch", state.epoch);
    n.put("step_in_epoch", state.stepInEpoch);
    n.put("step", state.step);
    n.put("optimizer_steps", optimizer.steps());
    n.put("total_steps", totalSteps);
    n.put("seed", config.seed());
    n.put("best", state.best);
    n.put("best_epoch", state.bestEpoch);
    n.put("bad_epochs", state.badEpochs);
    n.put("epoch_loss_sum", state.epochLossSum);
    n.put("epoch_loss_count", state.epochLossCount);
    n.set("history", historyJson(state.history));
    n.set("config", JSON.valueToTree(config));
    try {
      JSON.writeValue(dir.resolve("trainer_state.json").toFile(), n);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("trainer_state.json"), e);
    }
    deleteRecursively(done);
    try {
      Files.move(dir, done, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rename " + dir + " to " + done, e);
    }
    return done;
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private void loadCheckpoint(Path dir, AdamW optimizer, State state, long totalSteps) {
    JsonNode n;
    try {
      n = JSON.readTree(dir.resolve("trainer_state.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve("trainer_state.json"), e);
    }
    TrainingConfig saved;
    try {
      saved = JSON.treeToValue(n.get("config"), TrainingConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(dir + ": unreadable config in trainer_state.json", e);
    }
    if (!saved.equals(config)) {
      throw new IllegalArgumentException(
          dir + ": checkpoint was made with " + saved + " but this run has " + config);
    }
    if (n.get("total_steps").asLong() != totalSteps) {
      throw new IllegalArgumentException(
          dir
              + ": checkpoint run had "
              + n.get("total_steps").asLong()
              + " steps but this one has "
              + totalSteps
              + " (different data?)");
    }
    model.setAdapter(PeftAdapterIO.load(dir));
    Map<String, FloatTensor> opt = SafetensorsReader.readAll(dir.resolve("optimizer.safetensors"));
    optimizer.loadState(opt, n.get("optimizer_steps").asLong());
    state.epoch = n.get("epoch").asInt();
    state.stepInEpoch = n.get("step_in_epoch").asInt();
    state.step = n.get("step").asLong();
    state.best = n.get("best").isNumber() ? n.get("best").asDouble() : Double.NaN;
    state.bestEpoch = n.get("best_epoch").asInt();
    state.badEpochs = n.get("bad_epochs").asInt();
    state.epochLossSum = n.get("epoch_loss_sum").asDouble();
    state.epochLossCount = n.get("epoch_loss_count").asInt();
    for (JsonNode h : n.get("history")) {
      state.history.add(
          new EpochMetrics(
              h.get("epoch").asInt(),
              h.get("step").asLong(),
              num(h, "train_loss"),
              num(h, "loss"),
              num(h, "accuracy"),
              num(h, "macro_f1"),
              num(h, "ece"),
              h.get("examples").asInt()));
    }
  }

  private static double num(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
  }

  private static ArrayNode historyJson(List<EpochMetrics> history) {
    ArrayNode a = JSON.createArrayNode();
    for (EpochMetrics m : history) {
      ObjectNode o = a.addObject();
      o.put("epoch", m.epoch());
      o.put("step", m.step());
      o.put("train_loss", m.trainLoss());
      o.put("loss", m.loss());
      o.put("accuracy", m.accuracy());
      o.put("macro_f1", m.macroF1());
      o.put("ece", m.ece());
      o.put("examples", m.examples());
    }
    return a;
  }

  private static void writeHistory(Path outDir, State state) {
    ObjectNode n = JSON.createObjectNode();
    n.put("best_epoch", state.bestEpoch);
    n.set("history", historyJson(state.history));
    try {
      Files.createDirectories(outDir);
      JSON.writeValue(outDir.resolve("training_history.json").toFile(), n);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + outDir.resolve("training_history.json"), e);
    }
  }

  /**
   * @param examples labelled examples
   * @return the examples as token ids, those with unknown labels left out (for tests). Never null.
   */
  List<Encoded> encodeAll(List<SeedExample> examples) {
    List<Encoded> out = new ArrayList<>();
    for (SeedExample x : examples) {
      Encoded e = encode(x);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }
}
