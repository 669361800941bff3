package dev.qcat.inference.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.calibration.ConfusionMatrixHeatmap;
import dev.qcat.inference.calibration.OperatingCurve;
import dev.qcat.inference.calibration.ReliabilityDiagram;
import dev.qcat.inference.calibration.TemperatureScaling;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.data.SeedJsonlReader;
import dev.qcat.inference.scoring.CategoryScore;
import dev.qcat.inference.scoring.Classification;
import dev.qcat.inference.scoring.ClassificationReport;
import dev.qcat.inference.scoring.ClassificationReport.ClassMetrics;
import dev.qcat.inference.scoring.ConfusionMatrix;
import dev.qcat.inference.scoring.ExpectedCalibrationError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qcat eval}: accuracy, macro-F1, per-class figures, confusion and routing on a dataset. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate the model (with --adapter: base + merged LoRA adapter, confidences calibrated by"
          + " the adapter's temperature) on a seed-format JSONL dataset ({\"instruction\","
          + " \"input\", \"output\"}): accuracy, macro-F1, per-class precision/recall/F1, the"
          + " confusion matrix, NLL and ECE (15 bins) before and after calibration, the share of"
          + " predictions auto-routed (calibrated confidence >= --threshold) with their accuracy,"
          + " and the threshold sweep 0.50-0.95 (share to review, accuracy of the auto-routed).",
      "Lines that are invalid JSON, miss \"input\" or \"output\", have empty text or a label"
          + " outside the taxonomy are reported on stderr with their line number and skipped."
    })
final class EvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ModelOptions options;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "DATASET.jsonl",
      description = "Seed-format JSONL with the true category in \"output\".")
  Path input;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Evaluate only the first N usable lines.")
  Integer limit;

  @Option(
      names = "--report",
      paramLabel = "FILE.json",
      description = "Also write the full report (incl. the whole confusion matrix) as JSON.")
  Path report;

  @Option(
      names = "--plots",
      paramLabel = "DIR",
      description =
          "Write reliability.png (reliability diagram, before and after calibration) and confusion.png (confusion-matrix heat map) into DIR.")
  Path plots;

  @Option(
      names = "--per-class",
      paramLabel = "N",
      description =
          "Evaluate a stratified subset: the first N usable lines of each category (after --limit is not applied).")
  Integer perClass;

  @Option(
      names = "--compare-quant",
      description =
          "Classify the questions with the F32, Q8_0 and Q4_0 model (adapter merged before quantizing; with --calibrate-on each refit on its own scores) and print top-1 agreement with F32, accuracy, macro-F1 and ECE side by side.")
  boolean compareQuant;

  @Option(
      names = "--llama",
      description =
          "With --compare-quant: also score the categories with llama.cpp on the exported Q8_0 GGUF (same prompts, sum of label-token log-probs incl. <|im_end|>), tools/llama-ref/label-scorer.")
  boolean llama;

  @Option(
      names = "--llama-threads",
      defaultValue = "2",
      description = "llama.cpp threads for --llama (default: ${DEFAULT-VALUE}).")
  int llamaThreads;

  @Option(
      names = "--work",
      defaultValue = ".qcat-work/compare-quant",
      paramLabel = "DIR",
      description = "Where --llama writes the Q8_0 GGUF (default: ${DEFAULT-VALUE}).")
  Path work;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    options.validate();
    if (options.gptq.enabled() && options.quant().isEmpty() && !compareQuant) {
      throw new UsageException("--gptq goes with --quant Q8_0 or Q4_0, or --compare-quant");
    }
    Cli.requireFile("--input", input);
    if (limit != null && limit < 1) {
      throw new UsageException("--limit must be >= 1 but is " + limit);
    }
    List<String> labels = options.readLabels(err);
    SeedDataset d = new SeedJsonlReader(true, labels).read(input);
    ModelOptions.reportBadLines(err, input, d.badLines());
    List<SeedExample> examples = d.examples();
    if (perClass != null) {
      if (perClass < 1) {
        throw new UsageException("--per-class must be >= 1 but is " + perClass);
      }
      Map<String, Integer> taken = new HashMap<>();
      List<SeedExample> subset = new ArrayList<>();
      for (SeedExample e : examples) {
        if (taken.merge(e.output().orElseThrow(), 1, Integer::sum) <= perClass) {
          subset.add(e);
        }
      }
      examples = subset;
    }
    if (limit != null && examples.size() > limit) {
      examples = examples.subList(0, limit);
    }
    if (examples.isEmpty()) {
      err.println(input + ": no usable line (" + d.badLines().size() + " skipped)");
      return Qcat.FAILURE;
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      index.put(labels.get(i), i);
    }
    if (compareQuant) {
      if (llama && llamaThreads < 1) {
        throw new UsageException("--llama-threads must be >= 1 but is " + llamaThreads);
      }
      int[] truth = examples.stream().mapToInt(e -> index.get(e.output().orElseThrow())).toArray();
      QuantComparison.run(
          options, labels, examples, truth, llama ? llamaThreads : 0, work, report, out, err);
      return Qcat.OK;
    }
    if (llama) {
      throw new UsageException("--llama goes with --compare-quant");
    }
    ClassificationReport r = new ClassificationReport(labels, options.threshold);
    Calibration cal = new Calibration();
    long t0 = System.nanoTime();
    try (LoadedModel m = options.load(labels, err)) {
      int step = Math.max(options.batchSize, 100 / options.batchSize * options.batchSize);
      for (int from = 0; from < examples.size(); from += step) {
        List<SeedExample> chunk = examples.subList(from, Math.min(examples.size(), from + step));
        List<Classification> cs = m.classify(chunk, options.batchSize);
        for (int i = 0; i < cs.size(); i++) {
          int actual = index.get(chunk.get(i).output().orElseThrow());
          Classification c = cs.get(i);
          r.add(actual, c.index(), c.confidence());
          cal.add(c, actual);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        err.printf(
            Locale.ROOT,
            "\revaluated %d/%d (%.1f questions/s)",
            r.total(),
            examples.size(),
            r.total() / s);
        err.flush();
      }
      err.println();
      cal.temperature = m.calibration.temperature();
    }
    print(out, r, cal, d.badLines().size(), options);
    if (plots != null) {
      Path reliability = plots.resolve("reliability.png");
      Path confusion = plots.resolve("confusion.png");
      ReliabilityDiagram.writePng(
          reliability,
          "Reliability, " + input.getFileName(),
          cal.ece(cal.temperature),
          cal.temperature == 1.0 ? null : cal.ece(1.0));
      ConfusionMatrixHeatmap.writePng(
          confusion, "Confusion, " + input.getFileName(), r.confusionMatrix());
      err.println("plots written to " + reliability + " and " + confusion);
    }
    if (report != null) {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(report.toFile(), toJson(r, cal, d.badLines().size(), options));
      err.println("report written to " + report);
    }
    return Qcat.OK;
  }

  /**
   * Per-example log-scores of every category and the true category, for NLL and ECE at T = 1
   * (uncalibrated) and at the adapter's temperature, and the operating curve.
   */
  private static final class Calibration {
    final List<double[]> logScores = new ArrayList<>();
    final List<Integer> labels = new ArrayList<>();
    final List<Double> confidences = new ArrayList<>();
    final List<Boolean> correct = new ArrayList<>();
    double temperature = 1.0;

    void add(Classification c, int actual) {
      logScores.add(c.scores().stream().mapToDouble(CategoryScore::logProbability).toArray());
      labels.add(actual);
      confidences.add(c.confidence());
      correct.add(c.index() == actual);
    }

    int[] labelArray() {
      return labels.stream().mapToInt(Integer::intValue).toArray();
    }

    double nll(double t) {
      return TemperatureScaling.nll(logScores, labelArray(), t);
    }

    ExpectedCalibrationError ece(double t) {
      return TemperatureScaling.eceAccumulator(logScores, labelArray(), t);
    }

    List<OperatingCurve.Point> curve() {
      double[] conf = confidences.stream().mapToDouble(Double::doubleValue).toArray();
      boolean[] ok = new boolean[correct.size()];
      for (int i = 0; i < ok.length; i++) {
        ok[i] = correct.get(i);
      }
      return OperatingCurve.compute(conf, ok, OperatingCurve.defaultThresholds());
    }
  }

  private static void print(
      PrintWriter out, ClassificationReport r, Calibration cal, int skipped, ModelOptions options) {
    ConfusionMatrix m = r.confusionMatrix();
    out.printf(
        Locale.ROOT,
        "weights            %s%n",
        options
            .quant()
            .map(
                q ->
                    q.name()
                        + (options.pure || q.defaultOutputType() == q
                            ? ""
                            : ", token embedding / LM head " + q.defaultOutputType())
                        + " (quantized after merging the adapter)")
            .orElse("F32"));
    out.printf(Locale.ROOT, "examples           %d (%d lines skipped)%n", r.total(), skipped);
    out.printf(Locale.ROOT, "accuracy           %.4f%n", r.accuracy());
    out.printf(
        Locale.ROOT,
        "macro-F1           %.4f  (over %d classes present)%n",
        r.macroF1(),
        m.presentClasses().size());
    out.printf(
        Locale.ROOT,
        "temperature        %.4f  (%s)%n",
        cal.temperature,
        options.calibrateOn != null
            ? "refit on " + options.calibrateOn
            : cal.temperature == 1.0 ? "uncalibrated" : "the adapter's calibration.json");
    out.printf(
        Locale.ROOT,
        "NLL                %.4f -> %.4f  (nats per example, before -> after calibration)%n",
        cal.nll(1.0),
        cal.nll(cal.temperature));
    out.printf(
        Locale.ROOT,
        "ECE (15 bins)      %.4f -> %.4f  (before -> after calibration)%n",
        cal.ece(1.0).value(),
        cal.ece(cal.temperature).value());
    out.printf(
        Locale.ROOT,
        "auto-routed share  %.4f  (calibrated confidence >= %.2f)%n",
        r.autoRoutedShare(),
        r.threshold());
    out.printf(Locale.ROOT, "auto-routed acc.   %s%n", fmt(r.autoRoutedAccuracy()));
    out.println();
    out.println("threshold sweep (calibrated confidence)");
    out.print(OperatingCurve.toText(cal.curve()));
    out.println();
    int width = Math.max(8, m.labels().stream().mapToInt(String::length).max().orElse(8));
    out.printf(Locale.ROOT, "%-" + width + "s  precision  recall  f1      support%n", "class");
    for (ClassMetrics c : r.perClass()) {
      out.printf(
          Locale.ROOT,
          "%-" + width + "s  %.4f     %.4f  %.4f  %d%n",
          c.label(),
          c.precision(),
          c.recall(),
          c.f1(),
          c.support());
    }
    out.println();
    if (m.size() <= 12) {
      out.println("confusion matrix (rows: actual, columns: predicted, in the class order above)");
      for (int a = 0; a < m.size(); a++) {
        StringBuilder sb =
            new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", m.labels().get(a)));
        for (int p = 0; p < m.size(); p++) {
          sb.append(String.format(Locale.ROOT, " %6d", m.count(a, p)));
        }
        out.println(sb);
      }
    } else {
      out.println(
          "confusion matrix: "
              + m.size()
              + " classes; most frequent confusions (actual -> predicted: count); --report FILE writes it all");
      List<long[]> pairs = new ArrayList<>();
      for (int a = 0; a < m.size(); a++) {
        for (int p = 0; p < m.size(); p++) {
          if (a != p && m.count(a, p) > 0) {
            pairs.add(new long[] {m.count(a, p), a, p});
          }
        }
      }
      pairs.sort((x, y) -> Long.compare(y[0], x[0]));
      for (long[] e : pairs.subList(0, Math.min(20, pairs.size()))) {
        out.printf(
            Locale.ROOT,
            "  %s -> %s: %d%n",
            m.labels().get((int) e[1]),
            m.labels().get((int) e[2]),
            e[0]);
      }
    }
    out.flush();
  }

  private static String fmt(double x) {
    return Double.isNaN(x) ? "n/a (nothing auto-routed)" : String.format(Locale.ROOT, "%.4f", x);
  }

  private static ObjectNode toJson(
      ClassificationReport r, Calibration cal, int skipped, ModelOptions options) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = json.createObjectNode();
    o.put("examples", r.total());
    o.put("skipped_lines", skipped);
    o.put("accuracy", r.accuracy());
    o.put("macro_f1", r.macroF1());
    o.put("weights", options.quant().map(Enum::name).orElse("F32"));
    o.put("temperature", cal.temperature);
    o.put("nll_before", cal.nll(1.0));
    o.put("nll_after", cal.nll(cal.temperature));
    o.put("ece_15_bins_before", cal.ece(1.0).value());
    o.put("ece_15_bins", cal.ece(cal.temperature).value());
    o.put("threshold", r.threshold());
    o.put("auto_routed_share", r.autoRoutedShare());
    o.put("auto_routed_accuracy", r.autoRoutedAccuracy());
    ArrayNode sweep = o.putArray("threshold_sweep");
    for (OperatingCurve.Point p : cal.curve()) {
      sweep
          .addObject()
          .put("threshold", Math.round(p.threshold() * 100) / 100.0)
          .put("review_share", p.reviewShare())
          .put("auto_routed", p.autoRouted())
          .put("auto_routed_accuracy", p.autoAccuracy());
    }
    ArrayNode per = o.putArray("per_class");
    for (ClassMetrics c : r.perClass()) {
      per.addObject()
          .put("class", c.label())
          .put("precision", c.precision())
          .put("recall", c.recall())
          .put("f1", c.f1())
          .put("support", c.support());
    }
    ConfusionMatrix m = r.confusionMatrix();
    ObjectNode cm = o.putObject("confusion_matrix");
    ArrayNode labels = cm.putArray("labels");
    m.labels().forEach(labels::add);
    ArrayNode rows = cm.putArray("counts");
    for (int a = 0; a < m.size(); a++) {
      ArrayNode row = rows.addArray();
      for (int p = 0; p < m.size(); p++) {
        row.add(m.count(a, p));
      }
    }
    return o;
  }
}
