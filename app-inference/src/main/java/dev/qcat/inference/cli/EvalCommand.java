package dev.qcat.inference.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.data.SeedJsonlReader;
import dev.qcat.inference.scoring.Classification;
import dev.qcat.inference.scoring.ClassificationReport;
import dev.qcat.inference.scoring.ClassificationReport.ClassMetrics;
import dev.qcat.inference.scoring.ConfusionMatrix;
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
      "Evaluate the model on a seed-format JSONL dataset ({\"instruction\", \"input\", \"output\"}):"
          + " accuracy, macro-F1, per-class precision/recall/F1, the confusion matrix, ECE (15"
          + " bins), and the share of predictions auto-routed (confidence >= --threshold) with"
          + " their accuracy.",
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

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    options.validate();
    Cli.requireFile("--input", input);
    if (limit != null && limit < 1) {
      throw new UsageException("--limit must be >= 1 but is " + limit);
    }
    List<String> labels = options.readLabels(err);
    SeedDataset d = new SeedJsonlReader(true, labels).read(input);
    ModelOptions.reportBadLines(err, input, d.badLines());
    List<SeedExample> examples = d.examples();
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
    ClassificationReport r = new ClassificationReport(labels, options.threshold);
    long t0 = System.nanoTime();
    try (LoadedModel m = LoadedModel.open(options.model, labels, options.scoringOptions())) {
      int step = Math.max(options.batchSize, 100 / options.batchSize * options.batchSize);
      for (int from = 0; from < examples.size(); from += step) {
        List<SeedExample> chunk = examples.subList(from, Math.min(examples.size(), from + step));
        List<Classification> cs = m.classify(chunk, options.batchSize);
        for (int i = 0; i < cs.size(); i++) {
          r.add(
              index.get(chunk.get(i).output().orElseThrow()),
              cs.get(i).index(),
              cs.get(i).confidence());
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
    }
    print(out, r, d.badLines().size());
    if (report != null) {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(report.toFile(), toJson(r, d.badLines().size()));
      err.println("report written to " + report);
    }
    return Qcat.OK;
  }

  private static void print(PrintWriter out, ClassificationReport r, int skipped) {
    ConfusionMatrix m = r.confusionMatrix();
    out.printf(Locale.ROOT, "examples           %d (%d lines skipped)%n", r.total(), skipped);
    out.printf(Locale.ROOT, "accuracy           %.4f%n", r.accuracy());
    out.printf(
        Locale.ROOT,
        "macro-F1           %.4f  (over %d classes present)%n",
        r.macroF1(),
        m.presentClasses().size());
    out.printf(Locale.ROOT, "ECE (15 bins)      %.4f%n", r.expectedCalibrationError());
    out.printf(
        Locale.ROOT,
        "auto-routed share  %.4f  (confidence >= %.2f)%n",
        r.autoRoutedShare(),
        r.threshold());
    out.printf(Locale.ROOT, "auto-routed acc.   %s%n", fmt(r.autoRoutedAccuracy()));
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

  private static ObjectNode toJson(ClassificationReport r, int skipped) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = json.createObjectNode();
    o.put("examples", r.total());
    o.put("skipped_lines", skipped);
    o.put("accuracy", r.accuracy());
    o.put("macro_f1", r.macroF1());
    o.put("ece_15_bins", r.expectedCalibrationError());
    o.put("threshold", r.threshold());
    o.put("auto_routed_share", r.autoRoutedShare());
    o.put("auto_routed_accuracy", r.autoRoutedAccuracy());
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
