package dev.qcat.application;

import dev.qcat.domain.model.dataset.Split;
import jakarta.ejb.Local;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Runs {@link EvaluationService#evaluate} in the background on the server's {@code
 * ManagedExecutorService} and tracks its progress, for the portal's "evaluate now". One evaluation
 * runs at a time per server (each loads a model of its own); later ones wait as QUEUED. Runs are
 * kept in memory on the server that started them (the last {@value #KEPT_RUNS}); the stored results
 * are the {@code ModelEvaluation}s.
 */
@Local
public interface EvaluationRunner {

  /** How many finished runs are remembered. */
  int KEPT_RUNS = 50;

  /**
   * Queues an evaluation and returns at once.
   *
   * @param actor who asked, for the audit event
   * @return the run, QUEUED. Never null.
   */
  EvaluationRun start(long modelVersionId, long datasetId, Split split, String actor);

  /**
   * Asks a run to stop. A QUEUED run ends without scoring; a RUNNING one stops after the batch it
   * is scoring (or right after its model is loaded), releases its model and stores nothing. The run
   * turns CANCELLED once it has really stopped; until then it shows {@code cancelling}.
   *
   * @return the run as it is now ({@code cancelling} when the request was taken; a run that had
   *     already finished is returned unchanged), or empty when this server does not know it
   */
  Optional<EvaluationRun> cancel(String runId);

  /**
   * @return the run with this id, if this server still remembers it
   */
  Optional<EvaluationRun> find(String runId);

  /**
   * @return this server's runs of the model version, newest first. Never null.
   */
  List<EvaluationRun> runs(long modelVersionId);

  /** Where a run is. */
  enum State {
    QUEUED,
    RUNNING,
    DONE,
    FAILED,
    /** Stopped on request (see {@link EvaluationRunner#cancel}); nothing was stored. */
    CANCELLED;

    public boolean finished() {
      return this == DONE || this == FAILED || this == CANCELLED;
    }
  }

  /**
   * A snapshot of one run.
   *
   * @param id opaque run id
   * @param done examples scored, in [0, total]
   * @param total examples to score; 0 while the model loads
   * @param evaluationId the stored evaluation once DONE, else null
   * @param error why it FAILED, else null
   * @param cancelling a cancel was asked for and the run has not stopped yet
   */
  record EvaluationRun(
      String id,
      long modelVersionId,
      long datasetId,
      Split split,
      String actor,
      State state,
      int done,
      int total,
      Long evaluationId,
      String error,
      OffsetDateTime queuedAt,
      boolean cancelling) {

    /**
     * @return progress in whole percent, 0–100 (100 once DONE)
     */
    public int percent() {
      if (state == State.DONE) {
        return 100;
      }
      return total == 0 ? 0 : (int) Math.min(99, 100L * done / total);
    }
  }
}
