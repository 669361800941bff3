package dev.qcat.inference.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.bench.LlamaCppReference;
import dev.qcat.inference.data.CategoryLabels;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.GgufType;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.Qwen2GgufExporter;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.model.OpenBlasLinear;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.model.RandomCheckpoint;
import dev.qcat.inference.scoring.CategoryScorer;
import dev.qcat.inference.scoring.ScoringOptions;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import dev.qcat.inference.training.PromptEncoder;
import dev.qcat.inference.training.TrainingBenchmark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qcat bench}: qcat's latency to classify one question over a taxonomy, its batch
 * throughput, the machine's fp32 GEMM rate, and llama.cpp's time to evaluate the same prompt on the
 * same weights (F32 GGUF) with the parity of the two, side by side.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark at the real Qwen2.5-0.5B shapes (random weights unless --model is given): p50/p95"
          + " latency to classify one --prompt-tokens question over the taxonomy (exact scoring),"
          + " batch throughput, the fp32 GEMM rate of DJL's matMul at [64x896]x[896x4864], and"
          + " llama.cpp (tools/llama-ref, F32 GGUF of the same weights) evaluating the same prompt,"
          + " with max |delta log p| over the vocabulary at its last position.",
      "With --train: LoRA training throughput instead (forward + backward + AdamW on random"
          + " weights at the --preset shapes), against the FLOP bound (4 x non-embedding"
          + " parameters FLOP per token at the measured GEMM rate), with peak memory.",
      "Example: bin/qcat bench --labels-from ../shared/datasets/banking77/test.jsonl",
      "Example: bin/qcat bench --train --threads 2"
    })
final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--labels-from",
      paramLabel = "DATASET.jsonl",
      description =
          "Seed-format dataset: the taxonomy is its distinct outputs, the questions its inputs (required without --train).")
  Path labelsFrom;

  @Option(
      names = "--train",
      description = "Bench LoRA training (tokens/s against the FLOP bound) instead of inference.")
  boolean train;

  @Option(
      names = "--preset",
      defaultValue = "qwen2.5-0.5b",
      description = "Model shapes for --train: tiny or qwen2.5-0.5b (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(
      names = "--train-batch",
      defaultValue = "4",
      description = "Sequences per optimizer step for --train (default: ${DEFAULT-VALUE}).")
  int trainBatch;

  @Option(
      names = "--sequence-tokens",
      defaultValue = "64",
      description = "Tokens per training sequence for --train (default: ${DEFAULT-VALUE}).")
  int sequenceTokens;

  @Option(
      names = "--lora-r",
      defaultValue = "8",
      description =
          "LoRA rank for --train (alpha = 2r, all seven projections) (default: ${DEFAULT-VALUE}).")
  int loraR;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Checkpoint to bench (default: a random qwen2.5-0.5b checkpoint generated once under --work).")
  Path model;

  @Option(
      names = "--work",
      defaultValue = ".qcat-work/bench",
      paramLabel = "DIR",
      description =
          "Where the random checkpoint and the GGUF are kept (default: ${DEFAULT-VALUE}).")
  Path work;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "Threads for libtorch, OpenBLAS and llama.cpp (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--prompt-tokens",
      defaultValue = "64",
      description = "Length of the benched prompt, in tokens (default: ${DEFAULT-VALUE}).")
  int promptTokens;

  @Option(
      names = "--repeats",
      defaultValue = "10",
      description = "Timed runs per measure (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      description = "Questions per batch for the throughput figure (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--backend",
      paramLabel = "torch|openblas",
      description =
          "GEMM of the linear layers: torch (libtorch, --threads intra-op threads) or openblas (--threads OpenBLAS threads, libtorch single-threaded); default: the model's default.")
  String backend;

  @Option(names = "--no-llama", description = "Skip llama.cpp.")
  boolean noLlama;

  @Option(
      names = "--quant",
      description =
          "Quantized serving instead: qcat F32 / Q8_0 / Q4_0 (each in its own JVM) against llama.cpp F32 / Q8_0 / Q4_0 GGUF of the same weights: one-question latency p50/p95, prompt-only time, --concurrency questions' throughput, resident memory.")
  boolean quant;

  @Option(
      names = "--concurrency",
      defaultValue = "4",
      description =
          "With --quant: questions classified together for the throughput figure (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--modes",
      split = ",",
      defaultValue = "F32,Q8_0,Q4_0",
      paramLabel = "MODE[,MODE...]",
      description =
          "With --quant: which of F32, Q8_0, Q4_0 to run, on both sides (default: ${DEFAULT-VALUE}).")
  List<String> modes;

  @Option(names = "--quant-worker", hidden = true, paramLabel = "F32|Q8_0|Q4_0")
  String quantWorker;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (!train) {
      if (labelsFrom == null) {
        throw new UsageException("--labels-from DATASET.jsonl is required (or bench --train)");
      }
      Cli.requireFile("--labels-from", labelsFrom);
    }
    if (threads < 1 || promptTokens < 16 || repeats < 1 || warmup < 0 || batchSize < 1) {
      throw new UsageException(
          "expected --threads >= 1, --prompt-tokens >= 16, --repeats >= 1, --warmup >= 0, --batch-size >= 1");
    }
    // libtorch reads its thread counts when the engine starts: set them before any NDArray exists.
    boolean openblas = backend != null && backend.equalsIgnoreCase("openblas");
    if (backend != null) {
      if (!openblas && !backend.equalsIgnoreCase("torch")) {
        throw new UsageException(
            "--backend " + backend + " is unknown (expected torch or openblas)");
      }
      System.setProperty(Qwen2Model.Backend.PROPERTY, backend.toLowerCase(Locale.ROOT));
    }
    // OpenBLAS worker threads spin after each call and fight libtorch's OpenMP threads (model/).
    System.setProperty("ai.djl.pytorch.num_threads", openblas ? "1" : Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    System.setProperty("qcat.openblas.threads", Integer.toString(threads));
    if (OpenBlasLinear.isAvailable()) {
      OpenBlasLinear.setThreads(threads);
    }
    if (train) {
      return benchTrain(out, err);
    }
    if (quantWorker != null) {
      return QuantBench.worker(
          quantWorker,
          Cli.requireDirectory("--model", model),
          CategoryLabels.fromDataset(labelsFrom),
          promptTokens,
          warmup,
          repeats,
          concurrency,
          out,
          err);
    }
    if (quant) {
      if (concurrency < 1) {
        throw new UsageException("--concurrency must be >= 1 but is " + concurrency);
      }
      for (String m : modes) {
        if (!List.of("F32", "Q8_0", "Q4_0").contains(m)) {
          throw new UsageException("--modes: " + m + " is unknown (expected F32, Q8_0, Q4_0)");
        }
      }
      Path dir = model != null ? Cli.requireDirectory("--model", model) : randomCheckpoint(err);
      return QuantBench.run(
          dir,
          labelsFrom,
          CategoryLabels.fromDataset(labelsFrom),
          work,
          threads,
          promptTokens,
          warmup,
          repeats,
          concurrency,
          noLlama,
          modes,
          out,
          err);
    }

    SeedDataset data = CategoryLabels.fromDataset(labelsFrom);
    List<String> labels = data.distinctOutputs();
    Path dir = model != null ? Cli.requireDirectory("--model", model) : randomCheckpoint(err);

    List<String> rows = new ArrayList<>();
    double qcatP50;
    int[] prompt;
    float[] qcatLogProbs;
    try (Qwen2Model m = Qwen2Model.load(dir);
        Qwen2Tokenizer tok = Qwen2Tokenizer.load(dir.resolve(HfCheckpoint.TOKENIZER))) {
      PromptEncoder enc = PromptEncoder.chatMl(tok);
      int[][] labelTokens = labels.stream().map(enc::labelTokens).toArray(int[][]::new);
      TimedModel timed = new TimedModel(m);
      CategoryScorer scorer =
          new CategoryScorer(
              timed, labels, labelTokens, enc.endTokenId(), ScoringOptions.defaults());
      prompt = promptOfLength(enc, data.examples(), promptTokens);
      err.printf(
          Locale.ROOT,
          "model %s (backend %s), %d categories, trie of %d nodes, prompt of %d tokens%n",
          dir,
          m.backend(),
          labels.size(),
          scorer.trieSize(),
          prompt.length);

      // 1. One question, latency.
      for (int i = 0; i < warmup; i++) {
        scorer.classify(prompt);
      }
      double[] total = new double[repeats];
      double[] promptMs = new double[repeats];
      double[] treeMs = new double[repeats];
      int calls = 0;
      int tokens = 0;
      for (int i = 0; i < repeats; i++) {
        timed.reset();
        long t0 = System.nanoTime();
        scorer.classify(prompt);
        total[i] = (System.nanoTime() - t0) / 1e6;
        promptMs[i] = timed.promptNanos / 1e6;
        treeMs[i] = timed.expandNanos / 1e6;
        calls = timed.expandCalls;
        tokens = timed.treeTokens;
        err.printf(
            Locale.ROOT, "classify 1 question, run %d/%d: %.1f ms%n", i + 1, repeats, total[i]);
      }
      qcatP50 = percentile(total, 0.5);
      rows.add(
          row(
              "qcat: classify 1 question over " + labels.size() + " categories",
              String.format(
                  Locale.ROOT, "p50 %.1f ms, p95 %.1f ms", qcatP50, percentile(total, 0.95))));
      rows.add(
          row(
              "  prompt forward (" + prompt.length + " tokens, KV kept)",
              String.format(Locale.ROOT, "p50 %.1f ms", percentile(promptMs, 0.5))));
      rows.add(
          row(
              "  label trie (" + calls + " expand calls, " + tokens + " tree tokens)",
              String.format(Locale.ROOT, "p50 %.1f ms", percentile(treeMs, 0.5))));
      rows.add(
          row(
              "  scoring bookkeeping (rest)",
              String.format(
                  Locale.ROOT, "p50 %.1f ms", percentile(diff(total, promptMs, treeMs), 0.5))));

      // 2. Batch throughput over real questions of the dataset.
      List<SeedExample> qs =
          data.examples().subList(0, Math.min(batchSize, data.examples().size()));
      int[][] batch = qs.stream().map(enc::prompt).toArray(int[][]::new);
      for (int i = 0; i < warmup; i++) {
        scorer.classifyBatch(batch);
      }
      double[] batchMs = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        long t0 = System.nanoTime();
        scorer.classifyBatch(batch);
        batchMs[i] = (System.nanoTime() - t0) / 1e6;
        err.printf(
            Locale.ROOT,
            "classify a batch of %d, run %d/%d: %.1f ms%n",
            batch.length,
            i + 1,
            repeats,
            batchMs[i]);
      }
      double b50 = percentile(batchMs, 0.5);
      int meanLen =
          (int) Math.round(Arrays.stream(batch).mapToInt(p -> p.length).average().orElse(0));
      rows.add(
          row(
              "qcat: batch of " + batch.length + " questions (mean " + meanLen + " tokens)",
              String.format(
                  Locale.ROOT, "p50 %.1f ms = %.2f questions/s", b50, batch.length / (b50 / 1e3))));

      qcatLogProbs = m.logProbs(new int[][] {prompt})[0];
    }

    // 3. GEMM rate.
    double gflops = djlGemmGflops(64, 896, 4864, repeats * 2);
    rows.add(
        row(
            "fp32 GEMM, DJL matMul [64x896]x[896x4864], "
                + System.getProperty("ai.djl.pytorch.num_threads")
                + " threads",
            String.format(Locale.ROOT, "%.1f GFLOP/s", gflops)));
    rows.add(
        row(
            "  a "
                + prompt.length
                + "-token prompt at that rate ("
                + String.format(Locale.ROOT, "%.1f", flops(prompt.length) / 1e9)
                + " GFLOP)",
            String.format(Locale.ROOT, "%.1f ms", flops(prompt.length) / (gflops * 1e9) * 1e3)));

    // 4. llama.cpp on the same weights.
    if (!noLlama) {
      llama(dir, prompt, qcatLogProbs, qcatP50, rows, err);
    }

    out.println();
    out.printf(
        Locale.ROOT,
        "qcat bench: %s, %d threads, %d categories from %s%n",
        dir,
        threads,
        labels.size(),
        labelsFrom);
    int w = rows.stream().mapToInt(r -> r.indexOf('\t')).max().orElse(40);
    out.println("-".repeat(w + 40));
    for (String r : rows) {
      int tab = r.indexOf('\t');
      out.printf(Locale.ROOT, "%-" + w + "s  %s%n", r.substring(0, tab), r.substring(tab + 1));
    }
    out.println("-".repeat(w + 40));
    out.flush();
    return Qcat.OK;
  }

  /** {@code bench --train}: {@link TrainingBenchmark} at the preset's shapes. */
  private int benchTrain(PrintWriter out, PrintWriter err) {
    Qwen2Config config;
    try {
      config = RandomCheckpoint.preset(preset);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--preset: " + e.getMessage());
    }
    if (trainBatch < 1 || sequenceTokens < 8 || loraR < 1) {
      throw new UsageException(
          "expected --train-batch >= 1, --sequence-tokens >= 8 and --lora-r >= 1");
    }
    LoraConfig lora = LoraConfig.of(loraR, 2.0 * loraR);
    int answerTokens = 4;
    err.printf(
        Locale.ROOT,
        "training bench: %s shapes, LoRA r=%d on %s, %d x %d tokens per step, %d warm-up + %d"
            + " timed steps ...%n",
        preset,
        loraR,
        lora.targetModules(),
        trainBatch,
        sequenceTokens,
        warmup,
        repeats);
    TrainingBenchmark.Result r =
        TrainingBenchmark.run(
            config, lora, trainBatch, sequenceTokens, answerTokens, warmup, repeats);
    int m = trainBatch * sequenceTokens;
    double gflops = djlGemmGflops(m, config.hiddenSize(), config.intermediateSize(), repeats * 2);
    double bound = gflops * 1e9 / r.flopPerToken();
    List<String> rows = new ArrayList<>();
    rows.add(
        row(
            "LoRA training (forward + backward + AdamW), " + trainBatch + " x " + sequenceTokens,
            String.format(
                Locale.ROOT,
                "%.1f tokens/s (%.3f s/step, median of %d)",
                r.tokensPerSecond(),
                r.secondsPerStep(),
                repeats)));
    rows.add(
        row(
            "fp32 GEMM, DJL matMul ["
                + m
                + "x"
                + config.hiddenSize()
                + "]x["
                + config.hiddenSize()
                + "x"
                + config.intermediateSize()
                + "], "
                + threads
                + " threads",
            String.format(Locale.ROOT, "%.1f GFLOP/s", gflops)));
    rows.add(
        row(
            String.format(
                Locale.ROOT,
                "FLOP bound (4 x %.1f M non-embedding parameters per token)",
                r.flopPerToken() / 4e6),
            String.format(Locale.ROOT, "%.1f tokens/s", bound)));
    rows.add(
        row(
            "share of the bound",
            String.format(
                Locale.ROOT, "%.1f%% (target >= 50%%)", 100 * r.shareOfBound(gflops * 1e9))));
    rows.add(row("LoRA parameters", Long.toString(r.trainableParameters())));
    rows.add(row("JVM heap in use after the run", (r.peakHeapBytes() >> 20) + " MiB"));
    peakRss()
        .ifPresent(
            k -> rows.add(row("peak resident memory (VmHWM, incl. native)", (k >> 10) + " MiB")));
    out.println();
    out.printf(Locale.ROOT, "qcat bench --train: %s shapes, %d threads%n", preset, threads);
    int w = rows.stream().mapToInt(x -> x.indexOf('\t')).max().orElse(40);
    out.println("-".repeat(w + 40));
    for (String x : rows) {
      int tab = x.indexOf('\t');
      out.printf(Locale.ROOT, "%-" + w + "s  %s%n", x.substring(0, tab), x.substring(tab + 1));
    }
    out.println("-".repeat(w + 40));
    out.flush();
    return Qcat.OK;
  }

  /** The process's peak resident set size in KiB, from /proc/self/status (Linux only). */
  private static Optional<Long> peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: leave the row out
    }
    return Optional.empty();
  }

  private void llama(
      Path dir,
      int[] prompt,
      float[] qcatLogProbs,
      double qcatP50,
      List<String> rows,
      PrintWriter err) {
    LlamaCppReference ref;
    try {
      ref = LlamaCppReference.locate();
    } catch (RuntimeException e) {
      rows.add(row("llama.cpp", "not available: " + e.getMessage()));
      return;
    }
    try {
      Path gguf = work.resolve(dir.getFileName() + "-F32.gguf");
      Path weights = dir.resolve(HfCheckpoint.SAFETENSORS);
      if (!Files.isRegularFile(gguf)
          || (Files.exists(weights)
              && Files.getLastModifiedTime(gguf).compareTo(Files.getLastModifiedTime(weights))
                  < 0)) {
        Files.createDirectories(work);
        err.println("exporting " + gguf + " (F32) ...");
        try (HfCheckpoint c = HfCheckpoint.load(dir)) {
          Qwen2GgufExporter.export(c, GgufType.F32, gguf);
        }
      }
      err.println("running llama.cpp (node-llama-cpp) on " + gguf + " ...");
      LlamaCppReference.Result r = ref.timeAndScorePrompt(gguf, prompt, repeats, warmup, threads);
      LlamaCppReference.PromptTiming t = r.timing().orElseThrow();
      rows.add(
          row(
              "llama.cpp (node addon): evaluate the " + prompt.length + "-token prompt",
              String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms", t.medianMs(), t.p95Ms())));
      Optional<java.nio.file.Path> nativeBench = ref.nativeBench();
      double llamaBest = t.medianMs();
      if (nativeBench.isPresent()) {
        LlamaCppReference.PromptTiming n =
            ref.nativePromptTiming(nativeBench.get(), gguf, prompt.length, repeats, threads);
        rows.add(
            row(
                "llama.cpp (native llama-bench): " + prompt.length + "-token prompt",
                String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms", n.medianMs(), n.p95Ms())));
        llamaBest = Math.min(llamaBest, n.medianMs());
      } else {
        rows.add(
            row("llama.cpp (native llama-bench)", "not built (tools/llama-ref/build-native.sh)"));
      }
      rows.add(
          row(
              "qcat classify p50 / fastest llama.cpp prompt p50",
              String.format(Locale.ROOT, "%.2f (target <= 1)", qcatP50 / llamaBest)));
      double[] ll = r.logProbs().get(0);
      int v = Math.min(ll.length, qcatLogProbs.length);
      double max = 0;
      for (int i = 0; i < v; i++) {
        max = Math.max(max, Math.abs(ll[i] - qcatLogProbs[i]));
      }
      rows.add(
          row(
              "parity: max |delta log p| over " + v + " tokens, last position",
              String.format(Locale.ROOT, "%.2e (required <= 1e-3)", max)));
    } catch (Exception e) {
      rows.add(row("llama.cpp", "failed: " + e.getMessage()));
    }
  }

  private Path randomCheckpoint(PrintWriter err) {
    Path dir = work.resolve("qwen2.5-0.5b-random");
    if (Files.isRegularFile(dir.resolve(HfCheckpoint.SAFETENSORS))
        && Files.isRegularFile(dir.resolve(HfCheckpoint.CONFIG))) {
      return dir;
    }
    Path tokenizer =
        Qwen2Tokenizer.findQwen25TokenizerJson()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the bench needs the real Qwen2.5 tokenizer: run npm ci in tools/llama-ref (or pass --model DIR)"));
    err.println("generating a random qwen2.5-0.5b checkpoint in " + dir + " (once) ...");
    RandomCheckpoint.write(
        dir,
        RandomCheckpoint.preset("qwen2.5-0.5b"),
        SafetensorsDtype.BF16,
        42,
        RandomCheckpoint.TokenizerKind.QWEN,
        tokenizer);
    return dir;
  }

  /**
   * A prompt of exactly {@code length} tokens where possible: the dataset's questions joined word
   * by word until the rendered ChatML prompt reaches the length.
   */
  static int[] promptOfLength(PromptEncoder enc, List<SeedExample> examples, int length) {
    List<String> words = new ArrayList<>();
    for (SeedExample e : examples) {
      words.addAll(Arrays.asList(e.input().strip().split("\\s+")));
      if (words.size() > 4 * length) {
        break;
      }
    }
    String instruction =
        examples.isEmpty() ? "Categorize the following user query." : examples.get(0).instruction();
    int[] best = null;
    StringBuilder text = new StringBuilder();
    for (String w : words) {
      String candidate = text.length() == 0 ? w : text + " " + w;
      int[] p = enc.prompt(new SeedExample(0, instruction, candidate, Optional.empty()));
      if (p.length > length) {
        continue; // this word overshoots; try a shorter next one
      }
      text = new StringBuilder(candidate);
      best = p;
      if (p.length == length) {
        break;
      }
    }
    if (best == null) {
      throw new IllegalStateException(
          "the prompt template alone is longer than " + length + " tokens");
    }
    return best;
  }

  /** Forward FLOPs of the transformer layers for {@code t} tokens at 0.5B shapes (REFERENCE.md). */
  private static double flops(int t) {
    return 0.716e9 * t;
  }

  static double djlGemmGflops(int m, int k, int n, int reps) {
    try (NDManager nd = NDManager.newBaseManager()) {
      NDArray a = nd.randomUniform(-1, 1, new Shape(m, k));
      NDArray b = nd.randomUniform(-1, 1, new Shape(k, n));
      for (int i = 0; i < 3; i++) {
        a.matMul(b).close();
      }
      double[] ms = new double[reps];
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        NDArray c = a.matMul(b);
        c.getFloat(0, 0); // the product is computed eagerly; read one value to be sure
        ms[i] = (System.nanoTime() - t0) / 1e6;
        c.close();
      }
      return 2.0 * m * k * n / (percentile(ms, 0.5) / 1e3) / 1e9;
    }
  }

  private static double[] diff(double[] total, double[] a, double[] b) {
    double[] out = new double[total.length];
    for (int i = 0; i < total.length; i++) {
      out[i] = total[i] - a[i] - b[i];
    }
    return out;
  }

  /** Nearest-rank percentile, as {@link LlamaCppReference} computes it. */
  static double percentile(double[] xs, double q) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int rank = (int) Math.ceil(q * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
  }

  private static String row(String what, String value) {
    return what + "\t" + value;
  }
}
