package dev.qcat.inference.cli;

import dev.qcat.inference.data.BadLine;
import dev.qcat.inference.data.CategoryLabels;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.scoring.ScoringOptions;
import dev.qcat.inference.training.FineTuning;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The model, adapter, taxonomy and scoring options shared by {@code classify} and {@code eval}. */
final class ModelOptions {

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "HF checkpoint directory (config.json, *.safetensors, tokenizer.json).")
  Path model;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description =
          "PEFT LoRA adapter directory (adapter_config.json, adapter_model.safetensors), merged into --model; its labels.txt is the default taxonomy and its calibration.json temperature calibrates the confidences.")
  Path adapter;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  LabelSource labels;

  static final class LabelSource {
    @Option(
        names = "--labels",
        required = true,
        paramLabel = "FILE",
        description = "Category names, one per line.")
    Path file;

    @Option(
        names = "--labels-from",
        required = true,
        paramLabel = "DATASET.jsonl",
        description =
            "Take the categories from the distinct \"output\" values of a seed-format dataset, in first-seen order.")
    Path dataset;
  }

  @Option(
      names = "--threshold",
      defaultValue = "0.75",
      description =
          "Confidence below which a prediction needs review, in [0, 1] (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(
      names = "--epsilon",
      defaultValue = "0",
      description =
          "Prune label branches whose prefix probability is below this; 0 scores exactly (default: ${DEFAULT-VALUE}).")
  double epsilon;

  @Option(
      names = "--top-k",
      defaultValue = "3",
      description = "Categories listed per prediction (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      description = "Questions scored per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  /**
   * Checks the options that picocli cannot.
   *
   * @throws UsageException on a missing path, no taxonomy, or a value out of range
   */
  void validate() {
    Cli.requireDirectory("--model", model);
    if (adapter != null) {
      Cli.requireDirectory("--adapter", adapter);
      Cli.requireFile("--adapter", adapter.resolve(PeftAdapterIO.CONFIG_FILE));
    }
    if (labels == null) {
      if (adapter == null) {
        throw new UsageException(
            "one of --labels FILE or --labels-from DATASET.jsonl is required (or --adapter DIR"
                + " with a labels.txt)");
      }
      if (!Files.isRegularFile(adapter.resolve(FineTuning.LABELS_FILE))) {
        throw new UsageException(
            "--adapter "
                + adapter
                + " has no "
                + FineTuning.LABELS_FILE
                + "; give the taxonomy with --labels or --labels-from");
      }
    } else if (labels.file != null) {
      Cli.requireFile("--labels", labels.file);
    } else {
      Cli.requireFile("--labels-from", labels.dataset);
    }
    if (batchSize < 1) {
      throw new UsageException("--batch-size must be >= 1 but is " + batchSize);
    }
    try {
      scoringOptions();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * @return epsilon, threshold and top-k. Never null.
   */
  ScoringOptions scoringOptions() {
    return new ScoringOptions(epsilon, threshold, topK);
  }

  /**
   * @return the adapter directory, if {@code --adapter} was given. Never null.
   */
  Optional<Path> adapter() {
    return Optional.ofNullable(adapter);
  }

  /**
   * Reads the taxonomy: {@code --labels}, {@code --labels-from}, else the adapter's {@code
   * labels.txt}; with {@code --labels-from}, reports the dataset's skipped lines on {@code err}.
   *
   * @return the category names. Never null.
   */
  List<String> readLabels(PrintWriter err) throws IOException {
    try {
      if (labels == null) {
        return CategoryLabels.readLabelsFile(adapter.resolve(FineTuning.LABELS_FILE));
      }
      if (labels.file != null) {
        return CategoryLabels.readLabelsFile(labels.file);
      }
      SeedDataset d = CategoryLabels.fromDataset(labels.dataset);
      reportBadLines(err, labels.dataset, d.badLines());
      return d.distinctOutputs();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Prints skipped lines as {@code FILE:LINE: reason}, at most 50, then a count. */
  static void reportBadLines(PrintWriter err, Path file, List<BadLine> bad) {
    int shown = 0;
    for (BadLine b : bad) {
      if (shown++ == 50) {
        err.println(file + ": ... and " + (bad.size() - 50) + " more bad lines");
        break;
      }
      err.println(file + ":" + b.lineNumber() + ": skipped: " + b.reason());
    }
    err.flush();
  }
}
