package dev.qcat.application;

import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.application.JobViews.ScheduleView;
import jakarta.ejb.Local;
import java.util.List;
import java.util.Map;

/**
 * Starts, stops and restarts the batch jobs of app-batch through the JobOperator, and edits their
 * schedules (issue 7). Implemented in app-batch, whose job XML the JobOperator must see.
 */
@Local
public interface JobControl {

  /**
   * Starts a job for a taxonomy.
   *
   * @param jobName dataset-import, lora-training, drift-check or retrain
   * @param parameters job parameters (see each job's XML); {@code taxonomyId} is added
   * @return the run (its batch status as far as known). Never null.
   * @throws NotFoundException if the taxonomy (or a dataset named in the parameters) is unknown
   * @throws JobConflictException if the job already runs for the taxonomy, or it trains and this
   *     server is not the training node
   * @throws IllegalArgumentException if the job name or a parameter is invalid
   */
  JobRunView start(String jobName, long taxonomyId, Map<String, String> parameters, String actor)
      throws NotFoundException, JobConflictException;

  /**
   * Restarts a STOPPED or FAILED job instance from its last checkpoint, with its parameters.
   *
   * @throws JobConflictException if it is running or completed, or it trains and this server is not
   *     the training node
   */
  JobRunView restart(long jobInstanceId, String actor)
      throws NotFoundException, JobConflictException;

  /**
   * Asks a running job instance to stop (training stops at the next optimizer step and keeps a
   * checkpoint).
   *
   * @throws JobConflictException if it is not running
   */
  JobRunView stop(long jobInstanceId, String actor) throws NotFoundException, JobConflictException;

  /**
   * @return the run with its batch status, progress and log. Never null.
   */
  JobRunView run(long jobInstanceId) throws NotFoundException;

  /**
   * @return runs, newest first (of one taxonomy, or all with null), at most {@code max}, with batch
   *     status, without logs. Never null.
   */
  List<JobRunView> runs(Long taxonomyId, int max);

  /**
   * @return bad lines of a dataset-import run by line number, at most {@code max}. Never null.
   */
  Map<Long, String> report(long jobInstanceId, int max) throws NotFoundException;

  /**
   * @return all schedules. Never null.
   */
  List<ScheduleView> schedules();

  /**
   * Creates or replaces the schedule of (taxonomy, job) and reprograms the timers.
   *
   * @throws IllegalArgumentException if the job name or expression is invalid
   */
  ScheduleView saveSchedule(
      long taxonomyId,
      String jobName,
      String cron,
      String parameters,
      boolean enabled,
      String actor)
      throws NotFoundException;

  /** Deletes a schedule and its timer. */
  void deleteSchedule(long id, String actor) throws NotFoundException;
}
