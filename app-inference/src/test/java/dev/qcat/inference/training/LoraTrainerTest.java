package dev.qcat.inference.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.qcat.inference.calibration.TemperatureScaling;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.lora.LoraAdapter;
import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.lora.LoraModel;
import dev.qcat.inference.lora.PeftAdapterIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTrainerTest {

  static final List<SeedExample> TRAIN = TinyTask.examples(192, 1);
  static final List<SeedExample> VALID = TinyTask.examples(48, 2);

  static LoraModel freshModel(LoraConfig lora, long seed) {
    return LoraModel.create(TinyTask.CONFIG, TinyTask.tensors(7), lora, seed);
  }

  static TrainingConfig config() {
    return TrainingConfig.defaults()
        .withEpochs(3)
        .withBatch(8, 2)
        .withSchedule(1e-2, "cosine", 0.1)
        .withEarlyStopping(0, "loss");
  }

  @Test
  void learnsTheTinyTaskAndWritesAPeftAdapterWithCalibration(@TempDir Path out) {
    try (LoraModel model = freshModel(LoraConfig.of(8, 16), 42)) {
      LoraTrainer trainer = new LoraTrainer(model, TinyTask.ENCODER, TinyTask.CATEGORIES, config());
      Evaluation before = trainer.evaluate(VALID);
      List<TrainingProgress> events = new ArrayList<>();
      TrainingResult r = trainer.train(TRAIN, VALID, out, events::add, () -> false);

      assertEquals(TrainingResult.Status.COMPLETED, r.status());
      assertEquals(36, r.totalSteps()); // 192 / 8 = 24 micro-batches = 12 steps per epoch
      assertEquals(36, r.steps());
      EpochMetrics last = r.history().get(r.history().size() - 1);
      assertTrue(
          last.accuracy() >= 0.95,
          "accuracy " + last.accuracy() + " before " + before.report().accuracy());
      assertTrue(
          last.loss() < before.loss() / 4, "loss " + last.loss() + " before " + before.loss());
      assertTrue(r.history().get(0).trainLoss() > last.trainLoss());

      long steps = events.stream().filter(e -> e.kind() == TrainingProgress.Kind.STEP).count();
      assertEquals(36, steps);
      TrainingProgress lastStep =
          events.stream()
              .filter(e -> e.kind() == TrainingProgress.Kind.STEP)
              .reduce((a, b) -> b)
              .get();
      assertTrue(lastStep.tokensPerSecond() > 0);
      assertEquals(0, lastStep.etaSeconds(), 1e-9);
      assertTrue(lastStep.bar(20).contains("step 36/36"), lastStep.bar(20));
      assertEquals(3, events.stream().filter(e -> e.kind() == TrainingProgress.Kind.EVAL).count());

      LoraAdapter saved = PeftAdapterIO.load(out);
      assertEquals(model.toAdapter().tensors().keySet(), saved.tensors().keySet());
      assertTrue(Files.isRegularFile(out.resolve("training_history.json")));
      TemperatureScaling ts = TemperatureScaling.load(out);
      assertEquals(r.calibration().orElseThrow(), ts);
      assertEquals(48, ts.examples());
    }
  }

  /** Four short runs (about 5 s on an idle 2-core machine). */
  @Test
  void sameSeedGivesTheSameAdapterAndResumeIsExact(@TempDir Path dir) {
    LoraConfig lora = LoraConfig.of(4, 8).withDropout(0.1);
    TrainingConfig cfg = config().withEpochs(2);
    Map<String, FloatTensor> uninterrupted;
    List<EpochMetrics> uninterruptedHistory;
    try (LoraModel model = freshModel(lora, 5)) {
      uninterruptedHistory =
          new LoraTrainer(model, TinyTask.ENCODER, TinyTask.CATEGORIES, cfg)
              .train(TRAIN, VALID, dir.resolve("a"), e -> {}, () -> false)
              .history();
      uninterrupted = model.toAdapter().tensors();
    }
    try (LoraModel model = freshModel(lora, 5)) {
      new LoraTrainer(model, TinyTask.ENCODER, TinyTask.CATEGORIES, cfg)
          .train(TRAIN, VALID, dir.resolve("b"), e -> {}, () -> false);
      assertEquals(uninterrupted, model.toAdapter().tensors(), "same seed, same adapter");
    }
    // Cancel in the middle of epoch 0 (after 7 steps), resume in a new process-like setting.
    Path checkpoint;
    try (LoraModel model = freshModel(lora, 5)) {
      AtomicInteger steps = new AtomicInteger();
      TrainingResult r =
          new LoraTrainer(model, TinyTask.ENCODER, TinyTask.CATEGORIES, cfg)
              .train(
                  TRAIN,
                  VALID,
                  dir.resolve("c"),
                  e -> {
                    if (e.kind() == TrainingProgress.Kind.STEP) {
                      steps.incrementAndGet();
                    }
                  },
                  () -> steps.get() >= 7);
      assertEquals(TrainingResult.Status.CANCELLED, r.status());
      assertEquals(7, r.steps());
      checkpoint = r.checkpoint().orElseThrow();
      assertTrue(Files.isRegularFile(checkpoint.resolve("optimizer.safetensors")));
      assertFalse(
          Files.exists(checkpoint.resolveSibling(checkpoint.getFileName() + ".partial")),
          "a complete checkpoint leaves no .partial directory behind");
    }
    try (LoraModel model = freshModel(lora, 999)) { // initial A is overwritten by the checkpoint
      TrainingResult r =
          new LoraTrainer(model, TinyTask.ENCODER, TinyTask.CATEGORIES, cfg)
              .resume(checkpoint, TRAIN, VALID, dir.resolve("c"), e -> {}, () -> false);
      assertEquals(TrainingResult.Status.COMPLETED, r.status());
      assertEquals(24, r.steps());
      assertEquals(uninterrupted, model.toAdapter().tensors(), "resumed run ends identical");
      assertEquals(uninterruptedHistory, r.history(), "same validation figures and train loss");
      assertEquals(
          PeftAdapterIO.load(dir.resolve("a")).tensors(),
          PeftAdapterIO.load(dir.resolve("c")).tensors());
    }
  }

  /**
   * Regression: DJL's {@code mul(Number)}/{@code div(Number)} left autograd holding a scalar whose
   * Java buffer the garbage collector could free before backward ({@link
   * dev.qcat.inference.model.Scalars}). With a thread forcing collections all the time, the same
   * seed gave different adapters or NaN at step 1; it must give the same adapter as a run without.
   */
  @Test
  void theSameAdapterWhileTheGarbageCollectorRunsAllTheTime(@TempDir Path dir) throws Exception {
    LoraConfig lora = LoraConfig.of(4, 8).withDropout(0.1);
    TrainingConfig cfg = config().withEpochs(1);
    Map<String, FloatTensor> quiet;
    try (LoraModel model = freshModel(lora, 5)) {
      new LoraTrainer(model, TinyTask.ENCODER, TinyTask.CATEGORIES, cfg)
          .train(TRAIN, List.of(), dir.resolve("quiet"), e -> {}, () -> false);
      quiet = model.toAdapter().tensors();
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread collector =
        new Thread(
            () -> {
              while (!stop.get()) {
                System.gc();
                Thread.onSpinWait();
              }
            },
            "gc-hammer");
    collector.setDaemon(true);
    collector.start();
    try {
      for (int run = 0; run < 2; run++) {
        try (LoraModel model = freshModel(lora, 5)) {
          new LoraTrainer(model, TinyTask.ENCODER, TinyTask.CATEGORIES, cfg)
              .train(TRAIN, List.of(), dir.resolve("gc" + run), e -> {}, () -> false);
          assertEquals(quiet, model.toAdapter().tensors(), "run " + run + " under GC pressure");
        }
      }
    } finally {
      stop.set(true);
      collector.join();
    }
  }

  /**
   * The gradient of the answer-token loss with respect to every LoRA matrix of the tiny model,
   * checked along a random direction against a central finite difference.
   */
  @Test
  void loraGradientsOfTheModelAgreeWithFiniteDifferences() {
    try (LoraModel model = freshModel(LoraConfig.of(2, 4), 3);
        NDManager call = NDManager.newBaseManager()) {
      Random rnd = new Random(4);
      // Give B non-zero values so that A's gradient is not zero either.
      Map<String, FloatTensor> start = new LinkedHashMap<>();
      model.toAdapter().tensors().forEach((k, v) -> start.put(k, randomLike(v, rnd, 0.05)));
      LoraAdapter theta = new LoraAdapter(model.config(), start);
      model.setAdapter(theta);
      LoraTrainer trainer = new LoraTrainer(model, TinyTask.ENCODER, TinyTask.CATEGORIES, config());
      List<LoraTrainer.Encoded> batch = trainer.encodeAll(TinyTask.examples(6, 9));
      int[] all = {0, 1, 2, 3, 4, 5};
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(trainer.answerNllSum(call, batch, all));
      }
      Map<String, FloatTensor> direction = new LinkedHashMap<>();
      start.forEach((k, v) -> direction.put(k, randomLike(v, rnd, 1.0)));
      double analytic = 0;
      for (Map.Entry<String, NDArray> e : model.trainableParameters().entrySet()) {
        float[] g = e.getValue().getGradient().toFloatArray();
        float[] d = direction.get(e.getKey()).data();
        for (int i = 0; i < g.length; i++) {
          analytic += (double) g[i] * d[i];
        }
      }
      double eps = 1e-3;
      double plus = lossAt(model, trainer, call, batch, all, start, direction, eps);
      double minus = lossAt(model, trainer, call, batch, all, start, direction, -eps);
      double numeric = (plus - minus) / (2 * eps);
      assertTrue(Math.abs(analytic) > 1e-2, "direction is not degenerate: " + analytic);
      assertEquals(
          numeric, analytic, 2e-3 * Math.max(1, Math.abs(numeric)), "directional derivative");
    }
  }

  private static double lossAt(
      LoraModel model,
      LoraTrainer trainer,
      NDManager call,
      List<LoraTrainer.Encoded> batch,
      int[] all,
      Map<String, FloatTensor> start,
      Map<String, FloatTensor> direction,
      double t) {
    Map<String, FloatTensor> moved = new LinkedHashMap<>();
    start.forEach(
        (k, v) -> {
          float[] a = v.data().clone();
          float[] d = direction.get(k).data();
          for (int i = 0; i < a.length; i++) {
            a[i] += (float) (t * d[i]);
          }
          moved.put(k, new FloatTensor(v.shape(), a));
        });
    model.setAdapter(new LoraAdapter(model.config(), moved));
    try (NDManager sub = call.newSubManager()) {
      return trainer.answerNllSum(sub, batch, all).getFloat();
    }
  }

  private static FloatTensor randomLike(FloatTensor t, Random rnd, double scale) {
    float[] a = new float[t.data().length];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (scale * rnd.nextGaussian());
    }
    return new FloatTensor(t.shape(), a);
  }
}
