package dev.qcat.inference.cli;

import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.training.FineTuning;
import dev.qcat.inference.training.TrainingConfig;
import dev.qcat.inference.training.TrainingProgress;
import dev.qcat.inference.training.TrainingResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qcat train}: LoRA fine-tuning of a base checkpoint on a seed-format dataset ({@link
 * FineTuning}), with a progress bar on stderr and clean cancellation on Ctrl-C (the run stops at
 * the next optimizer step and writes a checkpoint that {@code --resume} continues from).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fine-tune a LoRA adapter (PEFT layout) on a seed-format JSONL dataset ({\"instruction\","
          + " \"input\", \"output\"}) with the loss on the answer tokens only. Writes"
          + " adapter_config.json, adapter_model.safetensors, calibration.json (temperature fitted"
          + " on the validation split), training_history.json and labels.txt into --out.",
      "Without --valid, a stratified --valid-fraction of --train is held out for validation."
          + " Ctrl-C stops at the next optimizer step and writes a checkpoint under"
          + " OUT/checkpoints/; continue with --resume OUT/checkpoints/step-NNNNNN and the same"
          + " options.",
      "Example: bin/qcat train --model base --train trec/train.jsonl --epochs 2 --lr 5e-3"
          + " --modules-to-save embed_tokens --out adapters/trec"
    })
final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "Base HF checkpoint directory (config.json, *.safetensors, tokenizer.json).")
  Path model;

  @Option(
      names = "--train",
      required = true,
      paramLabel = "FILE",
      description = "Training data, seed-format JSONL with \"output\" labels.")
  Path train;

  @Option(
      names = "--valid",
      paramLabel = "FILE",
      description = "Validation data, seed-format JSONL (default: split off --train).")
  Path valid;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "ADAPTER_DIR",
      description = "Where the adapter and its files are written.")
  Path out;

  @Option(
      names = "--valid-fraction",
      defaultValue = "0.1",
      description =
          "Share of --train held out for validation when --valid is absent (default: ${DEFAULT-VALUE}).")
  double validFraction;

  @Option(
      names = "--epochs",
      defaultValue = "3",
      description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--r", defaultValue = "8", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
  int r;

  @Option(
      names = "--alpha",
      defaultValue = "16",
      description = "LoRA alpha; the update is scaled by alpha / r (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(
      names = "--dropout",
      defaultValue = "0",
      description =
          "Dropout on the LoRA path, in [0, 1) (default: ${DEFAULT-VALUE}, as PEFT's LoraConfig).")
  double dropout;

  @Option(
      names = "--target-modules",
      split = ",",
      paramLabel = "MODULE",
      description =
          "Linear layers given a LoRA update, comma-separated (default: q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj).")
  List<String> targetModules;

  @Option(
      names = "--modules-to-save",
      split = ",",
      paramLabel = "MODULE",
      description =
          "Modules trained in full and saved with the adapter: embed_tokens, lm_head (default: none).")
  List<String> modulesToSave;

  @Option(
      names = "--lr",
      defaultValue = "2e-4",
      description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(
      names = "--schedule",
      defaultValue = "cosine",
      paramLabel = "cosine|linear",
      description = "Decay after the warm-up (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(
      names = "--warmup-ratio",
      defaultValue = "0.06",
      description =
          "Share of the optimizer steps spent warming up, in [0, 1) (default: ${DEFAULT-VALUE}).")
  double warmupRatio;

  @Option(
      names = "--batch-size",
      defaultValue = "16",
      description = "Examples per micro-batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--grad-accumulation",
      defaultValue = "1",
      description = "Micro-batches per optimizer step (default: ${DEFAULT-VALUE}).")
  int gradAccumulation;

  @Option(
      names = "--weight-decay",
      defaultValue = "0",
      description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(
      names = "--max-grad-norm",
      defaultValue = "1.0",
      description = "Global gradient-norm clip (default: ${DEFAULT-VALUE}).")
  double maxGradNorm;

  @Option(
      names = "--max-tokens",
      defaultValue = "512",
      description =
          "Longest prompt + answer kept, in tokens; longer examples are skipped (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--patience",
      defaultValue = "2",
      description =
          "Epochs without improvement before stopping early; 0 never stops early (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(
      names = "--monitor",
      defaultValue = "loss",
      paramLabel = "loss|macro_f1",
      description =
          "Validation metric that picks the kept epoch and drives early stopping (default: ${DEFAULT-VALUE}).")
  String monitor;

  @Option(
      names = "--eval-batch-size",
      defaultValue = "32",
      description = "Prompts per validation batch (default: ${DEFAULT-VALUE}).")
  int evalBatchSize;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description =
          "Seed of the adapter initialisation, batch order, dropout and validation split (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "0",
      paramLabel = "STEPS",
      description =
          "Write a checkpoint every STEPS optimizer steps; 0: only when cancelled (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(
      names = "--resume",
      paramLabel = "CHECKPOINT_DIR",
      description =
          "Continue from OUT/checkpoints/step-NNNNNN, written by a run with the same data and options.")
  Path resume;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Threads for libtorch and OpenBLAS (default: libtorch's own choice).")
  Integer threads;

  @Option(
      names = "--no-progress",
      description = "Print one line per epoch instead of a progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Cli.requireDirectory("--model", model);
    Cli.requireFile("--train", train);
    if (valid != null) {
      Cli.requireFile("--valid", valid);
    }
    if (resume != null) {
      Cli.requireDirectory("--resume", resume);
    }
    if (!(validFraction > 0 && validFraction < 1)) {
      throw new UsageException("--valid-fraction must be in (0, 1) but is " + validFraction);
    }
    if (threads != null && threads < 1) {
      throw new UsageException("--threads must be >= 1 but is " + threads);
    }
    LoraConfig lora;
    TrainingConfig training;
    try {
      lora =
          new LoraConfig(
              r,
              alpha,
              dropout,
              targetModules == null ? LoraConfig.DEFAULT_TARGET_MODULES : targetModules,
              "none",
              modulesToSave == null ? List.of() : modulesToSave,
              "");
      training =
          new TrainingConfig(
              epochs,
              batchSize,
              gradAccumulation,
              lr,
              weightDecay,
              0.9,
              0.999,
              1e-8,
              schedule,
              warmupRatio,
              maxGradNorm,
              seed,
              32,
              maxTokens,
              patience,
              monitor,
              checkpointEvery,
              evalBatchSize);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (threads != null) {
      Qwen2Model.setThreads(threads, threads);
    }
    FineTuning.Request request =
        new FineTuning.Request(
            model,
            train,
            Optional.ofNullable(valid),
            out,
            lora,
            training,
            validFraction,
            Optional.ofNullable(resume));

    // Ctrl-C: ask the trainer to stop at the next step boundary, then hold the JVM's exit until
    // the checkpoint is written (shutdown hooks run on SIGINT; the JVM waits for them).
    AtomicBoolean cancel = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              cancel.set(true);
              try {
                finished.await(10, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "qcat-train-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return train(request, err, cancel);
    } finally {
      err.flush();
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: the JVM exits once it returns
      }
    }
  }

  private int train(FineTuning.Request request, PrintWriter err, AtomicBoolean cancel)
      throws IOException {
    TrainingResult result;
    try {
      result = FineTuning.run(request, Cli.printStream(err), progress(err), cancel::get);
    } catch (IllegalArgumentException e) {
      // no usable example, a single category, or a checkpoint that does not match the options
      err.println();
      err.println("train: " + e.getMessage());
      return Qcat.FAILURE;
    }
    if (result.skippedTrain() > 0) {
      err.printf(
          Locale.ROOT,
          "skipped %d training examples (longer than --max-tokens %d or label unknown)%n",
          result.skippedTrain(),
          maxTokens);
    }
    if (result.status() == TrainingResult.Status.CANCELLED) {
      err.println(
          "train: cancelled after step "
              + result.steps()
              + "; continue with --resume "
              + result.checkpoint().map(Path::toString).orElse("(no checkpoint written)"));
      return Qcat.FAILURE;
    }
    spec.commandLine().getOut().println(result.adapterDir());
    return Qcat.OK;
  }

  /** The progress bar (carriage-return updated) or, with --no-progress, one line per event. */
  private Consumer<TrainingProgress> progress(PrintWriter err) {
    return p -> {
      if (noProgress) {
        if (p.kind() != TrainingProgress.Kind.STEP) {
          err.println(p.bar(30));
        }
      } else if (p.kind() == TrainingProgress.Kind.STEP) {
        err.print("\r" + p.bar(30) + "\033[K");
      } else {
        err.print("\r" + p.bar(30) + "\033[K\n");
      }
      err.flush();
    };
  }
}
