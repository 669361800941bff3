package dev.qcat.inference.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.io.SafetensorsWriter;
import dev.qcat.inference.quant.QuantType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qcat merge}: a PEFT LoRA adapter merged into its base (PEFT's {@code merge_and_unload}: W
 * + (alpha/r)·B·A, saved modules replacing the base ones), written as an HF checkpoint directory
 * with float32 weights. With {@code --gptq}, the projections are also GPTQ-rounded onto the Q8_0 or
 * Q4_0 grid; since round-to-nearest reproduces that grid exactly, serving the directory with that
 * quantization ({@code --quant}, or a model version of the application with that quantization) uses
 * GPTQ's codes without calibrating again.
 */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    description =
        "Merge a LoRA adapter into its base model (PEFT merge_and_unload) and write an HF"
            + " checkpoint directory (float32 model.safetensors, config and tokenizer copied);"
            + " with --gptq --type Q8_0|Q4_0 the projections are GPTQ-rounded, so that serving the"
            + " directory quantized (qcat --quant, or the application's Q8_0/Q4_0 model versions)"
            + " uses GPTQ's codes.")
final class MergeCommand implements Callable<Integer> {

  /** Files copied unchanged from the base directory when present. */
  static final List<String> COPIED =
      List.of(
          HfCheckpoint.TOKENIZER, HfCheckpoint.TOKENIZER_CONFIG, HfCheckpoint.GENERATION_CONFIG);

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "HF checkpoint directory of the base model.")
  Path model;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description = "PEFT LoRA adapter to merge into the base weights (W + (alpha/r)·B·A).")
  Path adapter;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "With --gptq: the block grid to round onto, Q8_0 or Q4_0.")
  String type;

  @picocli.CommandLine.Mixin GptqOptions gptq = new GptqOptions();

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description =
          "The checkpoint directory to write (created; its model.safetensors, config.json and"
              + " tokenizer files are replaced). Must not be --model.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Cli.requireDirectory("--model", model);
    if (adapter != null) {
      Cli.requireDirectory("--adapter", adapter);
    }
    if (adapter == null && !gptq.enabled()) {
      throw new UsageException("nothing to merge: give --adapter, --gptq, or both");
    }
    QuantType grid = null;
    if (gptq.enabled()) {
      if (type == null) {
        throw new UsageException("--gptq needs --type Q8_0 or Q4_0");
      }
      String t = type.toUpperCase(Locale.ROOT);
      if (!t.equals("Q8_0") && !t.equals("Q4_0")) {
        throw new UsageException("--type " + type + " is unknown here (expected Q8_0 or Q4_0)");
      }
      grid = QuantType.valueOf(t);
    } else if (type != null) {
      throw new UsageException("--type goes with --gptq (the weights are written as float32)");
    }
    Files.createDirectories(out);
    if (Files.isSameFile(out, model)) {
      throw new UsageException("--out " + out + " is the base model's directory; choose another");
    }
    long t0 = System.nanoTime();
    long bytes;
    int count;
    try (HfCheckpoint checkpoint = HfCheckpoint.load(model)) {
      Function<String, FloatTensor> tensors = Cli.tensors(checkpoint, adapter);
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("format", "pt");
      metadata.put("qcat.base_model", model.toAbsolutePath().normalize().toString());
      if (adapter != null) {
        metadata.put("qcat.merged_adapter", adapter.toAbsolutePath().normalize().toString());
      }
      if (grid != null) {
        tensors =
            gptq.apply(model, checkpoint.config(), tensors, grid, spec.commandLine().getErr());
        metadata.put("qcat.gptq", grid.name() + " calibrated on " + gptq.file);
      }
      Map<String, long[]> shapes = new LinkedHashMap<>();
      for (String name : checkpoint.tensorNames()) {
        shapes.put(name, checkpoint.shape(name));
      }
      count = shapes.size();
      Function<String, FloatTensor> source = tensors;
      // Written beside the target and moved over it at the end: a crash or a full disk never
      // leaves a half-written model.safetensors where a complete one is expected.
      Path partial = out.resolve(HfCheckpoint.SAFETENSORS + ".partial");
      SafetensorsWriter.write(
          partial, SafetensorsDtype.F32, shapes, name -> source.apply(name).data(), metadata);
      bytes = Files.size(partial);
      Files.move(
          partial,
          out.resolve(HfCheckpoint.SAFETENSORS),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(out.resolve(HfCheckpoint.SAFETENSORS_INDEX));
    }
    writeConfig(model.resolve(HfCheckpoint.CONFIG), out.resolve(HfCheckpoint.CONFIG));
    for (String file : COPIED) {
      Path src = model.resolve(file);
      if (Files.isRegularFile(src)) {
        Files.copy(src, out.resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    spec.commandLine()
        .getErr()
        .printf(
            Locale.ROOT,
            "wrote %s (%d tensors, float32, %.1f MB%s) in %.1f s%n",
            out,
            count,
            bytes / 1e6,
            grid == null ? "" : ", projections on the " + grid + " grid",
            (System.nanoTime() - t0) / 1e9);
    spec.commandLine().getOut().println(out);
    return Qcat.OK;
  }

  /** The base's config.json with {@code torch_dtype} set to the weights' new dtype. */
  private static void writeConfig(Path from, Path to) throws IOException {
    ObjectNode config = (ObjectNode) JSON.readTree(from.toFile());
    config.put("torch_dtype", "float32");
    JSON.writerWithDefaultPrettyPrinter().writeValue(to.toFile(), config);
  }
}
