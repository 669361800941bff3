package dev.qcat.inference.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.bench.LlamaCppReference;
import dev.qcat.inference.bench.ResidentMemory;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.GgufType;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.Qwen2GgufExporter;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.quant.QuantType;
import dev.qcat.inference.quant.QuantizedLinear;
import dev.qcat.inference.quant.QuantizedQwen2;
import dev.qcat.inference.scoring.CategoryScorer;
import dev.qcat.inference.scoring.ScoringOptions;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import dev.qcat.inference.training.PromptEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code qcat bench --quant}: qcat F32 / Q8_0 / Q4_0 against llama.cpp F32 / Q8_0 / Q4_0 GGUF of
 * the same weights, each mode in its own process so that its resident memory is its own.
 *
 * <p>qcat side (a child JVM per mode, {@code bench --quant-worker TYPE}, heap bounded, serial GC
 * returning free heap as {@link ResidentMemory} recommends): load, then one-question latency
 * (classify a {@code --prompt-tokens} question over the taxonomy, exact scoring), where that time
 * goes (prompt forward, label-trie expansion, and inside the quantized layers: decoding blocks vs
 * sgemm), the throughput of {@code --concurrency} questions scored as one batch, and VmRSS after
 * the runs (after full GCs) and its peak (VmHWM).
 *
 * <p>llama.cpp side: the Node harness times the prompt alone (what llama.cpp needs to read the
 * prompt); {@code label-scorer} classifies the same prompt over the same labels (one decode of
 * prompt + label trie) for its latency, the {@code --concurrency} questions one after the other for
 * its throughput, and reports its resident memory (weights memory-mapped; the peak counts every
 * page touched).
 */
final class QuantBench {

  static final String WORKER_TAG = "QUANT-BENCH ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private QuantBench() {}

  /** The worker: one precision in this JVM; prints one JSON line tagged {@link #WORKER_TAG}. */
  static int worker(
      String type,
      Path dir,
      SeedDataset data,
      int promptTokens,
      int warmup,
      int repeats,
      int concurrency,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    Optional<QuantType> quant =
        type.equals("F32") ? Optional.empty() : Optional.of(QuantType.valueOf(type));
    List<String> labels = data.distinctOutputs();
    ResidentMemory.settle();
    long rssBefore = ResidentMemory.rssBytes().orElse(0);
    long t0 = System.nanoTime();
    ObjectNode o = JSON.createObjectNode();
    o.put("mode", "qcat " + type);
    try (Qwen2Model m =
            quant.isPresent() ? QuantizedQwen2.load(dir, quant.get()) : Qwen2Model.load(dir);
        Qwen2Tokenizer tok = Qwen2Tokenizer.load(dir.resolve(HfCheckpoint.TOKENIZER))) {
      o.put("load_s", (System.nanoTime() - t0) / 1e9);
      ResidentMemory.settle();
      o.put("rss_after_load_mb", ResidentMemory.rssBytes().orElse(0) / 1048576.0);
      PromptEncoder enc = PromptEncoder.chatMl(tok);
      int[][] labelTokens = labels.stream().map(enc::labelTokens).toArray(int[][]::new);
      TimedModel timed = new TimedModel(m);
      CategoryScorer scorer =
          new CategoryScorer(
              timed, labels, labelTokens, enc.endTokenId(), ScoringOptions.defaults());
      int[] prompt = BenchCommand.promptOfLength(enc, data.examples(), promptTokens);
      o.put("prompt_tokens", prompt.length);
      o.put("trie_nodes", scorer.trieSize());
      for (int i = 0; i < warmup; i++) {
        scorer.classify(prompt);
        err.printf(Locale.ROOT, "qcat %s: warm-up %d/%d done%n", type, i + 1, warmup);
        err.flush();
      }
      double[] total = new double[repeats];
      double[] promptMs = new double[repeats];
      double[] treeMs = new double[repeats];
      double[] decodeMs = new double[repeats];
      double[] gemmMs = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        timed.reset();
        QuantizedLinear.Profile.reset();
        long s = System.nanoTime();
        scorer.classify(prompt);
        total[i] = (System.nanoTime() - s) / 1e6;
        promptMs[i] = timed.promptNanos / 1e6;
        treeMs[i] = timed.expandNanos / 1e6;
        decodeMs[i] = QuantizedLinear.Profile.decodeNanos() / 1e6;
        gemmMs[i] = QuantizedLinear.Profile.gemmNanos() / 1e6;
        err.printf(
            Locale.ROOT,
            "qcat %s: classify 1 question, run %d/%d: %.1f ms%n",
            type,
            i + 1,
            repeats,
            total[i]);
        err.flush();
      }
      o.put("classify_p50_ms", BenchCommand.percentile(total, 0.5));
      o.put("classify_p95_ms", BenchCommand.percentile(total, 0.95));
      o.put("prompt_p50_ms", BenchCommand.percentile(promptMs, 0.5));
      o.put("trie_p50_ms", BenchCommand.percentile(treeMs, 0.5));
      o.put("quant_decode_p50_ms", BenchCommand.percentile(decodeMs, 0.5));
      o.put("quant_gemm_p50_ms", BenchCommand.percentile(gemmMs, 0.5));
      o.put("tree_tokens", timed.treeTokens);
      o.put("expand_calls", timed.expandCalls);
      List<SeedExample> qs =
          data.examples().subList(0, Math.min(concurrency, data.examples().size()));
      int[][] batch = qs.stream().map(enc::prompt).toArray(int[][]::new);
      long s = System.nanoTime();
      scorer.classifyBatch(batch);
      double batchMs = (System.nanoTime() - s) / 1e6;
      o.put("batch_questions", batch.length);
      o.put("batch_ms", batchMs);
      o.put("questions_per_s", batch.length / (batchMs / 1e3));
      err.printf(
          Locale.ROOT, "qcat %s: batch of %d questions: %.1f ms%n", type, batch.length, batchMs);
      ResidentMemory.settle();
      o.put("rss_after_runs_mb", ResidentMemory.rssBytes().orElse(0) / 1048576.0);
    }
    o.put("rss_before_load_mb", rssBefore / 1048576.0);
    o.put("peak_rss_mb", peakRssKb() / 1024.0);
    out.println(WORKER_TAG + JSON.writeValueAsString(o));
    out.flush();
    return Qcat.OK;
  }

  /** VmHWM of this process, in KiB (0 where /proc is missing). */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return 0;
  }

  /** The parent: a worker per qcat mode, then llama.cpp per GGUF type, then the table. */
  static int run(
      Path dir,
      Path labelsFrom,
      SeedDataset data,
      Path work,
      int threads,
      int promptTokens,
      int warmup,
      int repeats,
      int concurrency,
      boolean noLlama,
      List<String> modes,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    // llama.cpp first: its figures are the reference the qcat rows are read against
    List<JsonNode> llama = new ArrayList<>();
    if (!noLlama) {
      llama.addAll(
          llama(dir, data, work, threads, promptTokens, warmup, repeats, concurrency, modes, err));
      for (JsonNode r : llama) {
        err.println("llama.cpp result: " + r);
      }
    }
    List<JsonNode> rows = new ArrayList<>();
    for (String type : modes) {
      rows.add(
          runWorker(
              type, dir, labelsFrom, threads, promptTokens, warmup, repeats, concurrency, err));
      err.println("qcat result: " + rows.get(rows.size() - 1));
    }
    print(out, dir, threads, concurrency, data.distinctOutputs().size(), rows, llama);
    return Qcat.OK;
  }

  private static JsonNode runWorker(
      String type,
      Path dir,
      Path labelsFrom,
      int threads,
      int promptTokens,
      int warmup,
      int repeats,
      int concurrency,
      PrintWriter err)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // F32 weights live in libtorch's native memory; Q8_0/Q4_0 codes on the heap, plus one float32
    // tensor at a time while quantizing (the 0.5B embedding: 545 MB).
    cmd.add("-Xmx" + (type.equals("F32") ? "1g" : "2g"));
    // DJL stages every tensor through a direct buffer; the default cap (= -Xmx) is too small for
    // the 2 GB of F32 weights before the garbage collector frees the staged ones
    cmd.add("-XX:MaxDirectMemorySize=4g");
    cmd.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-XX:MinHeapFreeRatio=5",
            "-XX:MaxHeapFreeRatio=10",
            "-Dai.djl.offline=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"));
    // the parent's qcat.* settings (e.g. -Dqcat.quant.gemm=openblas) apply to the workers too
    for (String k : System.getProperties().stringPropertyNames()) {
      if (k.startsWith("qcat.") && !k.equals("qcat.openblas.threads")) {
        cmd.add("-D" + k + "=" + System.getProperty(k));
      }
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Qcat.class.getName(),
            "bench",
            "--quant-worker",
            type,
            "--model",
            dir.toString(),
            "--labels-from",
            labelsFrom.toString(),
            "--threads",
            Integer.toString(threads),
            "--prompt-tokens",
            Integer.toString(promptTokens),
            "--warmup",
            Integer.toString(warmup),
            "--repeats",
            Integer.toString(repeats),
            "--concurrency",
            Integer.toString(concurrency)));
    err.println("qcat " + type + ": own JVM ...");
    err.flush();
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    JsonNode result = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith(WORKER_TAG)) {
          result = JSON.readTree(line.substring(WORKER_TAG.length()));
        }
      }
    }
    int code = p.waitFor();
    if (code != 0 || result == null) {
      throw new IOException("the qcat " + type + " bench worker exited with " + code);
    }
    return result;
  }

  private static List<JsonNode> llama(
      Path dir,
      SeedDataset data,
      Path work,
      int threads,
      int promptTokens,
      int warmup,
      int repeats,
      int concurrency,
      List<String> modes,
      PrintWriter err)
      throws IOException {
    LlamaCppReference ref = LlamaCppReference.locate();
    List<String> labels = data.distinctOutputs();
    int[] prompt;
    int[][] labelTokens;
    List<int[]> batch;
    try (Qwen2Tokenizer tok = Qwen2Tokenizer.load(dir.resolve(HfCheckpoint.TOKENIZER))) {
      PromptEncoder enc = PromptEncoder.chatMl(tok);
      prompt = BenchCommand.promptOfLength(enc, data.examples(), promptTokens);
      labelTokens = new int[labels.size()][];
      for (int i = 0; i < labels.size(); i++) {
        int[] t = enc.labelTokens(labels.get(i));
        labelTokens[i] = Arrays.copyOf(t, t.length + 1);
        labelTokens[i][t.length] = enc.endTokenId();
      }
      batch =
          data.examples().subList(0, Math.min(concurrency, data.examples().size())).stream()
              .map(enc::prompt)
              .toList();
    }
    List<JsonNode> rows = new ArrayList<>();
    for (GgufType type : List.of(GgufType.F32, GgufType.Q8_0, GgufType.Q4_0)) {
      if (!modes.contains(type.name())) {
        continue;
      }
      Path gguf = work.resolve(dir.getFileName() + "-" + type + ".gguf");
      Path weights = dir.resolve(HfCheckpoint.SAFETENSORS);
      if (!Files.isRegularFile(gguf)
          || (Files.exists(weights)
              && Files.getLastModifiedTime(gguf).compareTo(Files.getLastModifiedTime(weights))
                  < 0)) {
        Files.createDirectories(work);
        err.println("exporting " + gguf + " (" + type + ") ...");
        err.flush();
        try (HfCheckpoint c = HfCheckpoint.load(dir)) {
          Qwen2GgufExporter.export(c, type, gguf);
        }
      }
      ObjectNode o = JSON.createObjectNode();
      o.put("mode", "llama.cpp " + type);
      try {
        llamaType(ref, gguf, type, o, prompt, labelTokens, batch, threads, warmup, repeats, err);
      } catch (IOException | RuntimeException e) {
        err.println("llama.cpp " + type + " failed: " + e.getMessage());
        o.put("failed", String.valueOf(e.getMessage()));
      }
      rows.add(o);
    }
    return rows;
  }

  private static void llamaType(
      LlamaCppReference ref,
      Path gguf,
      GgufType type,
      ObjectNode o,
      int[] prompt,
      int[][] labelTokens,
      List<int[]> batch,
      int threads,
      int warmup,
      int repeats,
      PrintWriter err)
      throws IOException {
    {
      err.println("llama.cpp " + type + ": prompt timing (node addon) ...");
      err.flush();
      LlamaCppReference.PromptTiming t = ref.timePrompt(gguf, prompt, repeats, warmup, threads);
      o.put("prompt_p50_ms", t.medianMs());
      o.put("prompt_p95_ms", t.p95Ms());
      err.println("llama.cpp " + type + ": classify (label-scorer) ...");
      err.flush();
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < warmup + repeats; i++) {
        prompts.add(prompt);
      }
      prompts.addAll(batch);
      LlamaCppReference.LabelScoring s = ref.scoreLabelsTimed(gguf, labelTokens, prompts, threads);
      double[] lat = Arrays.copyOfRange(s.timesMs(), warmup, warmup + repeats);
      o.put("classify_p50_ms", BenchCommand.percentile(lat, 0.5));
      o.put("classify_p95_ms", BenchCommand.percentile(lat, 0.95));
      double batchMs = 0;
      for (int i = warmup + repeats; i < s.timesMs().length; i++) {
        batchMs += s.timesMs()[i];
      }
      o.put("batch_questions", batch.size());
      o.put("batch_ms", batchMs);
      o.put("questions_per_s", batch.size() / (batchMs / 1e3));
      o.put("rss_after_load_mb", s.rssAfterLoadKb() / 1024.0);
      o.put("peak_rss_mb", s.maxRssKb() / 1024.0);
    }
  }

  private static void print(
      PrintWriter out,
      Path dir,
      int threads,
      int concurrency,
      int categories,
      List<JsonNode> qcat,
      List<JsonNode> llama) {
    out.println();
    out.printf(
        Locale.ROOT,
        "qcat bench --quant: %s, %d threads, %d categories, %d-token prompt, %d-question batch,"
            + " quantized GEMM %s, panel %d floats%n",
        dir,
        threads,
        categories,
        qcat.get(0).path("prompt_tokens").asInt(),
        concurrency,
        System.getProperty(QuantizedLinear.GEMM_PROPERTY, "torch"),
        Integer.getInteger("qcat.quant.panelFloats", QuantizedLinear.DEFAULT_SCRATCH_FLOATS));
    String header =
        String.format(
            Locale.ROOT,
            "%-16s %-22s %-22s %-18s %-16s %-10s",
            "mode",
            "classify 1 q p50/p95",
            "prompt only p50",
            "batch questions/s",
            "RSS (steady)",
            "peak RSS");
    out.println(header);
    out.println("-".repeat(header.length()));
    for (JsonNode r : qcat) {
      row(out, r, r.path("rss_after_runs_mb").asDouble());
    }
    for (JsonNode r : llama) {
      row(out, r, r.path("peak_rss_mb").asDouble());
    }
    out.println("-".repeat(header.length()));
    for (JsonNode r : qcat) {
      out.printf(
          Locale.ROOT,
          "%s: prompt forward %.0f ms + label trie %.0f ms (%d expand calls, %d tree tokens);"
              + " inside quantized layers: block decoding %.0f ms, sgemm %.0f ms; model load %.1f s;"
              + " RSS before load %.0f MB%n",
          r.path("mode").asText(),
          r.path("prompt_p50_ms").asDouble(),
          r.path("trie_p50_ms").asDouble(),
          r.path("expand_calls").asInt(),
          r.path("tree_tokens").asInt(),
          r.path("quant_decode_p50_ms").asDouble(),
          r.path("quant_gemm_p50_ms").asDouble(),
          r.path("load_s").asDouble(),
          r.path("rss_before_load_mb").asDouble());
    }
    JsonNode qcatQ8 = byMode(qcat, "qcat Q8_0");
    JsonNode llamaQ8 = byMode(llama, "llama.cpp Q8_0");
    if (qcatQ8 != null && llamaQ8 != null) {
      double q8Rss = qcatQ8.path("rss_after_runs_mb").asDouble();
      double llamaQ8Rss = llamaQ8.path("peak_rss_mb").asDouble();
      double fastest =
          qcat.stream().mapToDouble(r -> r.path("classify_p50_ms").asDouble()).min().orElse(0);
      double llamaQ8Prompt = llamaQ8.path("prompt_p50_ms").asDouble();
      out.printf(
          Locale.ROOT,
          "qcat Q8_0 RSS / llama.cpp Q8_0 RSS = %.2f (target <= 1.2)%n",
          q8Rss / llamaQ8Rss);
      out.printf(
          Locale.ROOT,
          "fastest qcat classify p50 / llama.cpp Q8_0 prompt-only p50 = %.2f (target <= 1)%n",
          fastest / llamaQ8Prompt);
    }
    out.println(
        "RSS (steady): qcat VmRSS after the runs and full GCs (JVM included); llama.cpp"
            + " label-scorer's peak (weights memory-mapped, counted once touched). Prompt only:"
            + " qcat's prompt forward inside classify; llama.cpp's node addon evaluating the prompt"
            + " alone. llama.cpp batch: the questions one after the other, one decode each.");
    out.flush();
  }

  private static JsonNode byMode(List<JsonNode> rows, String mode) {
    return rows.stream().filter(r -> r.path("mode").asText().equals(mode)).findFirst().orElse(null);
  }

  private static void row(PrintWriter out, JsonNode r, double rss) {
    if (r.has("failed")) {
      out.printf(
          Locale.ROOT, "%-16s failed: %s%n", r.path("mode").asText(), r.path("failed").asText());
      return;
    }
    out.printf(
        Locale.ROOT,
        "%-16s %-22s %-22s %-18s %-16s %-10s%n",
        r.path("mode").asText(),
        String.format(
            Locale.ROOT,
            "%.0f / %.0f ms",
            r.path("classify_p50_ms").asDouble(),
            r.path("classify_p95_ms").asDouble()),
        String.format(Locale.ROOT, "%.0f ms", r.path("prompt_p50_ms").asDouble()),
        String.format(Locale.ROOT, "%.2f", r.path("questions_per_s").asDouble()),
        String.format(Locale.ROOT, "%.0f MB", rss),
        String.format(Locale.ROOT, "%.0f MB", r.path("peak_rss_mb").asDouble()));
  }
}
