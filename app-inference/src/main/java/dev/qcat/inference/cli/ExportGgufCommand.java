package dev.qcat.inference.cli;

import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.GgufType;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.OllamaModelfile;
import dev.qcat.inference.io.Qwen2GgufExporter;
import dev.qcat.inference.quant.QuantType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qcat export-gguf}: a checkpoint as a GGUF file (F32, F16, Q8_0 or Q4_0) for llama.cpp and
 * Ollama, with an Ollama {@code <stem>.Modelfile} written beside it.
 */
@Command(
    name = "export-gguf",
    mixinStandardHelpOptions = true,
    description =
        "Export an HF Qwen2 checkpoint (weights, tokenizer, chat template) as a GGUF file that"
            + " llama.cpp and Ollama load.")
final class ExportGgufCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "HF checkpoint directory.")
  Path model;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description = "PEFT LoRA adapter to merge into the base weights first (W + (alpha/r)·B·A).")
  Path adapter;

  @Option(
      names = "--type",
      required = true,
      paramLabel = "TYPE",
      description =
          "F32, F16, Q8_0 or Q4_0 (GGML blocks of 32; the token embedding is quantized too, for Q4_0 as Q8_0 unless --pure).")
  String type;

  @Option(
      names = "--pure",
      description =
          "Store the output tensor (token_embd, tied to the LM head) in --type too; by default a Q4_0 file keeps it at Q8_0, as llama-quantize keeps the output tensor at higher precision.")
  boolean pure;

  @picocli.CommandLine.Mixin GptqOptions gptq = new GptqOptions();

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The GGUF file to write (replaced if it exists).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Cli.requireDirectory("--model", model);
    if (adapter != null) {
      Cli.requireDirectory("--adapter", adapter);
    }
    String t = type.toUpperCase(Locale.ROOT);
    GgufType ggufType =
        Arrays.stream(GgufType.values())
            .filter(g -> g.name().equals(t))
            .findFirst()
            .orElseThrow(
                () ->
                    new UsageException(
                        "--type " + type + " is unknown (expected F32, F16, Q8_0 or Q4_0)"));
    long t0 = System.nanoTime();
    long bytes;
    try (HfCheckpoint checkpoint = HfCheckpoint.load(model)) {
      GgufType outputType = pure ? ggufType : Qwen2GgufExporter.outputType(ggufType);
      Function<String, FloatTensor> tensors = Cli.tensors(checkpoint, adapter);
      if (gptq.enabled()) {
        if (ggufType != GgufType.Q8_0 && ggufType != GgufType.Q4_0) {
          throw new UsageException("--gptq needs --type Q8_0 or Q4_0, not " + ggufType);
        }
        tensors =
            gptq.apply(
                model,
                checkpoint.config(),
                tensors,
                QuantType.valueOf(ggufType.name()),
                spec.commandLine().getErr());
      }
      bytes =
          Qwen2GgufExporter.export(
              checkpoint.config(),
              Set.copyOf(checkpoint.tensorNames()),
              tensors,
              checkpoint.tokenizerFile(),
              ggufType,
              outputType,
              out);
    }
    Path modelfile = OllamaModelfile.writeBeside(out);
    spec.commandLine()
        .getErr()
        .printf(
            Locale.ROOT,
            "wrote %s (%s, %.1f MB) in %.1f s, and %s (ollama create <name> -f %s)%n",
            out,
            ggufType,
            bytes / 1e6,
            (System.nanoTime() - t0) / 1e9,
            modelfile.getFileName(),
            modelfile);
    spec.commandLine().getOut().println(out);
    return Qcat.OK;
  }
}
