package dev.qcat.infrastructure.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.domain.model.question.Classification;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServingModelTest {

  private static final ModelSpec SPEC =
      new ModelSpec(
          7,
          "test",
          Optional.empty(),
          "NONE",
          "Categorize",
          List.of(
              new ModelSpec.Label("card", Optional.empty()),
              new ModelSpec.Label("loan", Optional.empty())));

  /** Scores "card" high when the text contains it; records batch sizes; may block. */
  static final class RecordingModel implements LoadedModel {
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final CountDownLatch release;
    volatile boolean closed;

    RecordingModel(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public List<LabelScores> score(List<String> questions) {
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      batchSizes.add(questions.size());
      List<LabelScores> out = new ArrayList<>();
      for (String q : questions) {
        out.add(
            new LabelScores(q.contains("card") ? new double[] {0, -5} : new double[] {-5, 0}, 0));
      }
      return out;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void batchesRequestsThatArriveWhileTheModelIsBusy() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingModel model = new RecordingModel(release);
    ServingModel serving = new ServingModel(SPEC, 1.0, model, 16, 50, 2, Thread::new);
    List<CompletableFuture<List<Classification>>> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      answers.add(serving.submit(List.of("my card " + i)));
    }
    release.countDown();
    for (var a : answers) {
      assertEquals("card", a.get(5, TimeUnit.SECONDS).get(0).best().category());
    }
    assertTrue(model.batchSizes.size() < 5, "expected fewer batches than requests");
  }

  @Test
  void retireAnswersAcceptedRequestsThenClosesTheModel() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingModel model = new RecordingModel(release);
    ServingModel serving = new ServingModel(SPEC, 1.0, model, 1, 0, 2, Thread::new);
    var first = serving.submit(List.of("a loan"));
    var second = serving.submit(List.of("my card"));
    CompletableFuture<Void> stopped = serving.retire();
    assertNull(serving.submit(List.of("too late")), "a retiring model takes no new requests");
    release.countDown();
    assertEquals("loan", first.get(5, TimeUnit.SECONDS).get(0).best().category());
    assertEquals("card", second.get(5, TimeUnit.SECONDS).get(0).best().category());
    stopped.get(5, TimeUnit.SECONDS);
    assertTrue(model.closed);
  }
}
