package dev.qcat.inference.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.data.SeedJsonlReader;
import dev.qcat.inference.scoring.CategoryScore;
import dev.qcat.inference.scoring.Classification;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qcat classify}: one question, or a JSONL file of questions, scored over a taxonomy. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description = {
      "Classify a question (--text) or every line of a seed-format JSONL file (--input) over the"
          + " taxonomy, with exact category scoring. Writes one JSON object per question: category,"
          + " confidence, top_k (best categories with confidences) and needs_review (confidence"
          + " below --threshold).",
      "With --adapter DIR the LoRA adapter is merged into --model, its labels.txt is the"
          + " taxonomy unless --labels/--labels-from is given, and confidences (hence"
          + " needs_review) are calibrated by its calibration.json temperature.",
      "Bad input lines (invalid JSON, missing or empty \"input\") are reported on stderr with"
          + " their line number and skipped."
    })
final class ClassifyCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin ModelOptions options;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(
        names = "--text",
        required = true,
        paramLabel = "TEXT",
        description = "The question to classify.")
    String text;

    @Option(
        names = "--input",
        required = true,
        paramLabel = "IN.jsonl",
        description =
            "Seed-format JSONL; \"input\" is the question, \"instruction\" optional, \"output\" ignored.")
    Path input;
  }

  @Option(
      names = "--output",
      paramLabel = "OUT.jsonl",
      description = "Where the JSONL results go with --input (default: stdout).")
  Path output;

  @Option(
      names = "--instruction",
      defaultValue = SeedJsonlReader.DEFAULT_INSTRUCTION,
      description =
          "Instruction for --text and for lines without one (default: \"${DEFAULT-VALUE}\").")
  String instruction;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    options.validate();
    if (options.gptq.enabled() && options.quant().isEmpty()) {
      throw new UsageException("--gptq goes with --quant Q8_0 or Q4_0");
    }
    if (source.text != null && source.text.isBlank()) {
      throw new UsageException("--text is empty");
    }
    if (source.text != null && output != null) {
      throw new UsageException("--output goes with --input, not with --text");
    }
    List<SeedExample> examples;
    if (source.text != null) {
      examples = List.of(new SeedExample(0, instruction, source.text, Optional.empty()));
    } else {
      Cli.requireFile("--input", source.input);
      SeedDataset d = new SeedJsonlReader(false, List.of()).read(source.input);
      ModelOptions.reportBadLines(err, source.input, d.badLines());
      examples =
          d.examples().stream()
              .map(
                  e ->
                      e.instruction().equals(SeedJsonlReader.DEFAULT_INSTRUCTION)
                          ? new SeedExample(e.lineNumber(), instruction, e.input(), e.output())
                          : e)
              .toList();
      if (examples.isEmpty()) {
        err.println(source.input + ": no usable line (" + d.badLines().size() + " skipped)");
        return Qcat.FAILURE;
      }
    }
    List<String> labels = options.readLabels(err);
    try (LoadedModel m = options.load(labels, err)) {
      List<Classification> results = m.classify(examples, options.batchSize);
      if (output != null) {
        try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
          write(w, examples, results);
        }
        err.println("classified " + results.size() + " questions into " + output);
      } else {
        PrintWriter out = spec.commandLine().getOut();
        BufferedWriter w = new BufferedWriter(out);
        write(w, examples, results);
        w.flush();
      }
    }
    return Qcat.OK;
  }

  private void write(Writer w, List<SeedExample> examples, List<Classification> results)
      throws IOException {
    for (int i = 0; i < results.size(); i++) {
      w.write(JSON.writeValueAsString(toJson(examples.get(i), results.get(i))));
      w.write('\n');
    }
  }

  private ObjectNode toJson(SeedExample e, Classification c) {
    ObjectNode o = JSON.createObjectNode();
    if (e.lineNumber() > 0) {
      o.put("line", e.lineNumber());
    }
    o.put("input", e.input());
    o.put("category", c.category());
    o.put("confidence", round(c.confidence()));
    ArrayNode top = o.putArray("top_k");
    for (CategoryScore s : c.topK()) {
      top.addObject().put("category", s.category()).put("confidence", round(s.confidence()));
    }
    o.put("needs_review", c.needsReview());
    if (options.epsilon > 0) {
      o.put("pruned_labels", c.prunedLabels());
      o.put("error_bound", c.errorBound());
      o.put("confidence_error_bound", c.confidenceErrorBound());
    }
    return o;
  }

  /** Six decimals: confidences are not meaningful beyond float32 scoring anyway. */
  static double round(double x) {
    return Math.round(x * 1e6) / 1e6;
  }
}
