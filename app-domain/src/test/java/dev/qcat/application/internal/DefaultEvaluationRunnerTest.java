package dev.qcat.application.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qcat.application.EvaluationRunner.EvaluationRun;
import dev.qcat.application.EvaluationRunner.State;
import dev.qcat.application.EvaluationService;
import dev.qcat.domain.model.dataset.Split;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cancelling an evaluation run: the scoring loop of a (fake) {@link EvaluationService} really stops
 * at the next batch, nothing is stored, and the next queued run gets the lock.
 */
class DefaultEvaluationRunnerTest {

  private static final int TOTAL = 1_000;

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  /** A ManagedExecutorService that runs tasks on {@link #threads}. */
  private ManagedExecutorService executor() {
    return (ManagedExecutorService)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {ManagedExecutorService.class},
            (proxy, method, args) -> method.invoke(threads, args));
  }

  /**
   * Scores {@value #TOTAL} examples in batches of 16, 5 ms each, telling the listener after every
   * batch, as {@code DefaultEvaluationService} does; counts the batches scored and the stores.
   */
  private static class FakeEvaluations implements EvaluationService {
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger stored = new AtomicInteger();
    final CountDownLatch started = new CountDownLatch(1);

    @Override
    public EvaluationView evaluate(
        long modelVersionId, long datasetId, Split split, String actor, ProgressListener progress) {
      progress.progress(0, TOTAL);
      started.countDown();
      for (int done = 0; done < TOTAL; ) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        batches.incrementAndGet();
        done = Math.min(TOTAL, done + BATCH_SIZE);
        progress.progress(done, TOTAL);
      }
      stored.incrementAndGet();
      return new EvaluationView(
          7,
          modelVersionId,
          "v",
          datasetId,
          "d",
          split.name(),
          null,
          actor,
          0,
          TOTAL,
          0,
          1,
          1,
          0,
          0,
          null,
          1,
          null,
          0.75,
          0,
          null);
    }

    @Override
    public java.util.Optional<EvaluationView> latest(long modelVersionId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<EvaluationView> list(long modelVersionId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public EvaluationDetail detail(long evaluationId) {
      throw new UnsupportedOperationException();
    }
  }

  private static EvaluationRun waitFor(
      DefaultEvaluationRunner runner, String id, java.util.function.Predicate<EvaluationRun> p)
      throws InterruptedException {
    for (int i = 0; i < 1_000; i++) {
      EvaluationRun r = runner.find(id).orElseThrow();
      if (p.test(r)) {
        return r;
      }
      Thread.sleep(10);
    }
    fail("run " + id + " never reached the expected state: " + runner.find(id));
    return null;
  }

  @Test
  void cancelStopsTheScoringLoopAndStoresNothing() throws Exception {
    FakeEvaluations evaluations = new FakeEvaluations();
    DefaultEvaluationRunner runner = new DefaultEvaluationRunner(executor(), evaluations);
    EvaluationRun run = runner.start(1, 2, Split.TEST, "admin");
    assertTrue(evaluations.started.await(10, TimeUnit.SECONDS));
    waitFor(runner, run.id(), r -> r.done() >= 3 * EvaluationService.BATCH_SIZE);

    EvaluationRun asked = runner.cancel(run.id()).orElseThrow();
    assertTrue(asked.cancelling() || asked.state() == State.CANCELLED, asked.toString());

    EvaluationRun cancelled = waitFor(runner, run.id(), r -> r.state().finished());
    assertEquals(State.CANCELLED, cancelled.state(), cancelled.toString());
    assertFalse(cancelled.cancelling());
    assertNull(cancelled.evaluationId());
    assertNull(cancelled.error());
    assertTrue(cancelled.done() < TOTAL, "stopped early: " + cancelled);
    assertEquals(0, evaluations.stored.get(), "nothing stored");
    int batches = evaluations.batches.get();
    Thread.sleep(100);
    assertEquals(batches, evaluations.batches.get(), "no batch is scored after the cancel");

    // A finished run is returned unchanged; an unknown one is empty.
    assertEquals(State.CANCELLED, runner.cancel(run.id()).orElseThrow().state());
    assertTrue(runner.cancel("no-such-run").isEmpty());
  }

  @Test
  void cancelledQueuedRunNeverStartsAndTheNextOneRuns() throws Exception {
    FakeEvaluations evaluations = new FakeEvaluations();
    DefaultEvaluationRunner runner = new DefaultEvaluationRunner(executor(), evaluations);
    EvaluationRun first = runner.start(1, 2, Split.TEST, "admin");
    assertTrue(evaluations.started.await(10, TimeUnit.SECONDS));
    EvaluationRun second = runner.start(1, 2, Split.TEST, "admin");
    EvaluationRun third = runner.start(1, 2, Split.VALIDATION, "admin");
    assertEquals(State.QUEUED, runner.find(second.id()).orElseThrow().state());

    assertTrue(runner.cancel(second.id()).orElseThrow().cancelling());
    EvaluationRun done = waitFor(runner, first.id(), r -> r.state().finished());
    assertEquals(State.DONE, done.state());
    EvaluationRun skipped = waitFor(runner, second.id(), r -> r.state().finished());
    assertEquals(State.CANCELLED, skipped.state());
    assertEquals(0, skipped.done());
    EvaluationRun next = waitFor(runner, third.id(), r -> r.state().finished());
    assertEquals(State.DONE, next.state(), "the lock was released for the next run");
    assertEquals(2, evaluations.stored.get());
  }

  @Test
  void cancellationExceptionWrappedLikeAnEjbCallIsReportedAsCancelled() throws Exception {
    // The container wraps the listener's CancellationException in an EJBException.
    EvaluationService wrapping =
        new FakeEvaluations() {
          @Override
          public EvaluationView evaluate(
              long v, long d, Split s, String a, ProgressListener progress) {
            try {
              return super.evaluate(v, d, s, a, progress);
            } catch (CancellationException e) {
              throw new jakarta.ejb.EJBException(e);
            }
          }
        };
    DefaultEvaluationRunner runner = new DefaultEvaluationRunner(executor(), wrapping);
    EvaluationRun run = runner.start(1, 2, Split.TEST, "admin");
    waitFor(runner, run.id(), r -> r.done() > 0);
    runner.cancel(run.id());
    assertEquals(State.CANCELLED, waitFor(runner, run.id(), r -> r.state().finished()).state());
  }
}
