package dev.qcat.interfaces.batch.training;

import ai.djl.engine.Engine;
import dev.qcat.application.JobRecordService;
import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.application.RetrainingService;
import dev.qcat.application.RetrainingService.TrainingData;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.drift.DriftRepository.LabelledText;
import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.training.FineTuning;
import dev.qcat.inference.training.LoraTrainer;
import dev.qcat.inference.training.TrainingConfig;
import dev.qcat.inference.training.TrainingProgress;
import dev.qcat.inference.training.TrainingResult;
import dev.qcat.interfaces.batch.common.JobParameters;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Trains a LoRA adapter for the taxonomy and registers it as a CANDIDATE model version.
 *
 * <p>At the first execution the taxonomy's training data ({@link RetrainingService#trainingData})
 * is frozen into {@code train.jsonl} / {@code valid.jsonl} in the job's work directory ({@code
 * $QCAT_HOME/jobs/<job>-<instance>-<run created, epoch ms>/}); a restart reads the same files. The
 * trainer writes a checkpoint every {@code checkpointEvery} optimizer steps under {@code
 * adapter/checkpoints/}; a restarted execution resumes from the newest, and the trainer's resume is
 * bit-exact, so a job killed with the server ends with the same adapter as one that never stopped.
 * {@code JobOperator.stop} asks the trainer to stop at the next step (it writes a checkpoint
 * first). Progress (step, loss, ETA) goes to the job run at most once a second.
 *
 * <p>Parameters: {@code baseModelPath} (default: the ACTIVE version's), {@code epochs} (2), {@code
 * batchSize} (8), {@code learningRate} (1e-3), {@code r} (8), {@code alpha} (16), {@code seed}
 * (42), {@code checkpointEvery} (5 steps), {@code validationFraction} (0.2, when the taxonomy has
 * no VALIDATION examples), {@code maxSequenceTokens} (256), {@code dropout} (0.0), {@code
 * modulesToSave} (comma-separated PEFT {@code modules_to_save}, e.g. {@code embed_tokens}; none by
 * default).
 */
@Named("loraTrainingBatchlet")
@Dependent
public class LoraTrainingBatchlet extends AbstractBatchlet {

  @Inject private JobContext job;
  @Inject private RetrainingService retraining;
  @Inject private JobRecordService records;

  private volatile boolean stopRequested;

  @Override
  public String process() throws Exception {
    long instance = job.getInstanceId();
    JobParameters p = JobParameters.of(job);
    long taxonomyId = p.taxonomyId();
    Optional<JobRunView> run = records.run(instance);
    if (run.map(JobRunView::result).map(r -> r.contains("\"modelVersionId\"")).orElse(false)) {
      records.log(instance, "training already registered its model version; nothing to do");
      return "COMPLETED";
    }
    // Keyed by instance id and the run's creation time: instance ids start again at 1 in a new
    // database, and a stale directory must never be taken for this run's checkpoints.
    long created = run.map(r -> r.createdAt().toInstant().toEpochMilli()).orElse(0L);
    Path dir = QcatHome.jobDir(job.getJobName(), instance + "-" + created);
    Path trainFile = dir.resolve("train.jsonl");
    Path validFile = dir.resolve("valid.jsonl");
    Path adapterDir = dir.resolve("adapter");
    TrainingData data = retraining.trainingData(taxonomyId);
    String base = p.text("baseModelPath", data.activeBaseModelPath().orElse(""));
    if (base.isBlank()) {
      throw new IllegalArgumentException(
          "job parameter 'baseModelPath' is required: taxonomy "
              + data.taxonomyName()
              + " has no ACTIVE model version to take the base checkpoint from");
    }
    Map<String, Long> mix = new LinkedHashMap<>();
    if (!Files.isRegularFile(trainFile)) {
      Files.createDirectories(dir);
      int n = snapshot(trainFile, data.instruction(), data.train());
      int v =
          data.validation().isEmpty()
              ? 0
              : snapshot(validFile, data.instruction(), data.validation());
      records.log(
          instance,
          "data frozen in " + dir + ": " + n + " training, " + v + " validation examples");
    } else {
      records.log(instance, "resuming with the data frozen in " + dir);
    }
    try (Stream<String> lines = Files.lines(trainFile)) {
      lines.forEach(
          l -> {
            try (var r = Json.createReader(new StringReader(l))) {
              mix.merge(r.readObject().getString("output"), 1L, Long::sum);
            }
          });
    }
    Optional<Path> resume = latestCheckpoint(adapterDir);
    resume.ifPresent(c -> records.log(instance, "resuming from checkpoint " + c));
    records.log(
        instance,
        "DJL engine "
            + Engine.getInstance().getEngineName()
            + ", GPUs visible: "
            + Engine.getInstance().getGpuCount()
            + ", default device "
            + Engine.getInstance().defaultDevice());
    TrainingConfig training =
        TrainingConfig.defaults()
            .withEpochs((int) p.number("epochs", 2))
            .withBatch((int) p.number("batchSize", 8), 1)
            .withSchedule(p.decimal("learningRate", 1e-3), "cosine", 0.06)
            .withSeed(p.number("seed", 42))
            .withCheckpointEvery((int) p.number("checkpointEvery", 5))
            .withEarlyStopping(0, "loss");
    training =
        new TrainingConfig(
            training.epochs(),
            training.batchSize(),
            training.gradAccumulation(),
            training.learningRate(),
            training.weightDecay(),
            training.beta1(),
            training.beta2(),
            training.adamEps(),
            training.schedule(),
            training.warmupRatio(),
            training.maxGradNorm(),
            training.seed(),
            training.bucketWindow(),
            (int) p.number("maxSequenceTokens", 256),
            training.patience(),
            training.monitor(),
            training.checkpointEvery(),
            training.evalBatchSize());
    LoraConfig lora =
        new LoraConfig(
            (int) p.number("r", 8),
            p.decimal("alpha", 16),
            p.decimal("dropout", 0.0),
            LoraConfig.DEFAULT_TARGET_MODULES,
            "none",
            names(p.text("modulesToSave", "")),
            base);
    FineTuning.Request request =
        new FineTuning.Request(
            Path.of(base),
            trainFile,
            Files.isRegularFile(validFile) ? Optional.of(validFile) : Optional.empty(),
            adapterDir,
            lora,
            training,
            p.decimal("validationFraction", 0.2),
            resume);
    // PyTorch's grad mode is per thread and on by default; DJL switches it off only on the thread
    // that loads the engine, and a GradientCollector restores what it found. On a batch thread the
    // optimizer's in-place update of a leaf that requires grad would then fail, so switch it off
    // here, as the command line's main thread has it.
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    long[] lastProgress = {0};
    TrainingResult result;
    try (PrintStream log = new PrintStream(report, true, StandardCharsets.UTF_8)) {
      result =
          FineTuning.run(
              request, log, e -> onProgress(instance, e, lastProgress), () -> stopRequested);
    }
    for (String line : report.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        records.log(instance, line);
      }
    }
    if (result.status() == TrainingResult.Status.CANCELLED) {
      records.log(
          instance,
          "stopped at step "
              + result.steps()
              + "; restart resumes from "
              + result.checkpoint().orElse(null));
      return "STOPPED";
    }
    double temperature = result.calibration().map(t -> t.temperature()).orElse(1.0);
    String sha = sha256(adapterDir.resolve("adapter_model.safetensors"));
    JsonObjectBuilder metrics =
        Json.createObjectBuilder()
            .add("job", job.getJobName())
            .add("jobInstanceId", instance)
            .add("status", result.status().name())
            .add("steps", result.steps())
            .add("bestEpoch", result.bestEpoch())
            .add("adapterSha256", sha);
    var mixJson = Json.createObjectBuilder();
    mix.forEach(mixJson::add);
    metrics.add("trainingMix", mixJson);
    var history = Json.createArrayBuilder();
    result
        .history()
        .forEach(
            h -> {
              var o = Json.createObjectBuilder().add("epoch", h.epoch()).add("step", h.step());
              number(o, "loss", h.loss());
              number(o, "accuracy", h.accuracy());
              number(o, "macroF1", h.macroF1());
              number(o, "ece", h.ece());
              history.add(o);
            });
    metrics.add("history", history);
    if (result.bestEpoch() >= 0 && result.bestEpoch() < result.history().size()) {
      var best = result.history().get(result.bestEpoch());
      number(metrics, "accuracy", best.accuracy());
      number(metrics, "macroF1", best.macroF1());
    }
    result
        .calibration()
        .ifPresent(
            t -> {
              var c = Json.createObjectBuilder().add("temperature", t.temperature());
              number(c, "eceBefore", t.eceBefore());
              number(c, "eceAfter", t.eceAfter());
              number(c, "nllBefore", t.nllBefore());
              number(c, "nllAfter", t.nllAfter());
              metrics.add("calibration", c);
            });
    ModelVersionView v =
        retraining.registerCandidate(
            taxonomyId,
            data.taxonomyName() + "-" + job.getJobName() + "-" + instance,
            base,
            adapterDir.toString(),
            temperature,
            metrics.build().toString(),
            "job:" + job.getJobName());
    records.progress(instance, result.steps(), result.totalSteps(), Double.NaN, 0);
    records.finish(
        instance,
        Json.createObjectBuilder()
            .add("modelVersionId", v.id())
            .add("status", v.status())
            .add("adapterPath", adapterDir.toString())
            .add("adapterSha256", sha)
            .add("steps", result.steps())
            .add("temperature", temperature)
            .build()
            .toString());
    records.log(
        instance, "registered CANDIDATE model version " + v.id() + " (adapter sha256 " + sha + ")");
    return "COMPLETED";
  }

  private void onProgress(long instance, TrainingProgress e, long[] last) {
    switch (e.kind()) {
      case STEP -> {
        long now = System.currentTimeMillis();
        if (now - last[0] >= 1000 || e.step() == e.totalSteps()) {
          last[0] = now;
          records.progress(instance, e.step(), e.totalSteps(), e.loss(), e.etaSeconds());
        }
      }
      case CHECKPOINT -> {
        records.progress(instance, e.step(), e.totalSteps(), Double.NaN, e.etaSeconds());
        records.log(instance, "checkpoint at step " + e.step() + ": " + e.message());
      }
      case EVAL -> records.log(instance, e.bar(20));
      case DONE -> records.log(instance, e.bar(20));
    }
  }

  @Override
  public void stop() {
    stopRequested = true;
  }

  private static int snapshot(Path file, String instruction, List<LabelledText> examples)
      throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (LabelledText e : examples) {
        w.write(
            Json.createObjectBuilder()
                .add("instruction", instruction)
                .add("input", e.text())
                .add("output", e.category())
                .build()
                .toString());
        w.write('\n');
      }
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return examples.size();
  }

  /**
   * @return the newest {@code checkpoints/step-NNNNNN} directory with a trainer state, if any
   */
  static Optional<Path> latestCheckpoint(Path adapterDir) throws IOException {
    Path root = adapterDir.resolve(LoraTrainer.CHECKPOINTS);
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(d -> d.getFileName().toString().startsWith("step-"))
          .filter(d -> Files.isRegularFile(d.resolve("trainer_state.json")))
          .max(java.util.Comparator.comparing(d -> d.getFileName().toString()));
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void number(JsonObjectBuilder o, String key, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.addNull(key);
    } else {
      o.add(key, v);
    }
  }

  /** "a, b,,c" → [a, b, c]. */
  static List<String> names(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(n -> !n.isEmpty())
        .toList();
  }
}
