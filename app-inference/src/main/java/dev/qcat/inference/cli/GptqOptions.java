package dev.qcat.inference.cli;

import ai.djl.ndarray.NDManager;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.data.SeedJsonlReader;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.quant.CalibrationHessians;
import dev.qcat.inference.quant.QuantType;
import dev.qcat.inference.quant.QuantizedQwen2;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import dev.qcat.inference.training.PromptEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code --gptq FILE [--gptq-samples N]}: round the quantized projections with GPTQ ({@link
 * dev.qcat.inference.quant.Gptq}) instead of round-to-nearest, with Hessians collected while the
 * float32 model (adapter merged) reads labelled questions in the training format (ChatML prompt,
 * category, {@code <|im_end|>}), one at a time. The Hessians are computed once per command and
 * reused for each quantized type it builds (they depend on the float32 weights only).
 */
final class GptqOptions {

  /** Default number of calibration questions. */
  static final int DEFAULT_SAMPLES = 1024;

  @Option(
      names = "--gptq",
      paramLabel = "LABELLED.jsonl",
      description =
          "With a quantized type: round the projections with GPTQ (Frantar et al. 2023) onto the same Q8_0/Q4_0 blocks, calibrated on these labelled questions (seed JSONL, e.g. the training set) instead of round-to-nearest; llama.cpp reads the result as ordinary blocks.")
  Path file;

  @Option(
      names = "--gptq-samples",
      defaultValue = "" + DEFAULT_SAMPLES,
      paramLabel = "N",
      description =
          "Calibration questions taken from --gptq, evenly spaced through the file (default: ${DEFAULT-VALUE}).")
  int samples;

  /** The Hessians of the last calibration, kept for the next side of the same command. */
  private Map<String, float[]> hessians;

  private Path hessiansOf;

  boolean enabled() {
    return file != null;
  }

  /**
   * The tensors with the projections GPTQ-rounded onto {@code type}'s grid, or {@code tensors}
   * itself when {@code --gptq} is not given.
   *
   * @param dir the base checkpoint directory (its tokenizer encodes the questions)
   * @param config the configuration
   * @param tensors HF name → float32 tensor, the adapter already merged
   * @param type the block grid
   * @param err progress
   * @return the tensors to quantize or export. Never null.
   * @throws IOException if the calibration file cannot be read
   * @throws UsageException if {@code --gptq-samples} is below 1 or the file has no usable line
   */
  Function<String, FloatTensor> apply(
      Path dir,
      Qwen2Config config,
      Function<String, FloatTensor> tensors,
      QuantType type,
      PrintWriter err)
      throws IOException {
    if (!enabled()) {
      return tensors;
    }
    if (samples < 1) {
      throw new UsageException("--gptq-samples must be >= 1 but is " + samples);
    }
    Cli.requireFile("--gptq", file);
    SeedDataset d = new SeedJsonlReader(true, List.of()).read(file);
    if (d.examples().isEmpty()) {
      throw new UsageException(
          "--gptq " + file + " has no usable labelled line (" + d.badLines().size() + " skipped)");
    }
    if (hessians != null && hessiansOf.equals(dir)) {
      // e.g. eval --compare-quant: the Q8_0 side, the Q4_0 side and the GGUF for llama.cpp
      // round the same merged weights; the calibration only depends on them.
      return withProgress(QuantizedQwen2.gptqRounded(tensors, hessians, type), err);
    }
    List<SeedExample> picked = evenlySpaced(d.examples(), samples);
    long t0 = System.nanoTime();
    try (Qwen2Tokenizer tokenizer = Qwen2Tokenizer.load(dir.resolve(HfCheckpoint.TOKENIZER))) {
      PromptEncoder encoder = PromptEncoder.chatMl(tokenizer);
      hessians =
          CalibrationHessians.collect(
              config,
              tensors,
              model -> {
                int done = 0;
                for (SeedExample e : picked) {
                  int[] prompt = encoder.prompt(e);
                  int[] answer = encoder.answer(e.output().orElseThrow());
                  int[] ids = new int[prompt.length + answer.length];
                  System.arraycopy(prompt, 0, ids, 0, prompt.length);
                  System.arraycopy(answer, 0, ids, prompt.length, answer.length);
                  try (NDManager call = NDManager.newBaseManager()) {
                    model.normedHiddenStates(call, new int[][] {ids}, new int[] {ids.length - 1});
                  }
                  if (++done % 32 == 0 || done == picked.size()) {
                    err.printf(
                        Locale.ROOT, "\rGPTQ calibration: %d/%d questions", done, picked.size());
                    err.flush();
                  }
                }
              });
    }
    hessiansOf = dir;
    err.printf(
        Locale.ROOT,
        "%nGPTQ calibration: %d questions from %s in %.1f s; rounding the projections onto %s%n",
        picked.size(),
        file,
        (System.nanoTime() - t0) / 1e9,
        type);
    err.flush();
    return withProgress(QuantizedQwen2.gptqRounded(tensors, hessians, type), err);
  }

  /** Reports each projection as it is rounded (seconds to minutes each at the 0.5B shapes). */
  private Function<String, FloatTensor> withProgress(
      Function<String, FloatTensor> rounded, PrintWriter err) {
    int total = hessians.size();
    int[] done = {0};
    long t0 = System.nanoTime();
    return name -> {
      FloatTensor t = rounded.apply(name);
      if (hessians.containsKey(name)) {
        done[0]++;
        err.printf(
            Locale.ROOT,
            "\rGPTQ rounding: %d/%d projections, %.0f s%s",
            done[0],
            total,
            (System.nanoTime() - t0) / 1e9,
            done[0] == total ? "\n" : "");
        err.flush();
      }
      return t;
    };
  }

  /** Up to {@code n} examples spread evenly through the list (all of them if it is shorter). */
  static List<SeedExample> evenlySpaced(List<SeedExample> all, int n) {
    if (all.size() <= n) {
      return all;
    }
    List<SeedExample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(all.get((int) ((long) i * all.size() / n)));
    }
    return out;
  }
}
