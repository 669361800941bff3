package dev.qcat.inference.training;

import dev.qcat.inference.data.BadLine;
import dev.qcat.inference.data.ClassBalance;
import dev.qcat.inference.data.DuplicateDetector;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.data.SeedJsonlReader;
import dev.qcat.inference.data.StratifiedSplitter;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.lora.LoraModel;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One {@code qcat train} run from files: reads the seed-format training (and optional validation)
 * JSONL, reports bad lines, class balance, duplicates and train/validation leakage, drops leaking
 * training examples, splits a stratified validation set off the training data when none is given,
 * loads the base model and tokenizer, and runs {@link LoraTrainer}. The output directory receives
 * the adapter (PEFT layout), {@code calibration.json}, {@code training_history.json} and {@code
 * labels.txt} (the taxonomy, one category a line, in the order the adapter was trained with).
 */
public final class FineTuning {

  /** File of the taxonomy written beside the adapter. */
  public static final String LABELS_FILE = "labels.txt";

  private FineTuning() {}

  /**
   * What to train.
   *
   * @param modelDir base model checkpoint directory (with {@code tokenizer.json})
   * @param trainFile seed-format JSONL with {@code output} labels
   * @param validFile optional seed-format JSONL for validation
   * @param outDir adapter output directory
   * @param lora adapter shape
   * @param training optimisation settings
   * @param validationFraction share split off the training data when {@code validFile} is empty,
   *     fraction in (0, 1)
   * @param resumeFrom optional checkpoint directory to resume
   */
  public record Request(
      Path modelDir,
      Path trainFile,
      Optional<Path> validFile,
      Path outDir,
      LoraConfig lora,
      TrainingConfig training,
      double validationFraction,
      Optional<Path> resumeFrom) {

    /** Checks the paths are given. */
    public Request {
      Objects.requireNonNull(modelDir, "modelDir is required.");
      Objects.requireNonNull(trainFile, "trainFile is required.");
      Objects.requireNonNull(validFile, "validFile is required (use Optional.empty()).");
      Objects.requireNonNull(outDir, "outDir is required.");
      Objects.requireNonNull(lora, "lora is required.");
      Objects.requireNonNull(training, "training is required.");
      Objects.requireNonNull(resumeFrom, "resumeFrom is required (use Optional.empty()).");
    }
  }

  /**
   * Runs the request.
   *
   * @param request what to train
   * @param log receives the data report and a summary; never null
   * @param listener receives progress events (e.g. a progress bar)
   * @param cancelled polled before each optimizer step
   * @return how the run ended. Never null.
   * @throws IOException if a data file cannot be read or the labels file written
   * @throws IllegalArgumentException if the data hold no usable example or fewer than 2 categories
   */
  public static TrainingResult run(
      Request request,
      PrintStream log,
      Consumer<TrainingProgress> listener,
      BooleanSupplier cancelled)
      throws IOException {
    SeedJsonlReader reader = new SeedJsonlReader(true, List.of());
    SeedDataset trainData = reader.read(request.trainFile());
    reportBadLines(log, request.trainFile(), trainData.badLines());
    List<String> categories = trainData.distinctOutputs();
    if (categories.size() < 2) {
      throw new IllegalArgumentException(
          request.trainFile() + ": expected at least 2 categories but found " + categories);
    }
    List<SeedExample> train;
    List<SeedExample> valid;
    if (request.validFile().isPresent()) {
      SeedDataset v = new SeedJsonlReader(true, categories).read(request.validFile().get());
      reportBadLines(log, request.validFile().get(), v.badLines());
      train = trainData.examples();
      valid = v.examples();
    } else {
      StratifiedSplitter.Split split =
          StratifiedSplitter.split(
              trainData.examples(), request.validationFraction(), request.training().seed());
      train = split.train();
      valid = split.validation();
      log.printf(
          "validation: %d examples split off the training data (stratified, seed %d)%n",
          valid.size(), request.training().seed());
    }
    Map<String, List<SeedExample>> splits = new LinkedHashMap<>();
    splits.put("train", train);
    splits.put("validation", valid);
    DuplicateDetector.Report dups = DuplicateDetector.detect(splits);
    log.printf(
        "duplicates: %d groups within a split, %d groups leak across splits%n",
        dups.withinSplit().size(), dups.leakage().size());
    List<SeedExample> clean = DuplicateDetector.withoutLeaks(train, valid);
    if (clean.size() < train.size()) {
      log.printf(
          "removed %d training examples that also occur in validation%n",
          train.size() - clean.size());
    }
    log.print(ClassBalance.of(clean, categories).toText());

    Files.createDirectories(request.outDir());
    Files.write(request.outDir().resolve(LABELS_FILE), categories, StandardCharsets.UTF_8);
    LoraConfig lora = request.lora();
    if (lora.baseModelNameOrPath().isEmpty()) {
      lora = lora.withBaseModelNameOrPath(request.modelDir().toAbsolutePath().toString());
    }
    try (Qwen2Tokenizer tokenizer =
            Qwen2Tokenizer.load(request.modelDir().resolve(HfCheckpoint.TOKENIZER));
        LoraModel model = LoraModel.create(request.modelDir(), lora, request.training().seed())) {
      log.printf(
          "model: %s, %d trainable parameters (r=%d, alpha=%s, targets %s, modules to save %s)%n",
          request.modelDir(),
          model.trainableParameterCount(),
          lora.r(),
          lora.alpha(),
          lora.targetModules(),
          lora.modulesToSave());
      LoraTrainer trainer =
          new LoraTrainer(model, PromptEncoder.chatMl(tokenizer), categories, request.training());
      TrainingResult result =
          request.resumeFrom().isPresent()
              ? trainer.resume(
                  request.resumeFrom().get(), clean, valid, request.outDir(), listener, cancelled)
              : trainer.train(clean, valid, request.outDir(), listener, cancelled);
      log.printf(
          "%s after %d/%d steps; kept epoch %d; adapter in %s%n",
          result.status(),
          result.steps(),
          result.totalSteps(),
          result.bestEpoch(),
          result.adapterDir());
      result
          .calibration()
          .ifPresent(
              t ->
                  log.printf(
                      "temperature %.4f: validation ECE %.4f -> %.4f, NLL %.4f -> %.4f%n",
                      t.temperature(), t.eceBefore(), t.eceAfter(), t.nllBefore(), t.nllAfter()));
      result.checkpoint().ifPresent(c -> log.println("resume with --resume " + c));
      return result;
    }
  }

  private static void reportBadLines(PrintStream log, Path file, List<BadLine> bad) {
    if (bad.isEmpty()) {
      return;
    }
    log.printf("%s: skipped %d bad lines%n", file, bad.size());
    bad.stream().limit(20).forEach(b -> log.println("  " + b));
    if (bad.size() > 20) {
      log.printf("  … and %d more%n", bad.size() - 20);
    }
  }
}
