package dev.qcat.infrastructure.inference;

import dev.qcat.domain.model.question.Classification;
import dev.qcat.infrastructure.inference.LoadedModel.LabelScores;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One loaded model version serving a taxonomy, with its micro-batching worker.
 *
 * <p>Calls to {@link #submit} queue their questions; one worker thread takes the first waiting
 * request, then keeps collecting requests for up to {@code window} or until {@code maxBatch}
 * questions are gathered, and scores them in one {@link LoadedModel#score} call. {@link #retire}
 * closes the gate: requests accepted before it are still answered (the worker drains the queue up
 * to a poison pill), later ones get {@code null} from {@code submit} and go to the successor.
 */
public final class ServingModel {

  private static final Logger LOG = Logger.getLogger(ServingModel.class.getName());

  private final ModelSpec spec;
  private final double temperature;
  private final LoadedModel model;
  private final int maxBatch;
  private final long windowNanos;
  private final int topK;
  private final List<String> labelNames;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private boolean retiring;

  private record Request(List<String> questions, CompletableFuture<List<Classification>> answer) {}

  private static final Request POISON = new Request(List.of(), null);

  /**
   * Starts the worker.
   *
   * @param temperature calibration temperature T > 0
   * @param maxBatch most questions per forward pass, ≥ 1
   * @param windowMillis how long the worker waits for more requests once one arrived, ms ≥ 0
   * @param topK categories reported per question, ≥ 1
   */
  public ServingModel(
      ModelSpec spec,
      double temperature,
      LoadedModel model,
      int maxBatch,
      long windowMillis,
      int topK,
      ThreadFactory threads) {
    this.spec = spec;
    this.temperature = temperature;
    this.model = model;
    this.maxBatch = Math.max(1, maxBatch);
    this.windowNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, windowMillis));
    this.topK = Math.max(1, topK);
    this.labelNames = spec.labels().stream().map(ModelSpec.Label::name).toList();
    Thread worker = threads.newThread(this::work);
    worker.setName("qcat-inference-" + spec.modelVersionId());
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * Queues questions for the next batch.
   *
   * @return the future answer, or null if this model is retiring (ask the successor)
   */
  public CompletableFuture<List<Classification>> submit(List<String> questions) {
    gate.readLock().lock();
    try {
      if (retiring) {
        return null;
      }
      CompletableFuture<List<Classification>> answer = new CompletableFuture<>();
      queue.add(new Request(List.copyOf(questions), answer));
      return answer;
    } finally {
      gate.readLock().unlock();
    }
  }

  /**
   * Stops accepting requests; answers the accepted ones, then closes the model.
   *
   * @return completes when the model is closed. Never null.
   */
  public CompletableFuture<Void> retire() {
    gate.writeLock().lock();
    try {
      if (!retiring) {
        retiring = true;
        queue.add(POISON);
      }
    } finally {
      gate.writeLock().unlock();
    }
    return stopped;
  }

  /**
   * @return the spec this model was loaded with (labels, instruction). Never null.
   */
  public ModelSpec spec() {
    return spec;
  }

  public long modelVersionId() {
    return spec.modelVersionId();
  }

  /**
   * @return requests waiting for the worker
   */
  public int queueLength() {
    return queue.size();
  }

  private void work() {
    try {
      boolean poisoned = false;
      while (!poisoned) {
        Request first = queue.take();
        if (first == POISON) {
          break;
        }
        List<Request> batch = new ArrayList<>();
        batch.add(first);
        int size = first.questions().size();
        long deadline = System.nanoTime() + windowNanos;
        while (size < maxBatch) {
          long left = deadline - System.nanoTime();
          Request next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          if (next == POISON) {
            poisoned = true;
            break;
          }
          batch.add(next);
          size += next.questions().size();
        }
        run(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failAll(new IllegalStateException("inference worker interrupted"));
    } finally {
      try {
        model.close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "closing model version " + spec.modelVersionId() + " failed", e);
      }
      stopped.complete(null);
    }
  }

  private void run(List<Request> batch) {
    List<String> all = new ArrayList<>();
    batch.forEach(r -> all.addAll(r.questions()));
    try {
      List<LabelScores> scores = model.score(all);
      if (scores.size() != all.size()) {
        throw new IllegalStateException(
            "model returned " + scores.size() + " scores for " + all.size() + " questions");
      }
      int at = 0;
      for (Request r : batch) {
        List<Classification> out = new ArrayList<>(r.questions().size());
        for (int i = 0; i < r.questions().size(); i++, at++) {
          LabelScores s = scores.get(at);
          out.add(
              new Classification(
                  Calibration.topK(labelNames, s.logProbs(), temperature, topK),
                  spec.modelVersionId(),
                  s.errorBound()));
        }
        r.answer().complete(out);
      }
    } catch (RuntimeException | Error e) {
      LOG.log(Level.SEVERE, "scoring a batch of " + all.size() + " questions failed", e);
      batch.forEach(r -> r.answer().completeExceptionally(e));
    }
  }

  private void failAll(RuntimeException e) {
    Request r;
    while ((r = queue.poll()) != null) {
      if (r != POISON) {
        r.answer().completeExceptionally(e);
      }
    }
  }
}
