package dev.qcat.inference.cli;

import dev.qcat.inference.calibration.TemperatureScaling;
import dev.qcat.inference.data.BadLine;
import dev.qcat.inference.data.CategoryLabels;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.data.SeedJsonlReader;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.quant.QuantType;
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
      names = "--quant",
      defaultValue = "F32",
      paramLabel = "F32|Q8_0|Q4_0",
      description =
          "Serve from float32 weights or quantized ones (GGML blocks of 32: Q8_0 int8, Q4_0 4-bit; every projection and the embedding), the adapter merged in before quantizing (default: ${DEFAULT-VALUE}).")
  String quant;

  @picocli.CommandLine.Mixin GptqOptions gptq = new GptqOptions();

  @Option(
      names = "--pure",
      description =
          "With --quant: quantize the token embedding (tied to the LM head) in that type too; by default it is kept at Q8_0, as llama-quantize keeps the output tensor at higher precision.")
  boolean pure;

  @Option(
      names = "--calibrate-on",
      paramLabel = "VALID.jsonl",
      description =
          "Refit the temperature on this labelled seed-format dataset with the model as served (e.g. after --quant), print ECE before/after the refit, and use it instead of the adapter's calibration.json.")
  Path calibrateOn;

  @Option(
      names = "--save-calibration",
      paramLabel = "DIR",
      description = "With --calibrate-on: write the refit temperature as DIR/calibration.json.")
  Path saveCalibration;

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
    quant();
    if (gptq.enabled()) {
      Cli.requireFile("--gptq", gptq.file);
      if (gptq.samples < 1) {
        throw new UsageException("--gptq-samples must be >= 1 but is " + gptq.samples);
      }
    }
    if (calibrateOn != null) {
      Cli.requireFile("--calibrate-on", calibrateOn);
    } else if (saveCalibration != null) {
      throw new UsageException("--save-calibration goes with --calibrate-on");
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
   * @return the block format to serve from, or empty for float32. Never null.
   * @throws UsageException if {@code --quant} is not F32, Q8_0 or Q4_0
   */
  Optional<QuantType> quant() {
    String q = quant == null ? "F32" : quant.trim().toUpperCase(java.util.Locale.ROOT);
    switch (q) {
      case "F32":
        return Optional.empty();
      case "Q8_0":
        return Optional.of(QuantType.Q8_0);
      case "Q4_0":
        return Optional.of(QuantType.Q4_0);
      default:
        throw new UsageException("--quant " + quant + " is unknown (expected F32, Q8_0 or Q4_0)");
    }
  }

  /**
   * Loads the model as the options say ({@code --model}, {@code --adapter}, {@code --quant}) and,
   * with {@code --calibrate-on}, refits its temperature on that dataset, reporting on {@code err}
   * the ECE before and after, and saving it with {@code --save-calibration}.
   *
   * @param labels the taxonomy
   * @param err where the refit is reported
   * @return the model; the caller closes it. Never null.
   * @throws IOException if the calibration dataset cannot be read
   * @throws UsageException if the calibration dataset has no usable line
   */
  LoadedModel load(List<String> labels, PrintWriter err) throws IOException {
    return load(labels, err, quant());
  }

  /**
   * Like {@link #load(List, PrintWriter)} with another precision than {@code --quant}; {@code
   * --save-calibration} is written only for the {@code --quant} precision.
   *
   * @param labels the taxonomy
   * @param err where the refit is reported
   * @param precision block format to serve from, or empty for float32
   * @return the model; the caller closes it. Never null.
   * @throws IOException if the calibration dataset cannot be read
   */
  LoadedModel load(List<String> labels, PrintWriter err, Optional<QuantType> precision)
      throws IOException {
    LoadedModel m =
        LoadedModel.open(model, adapter(), precision, pure, gptq, labels, scoringOptions(), err);
    if (calibrateOn == null) {
      return m;
    }
    try {
      SeedDataset d = new SeedJsonlReader(true, labels).read(calibrateOn);
      reportBadLines(err, calibrateOn, d.badLines());
      if (d.examples().isEmpty()) {
        throw new UsageException(
            "--calibrate-on "
                + calibrateOn
                + " has no usable line ("
                + d.badLines().size()
                + " skipped)");
      }
      java.util.Map<String, Integer> index = new java.util.HashMap<>();
      for (int i = 0; i < labels.size(); i++) {
        index.put(labels.get(i), i);
      }
      int[] truth =
          d.examples().stream().mapToInt(e -> index.get(e.output().orElseThrow())).toArray();
      double before = m.calibration.temperature();
      TemperatureScaling t = m.refitCalibration(d.examples(), truth, batchSize);
      err.printf(
          java.util.Locale.ROOT,
          "calibration refit on %s (%d examples, %s): T %.4f -> %.4f; on that set NLL %.4f ->"
              + " %.4f, ECE (15 bins) %.4f -> %.4f (T = 1 -> refit T)%n",
          calibrateOn,
          t.examples(),
          precision.map(Enum::name).orElse("F32"),
          before,
          t.temperature(),
          t.nllBefore(),
          t.nllAfter(),
          t.eceBefore(),
          t.eceAfter());
      if (saveCalibration != null && precision.equals(quant())) {
        t.save(saveCalibration);
        err.println(
            "calibration written to " + saveCalibration.resolve(TemperatureScaling.FILE_NAME));
      }
      err.flush();
      return m;
    } catch (IOException | RuntimeException e) {
      m.close();
      throw e;
    }
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
