package dev.qcat.inference.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.bench.LlamaCppReference;
import dev.qcat.inference.calibration.TemperatureScaling;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.GgufType;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.Qwen2GgufExporter;
import dev.qcat.inference.quant.QuantType;
import dev.qcat.inference.scoring.CategoryScore;
import dev.qcat.inference.scoring.Classification;
import dev.qcat.inference.scoring.ClassificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code qcat eval --compare-quant}: the same questions classified by the float32 model, the int8
 * (Q8_0) and the 4-bit (Q4_0) model (each the adapter merged into the base, then quantized), and
 * optionally by llama.cpp on the exported Q8_0 GGUF; side by side: top-1 agreement with float32,
 * accuracy, macro-F1 and ECE (15 bins) before and after each side's temperature.
 *
 * <p>llama.cpp scores the categories exactly as qcat's {@code CategoryScorer}: the sum of the
 * log-probabilities of each label's tokens and {@code <|im_end|>} after the same ChatML prompt
 * token ids ({@link LlamaCppReference#scoreLabels}); its confidences use the temperature of qcat's
 * Q8_0 side (refit or the adapter's).
 */
final class QuantComparison {

  /** One side's predictions. */
  record Side(
      String name,
      int[] predicted,
      List<double[]> logScores,
      double temperature,
      double seconds,
      int[][] prompts) {

    double agreement(Side reference) {
      int same = 0;
      for (int i = 0; i < predicted.length; i++) {
        same += predicted[i] == reference.predicted[i] ? 1 : 0;
      }
      return (double) same / predicted.length;
    }
  }

  private QuantComparison() {}

  /**
   * Runs the comparison and prints the table on {@code out}.
   *
   * @param options model, adapter, taxonomy, scoring and calibration options
   * @param labels the taxonomy
   * @param examples the questions, each with its true category
   * @param truth per example, the index of its true category
   * @param llamaThreads llama.cpp threads, or 0 to leave llama.cpp out
   * @param work where the Q8_0 GGUF for llama.cpp is written
   * @param report JSON report file, or null
   * @param out the table
   * @param err progress
   * @throws IOException if a dataset, the GGUF or the report cannot be read or written, or
   *     llama.cpp fails
   */
  static void run(
      ModelOptions options,
      List<String> labels,
      List<SeedExample> examples,
      int[] truth,
      int llamaThreads,
      Path work,
      Path report,
      PrintWriter out,
      PrintWriter err)
      throws IOException {
    List<Side> sides = new ArrayList<>();
    int[][] labelTokens = null;
    for (Optional<QuantType> q :
        List.of(
            Optional.<QuantType>empty(),
            Optional.of(QuantType.Q8_0),
            Optional.of(QuantType.Q4_0))) {
      String name =
          "qcat "
              + q.map(Enum::name).orElse("F32")
              + (q.isPresent() && options.gptq.enabled() ? " GPTQ" : "")
              + (q.isPresent() && !options.pure && q.get().defaultOutputType() != q.get()
                  ? " (embedding " + q.get().defaultOutputType() + ")"
                  : "");
      err.println(name + ": loading ...");
      err.flush();
      try (LoadedModel m = options.load(labels, err, q)) {
        long t0 = System.nanoTime();
        int[] predicted = new int[examples.size()];
        List<double[]> logScores = new ArrayList<>(examples.size());
        int step = Math.max(options.batchSize, 100 / options.batchSize * options.batchSize);
        for (int from = 0; from < examples.size(); from += step) {
          List<SeedExample> chunk = examples.subList(from, Math.min(examples.size(), from + step));
          List<Classification> cs = m.classify(chunk, options.batchSize);
          for (int i = 0; i < cs.size(); i++) {
            predicted[from + i] = cs.get(i).index();
            logScores.add(
                cs.get(i).scores().stream().mapToDouble(CategoryScore::logProbability).toArray());
          }
          double s = (System.nanoTime() - t0) / 1e9;
          err.printf(
              Locale.ROOT,
              "\r%s: %d/%d (%.1f questions/s)",
              name,
              logScores.size(),
              examples.size(),
              logScores.size() / s);
          err.flush();
        }
        err.println();
        int[][] prompts = null;
        if (q.isEmpty()) {
          prompts = examples.stream().map(m.encoder::prompt).toArray(int[][]::new);
          labelTokens = new int[labels.size()][];
          for (int i = 0; i < labels.size(); i++) {
            int[] t = m.encoder.labelTokens(labels.get(i));
            labelTokens[i] = java.util.Arrays.copyOf(t, t.length + 1);
            labelTokens[i][t.length] = m.encoder.endTokenId();
          }
        }
        sides.add(
            new Side(
                name,
                predicted,
                logScores,
                m.calibration.temperature(),
                (System.nanoTime() - t0) / 1e9,
                prompts));
      }
    }
    if (llamaThreads > 0) {
      sides.add(llama(options, sides, labelTokens, llamaThreads, work, err));
    }
    print(out, labels, sides, truth, options.threshold, examples.size(), llamaThreads);
    if (report != null) {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(report.toFile(), toJson(labels, sides, truth, options.threshold));
      err.println("report written to " + report);
    }
  }

  private static Side llama(
      ModelOptions options,
      List<Side> sides,
      int[][] labelTokens,
      int threads,
      Path work,
      PrintWriter err)
      throws IOException {
    LlamaCppReference ref = LlamaCppReference.locate();
    Files.createDirectories(work);
    Path gguf = work.resolve("compare-quant-Q8_0.gguf");
    err.println("exporting " + gguf + " (Q8_0, adapter merged) ...");
    err.flush();
    try (HfCheckpoint c = HfCheckpoint.load(options.model)) {
      Function<String, FloatTensor> tensors = Cli.tensors(c, options.adapter);
      // With --gptq, the same GPTQ-rounded weights as qcat's Q8_0 side (the calibration is
      // deterministic), so both read the same Q8_0 blocks.
      tensors = options.gptq.apply(options.model, c.config(), tensors, QuantType.Q8_0, err);
      Qwen2GgufExporter.export(
          c.config(), Set.copyOf(c.tensorNames()), tensors, c.tokenizerFile(), GgufType.Q8_0, gguf);
    }
    Side f32 = sides.get(0);
    err.println(
        "llama.cpp (label-scorer) on " + gguf + ", " + f32.prompts().length + " prompts ...");
    err.flush();
    long t0 = System.nanoTime();
    List<double[]> scores =
        ref.scoreLabels(gguf, labelTokens, java.util.Arrays.asList(f32.prompts()), threads);
    double seconds = (System.nanoTime() - t0) / 1e9;
    int[] predicted = new int[scores.size()];
    for (int i = 0; i < predicted.length; i++) {
      predicted[i] = argmax(scores.get(i));
    }
    return new Side(
        "llama.cpp Q8_0 GGUF", predicted, scores, sides.get(1).temperature(), seconds, null);
  }

  /** Per question: log P of the side's best label minus that of its runner-up (≥ 0). */
  static double[] margins(Side s) {
    double[] out = new double[s.logScores().size()];
    for (int i = 0; i < out.length; i++) {
      double first = Double.NEGATIVE_INFINITY;
      double second = Double.NEGATIVE_INFINITY;
      for (double x : s.logScores().get(i)) {
        if (x > first) {
          second = first;
          first = x;
        } else if (x > second) {
          second = x;
        }
      }
      out[i] = second == Double.NEGATIVE_INFINITY ? Double.POSITIVE_INFINITY : first - second;
    }
    return out;
  }

  static int argmax(double[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  private static ClassificationReport report(
      List<String> labels, Side s, int[] truth, double threshold) {
    ClassificationReport r = new ClassificationReport(labels, threshold);
    for (int i = 0; i < truth.length; i++) {
      double[] p =
          new TemperatureScaling(
                  s.temperature(), 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
              .apply(s.logScores().get(i));
      r.add(truth[i], s.predicted()[i], p[s.predicted()[i]]);
    }
    return r;
  }

  private static void print(
      PrintWriter out,
      List<String> labels,
      List<Side> sides,
      int[] truth,
      double threshold,
      int n,
      int llamaThreads) {
    Side f32 = sides.get(0);
    out.printf(
        Locale.ROOT, "quantization quality: %d questions, %d categories%n", n, labels.size());
    String header =
        String.format(
            Locale.ROOT,
            "%-20s %10s %9s %9s %11s %10s %8s %12s",
            "side",
            "agree F32",
            "accuracy",
            "macro-F1",
            "ECE (T=1)",
            "ECE (T)",
            "T",
            "questions/s");
    out.println(header);
    out.println("-".repeat(header.length()));
    for (Side s : sides) {
      ClassificationReport r = report(labels, s, truth, threshold);
      out.printf(
          Locale.ROOT,
          "%-20s %10s %9.4f %9.4f %11.4f %10.4f %8.4f %12.2f%n",
          s.name(),
          String.format(Locale.ROOT, "%.2f%%", 100 * s.agreement(f32)),
          r.accuracy(),
          r.macroF1(),
          TemperatureScaling.ece(s.logScores(), truth, 1.0),
          TemperatureScaling.ece(s.logScores(), truth, s.temperature()),
          s.temperature(),
          truth.length / s.seconds());
    }
    out.println("-".repeat(header.length()));
    out.printf(
        Locale.ROOT,
        "targets: top-1 agreement with F32 >= 99%% (Q8_0), >= 95%% (Q4_0)%s%n",
        llamaThreads > 0 ? ", llama.cpp Q8_0 vs qcat >= 99%" : "");
    if (sides.size() > 3) {
      Side llama = sides.get(3);
      out.printf(
          Locale.ROOT,
          "llama.cpp Q8_0 GGUF picks the same top category as qcat F32 on %.2f%%, as qcat Q8_0 on"
              + " %.2f%% of the questions%n",
          100 * llama.agreement(f32),
          100 * llama.agreement(sides.get(1)));
    }
    double[] margin = margins(f32);
    double[] cut = {0.05, 0.2, 0.5};
    StringBuilder m =
        new StringBuilder("F32 top-1 margin (log P of the best minus the runner-up):");
    for (double c : cut) {
      long k = Arrays.stream(margin).filter(x -> x < c).count();
      m.append(String.format(Locale.ROOT, " < %.2f on %.1f%%;", c, 100.0 * k / margin.length));
    }
    out.println(m.substring(0, m.length() - 1));
    for (Side s : sides.subList(1, sides.size())) {
      StringBuilder b = new StringBuilder(s.name() + ": agreement with F32 where its margin is");
      for (double c : cut) {
        int n0 = 0;
        int same = 0;
        for (int i = 0; i < margin.length; i++) {
          if (margin[i] >= c) {
            n0++;
            same += s.predicted()[i] == f32.predicted()[i] ? 1 : 0;
          }
        }
        b.append(
            String.format(
                Locale.ROOT,
                " ≥ %.2f: %s (%d);",
                c,
                n0 == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * same / n0),
                n0));
      }
      out.println(b.substring(0, b.length() - 1));
    }
    out.println(
        "ECE: 15 equal-width bins over the top confidence; T: each side's temperature (refit with"
            + " --calibrate-on, else the adapter's calibration.json; llama.cpp uses qcat Q8_0's)");
    out.flush();
  }

  private static ObjectNode toJson(
      List<String> labels, List<Side> sides, int[] truth, double threshold) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = json.createObjectNode();
    o.put("questions", truth.length);
    o.put("categories", labels.size());
    ArrayNode arr = o.putArray("sides");
    for (Side s : sides) {
      ClassificationReport r = report(labels, s, truth, threshold);
      arr.addObject()
          .put("side", s.name())
          .put("agreement_with_f32", s.agreement(sides.get(0)))
          .put("agreement_with_q8_0", s.agreement(sides.get(1)))
          .put("accuracy", r.accuracy())
          .put("macro_f1", r.macroF1())
          .put("ece_15_bins_t1", TemperatureScaling.ece(s.logScores(), truth, 1.0))
          .put("ece_15_bins", TemperatureScaling.ece(s.logScores(), truth, s.temperature()))
          .put("temperature", s.temperature())
          .put("seconds", s.seconds());
    }
    return o;
  }
}
