package dev.qcat.application.internal;

import dev.qcat.application.EvaluationRunner;
import dev.qcat.application.EvaluationService;
import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.domain.model.dataset.Split;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Singleton;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link EvaluationRunner} on the default {@code ManagedExecutorService}; a fair lock lets one
 * evaluation score at a time, so two never hold a model copy each on top of the serving one. A
 * cancel sets a flag that the run's progress listener reads after every batch: it throws {@link
 * CancellationException}, which ends {@link EvaluationService#evaluate} before anything is stored
 * and releases the model.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DefaultEvaluationRunner implements EvaluationRunner {

  private static final Logger LOG = Logger.getLogger(DefaultEvaluationRunner.class.getName());

  @Resource private ManagedExecutorService executor;
  @EJB private EvaluationService evaluations;

  private final Map<String, EvaluationRun> runs = new ConcurrentHashMap<>();
  private final Deque<String> order = new ConcurrentLinkedDeque<>();
  private final ReentrantLock oneAtATime = new ReentrantLock(true);
  private final Set<String> cancelRequested = ConcurrentHashMap.newKeySet();

  public DefaultEvaluationRunner() {}

  /** Outside a container (unit tests). */
  DefaultEvaluationRunner(ManagedExecutorService executor, EvaluationService evaluations) {
    this.executor = executor;
    this.evaluations = evaluations;
  }

  @Override
  public EvaluationRun start(long modelVersionId, long datasetId, Split split, String actor) {
    Objects.requireNonNull(split, "Split is required.");
    Objects.requireNonNull(actor, "Actor is required.");
    String id = UUID.randomUUID().toString();
    EvaluationRun queued =
        new EvaluationRun(
            id,
            modelVersionId,
            datasetId,
            split,
            actor,
            State.QUEUED,
            0,
            0,
            null,
            null,
            OffsetDateTime.now(),
            false);
    runs.put(id, queued);
    order.addFirst(id);
    forgetOldRuns();
    executor.execute(() -> run(queued));
    return queued;
  }

  private void run(EvaluationRun r) {
    oneAtATime.lock();
    try {
      if (cancelRequested.contains(r.id())) {
        update(r.id(), State.CANCELLED, 0, 0, null, null);
        LOG.info(() -> "evaluation run " + r.id() + " cancelled before it started");
        return;
      }
      update(r.id(), State.RUNNING, 0, 0, null, null);
      EvaluationView v =
          evaluations.evaluate(
              r.modelVersionId(),
              r.datasetId(),
              r.split(),
              r.actor(),
              (done, total) -> {
                if (cancelRequested.contains(r.id())) {
                  throw new CancellationException(
                      "evaluation run " + r.id() + " cancelled after " + done + " of " + total);
                }
                update(r.id(), State.RUNNING, done, total, null, null);
              });
      update(r.id(), State.DONE, v.examples(), v.examples(), v.id(), null);
      LOG.fine(() -> "evaluation run " + r.id() + " stored evaluation " + v.id());
    } catch (Exception e) {
      Throwable cause = e instanceof EJBException && e.getCause() != null ? e.getCause() : e;
      EvaluationRun now = runs.get(r.id());
      int done = now == null ? 0 : now.done();
      int total = now == null ? 0 : now.total();
      if (cause instanceof CancellationException) {
        LOG.info(cause::getMessage);
        update(r.id(), State.CANCELLED, done, total, null, null);
      } else {
        LOG.log(Level.WARNING, "evaluation run " + r.id() + " failed", cause);
        update(
            r.id(),
            State.FAILED,
            done,
            total,
            null,
            cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
      }
    } finally {
      cancelRequested.remove(r.id());
      oneAtATime.unlock();
    }
  }

  @Override
  public Optional<EvaluationRun> cancel(String runId) {
    EvaluationRun r = runId == null ? null : runs.get(runId);
    if (r == null) {
      return Optional.empty();
    }
    if (r.state().finished()) {
      return Optional.of(r);
    }
    cancelRequested.add(runId);
    LOG.info(() -> "evaluation run " + runId + ": cancel requested");
    return find(runId);
  }

  private void update(
      String id, State state, int done, int total, Long evaluationId, String error) {
    runs.computeIfPresent(
        id,
        (k, r) ->
            new EvaluationRun(
                r.id(),
                r.modelVersionId(),
                r.datasetId(),
                r.split(),
                r.actor(),
                state,
                done,
                total,
                evaluationId,
                error,
                r.queuedAt(),
                !state.finished() && cancelRequested.contains(id)));
  }

  private void forgetOldRuns() {
    List<String> all = new ArrayList<>(order);
    int finished = 0;
    for (String id : all) {
      EvaluationRun r = runs.get(id);
      if (r != null && r.state().finished() && ++finished > KEPT_RUNS) {
        runs.remove(id);
        order.remove(id);
      }
    }
  }

  @Override
  public Optional<EvaluationRun> find(String runId) {
    return Optional.ofNullable(runId == null ? null : runs.get(runId)).map(this::withCancelFlag);
  }

  /** The stored snapshot, marked cancelling when a cancel is pending. */
  private EvaluationRun withCancelFlag(EvaluationRun r) {
    boolean cancelling = !r.state().finished() && cancelRequested.contains(r.id());
    return cancelling == r.cancelling()
        ? r
        : new EvaluationRun(
            r.id(),
            r.modelVersionId(),
            r.datasetId(),
            r.split(),
            r.actor(),
            r.state(),
            r.done(),
            r.total(),
            r.evaluationId(),
            r.error(),
            r.queuedAt(),
            cancelling);
  }

  @Override
  public List<EvaluationRun> runs(long modelVersionId) {
    return runs.values().stream()
        .filter(r -> r.modelVersionId() == modelVersionId)
        .sorted(Comparator.comparing(EvaluationRun::queuedAt).reversed())
        .map(this::withCancelFlag)
        .toList();
  }
}
