package dev.qcat.application;

import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.application.JobViews.ScheduleView;
import jakarta.ejb.Local;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * qcat's bookkeeping of batch jobs (job runs, locks, import reports, schedules). Every method runs
 * in its own transaction, so what a job records stays recorded whatever happens to the job's own
 * work afterwards.
 */
@Local
public interface JobRecordService {

  /**
   * Records a job instance when its execution begins: a new run, or, for a restart, the run pointed
   * at the new execution.
   */
  void begin(
      long jobInstanceId,
      long executionId,
      String jobName,
      Long taxonomyId,
      String node,
      String startedBy,
      String parameters);

  /** Points a run at a new execution after a restart. */
  void restarted(long jobInstanceId, long executionId, String node, String by);

  /** Appends a line to a run's log; ignored for an unknown instance. */
  void log(long jobInstanceId, String line);

  /** Records training progress (see {@code JobRun.progress}). */
  void progress(long jobInstanceId, long step, long totalSteps, double loss, double etaSeconds);

  /** Stores a run's result (a JSON object). */
  void finish(long jobInstanceId, String resultJson);

  /**
   * @return the run of a job instance, with its log, batch status unset
   */
  Optional<JobRunView> run(long jobInstanceId);

  /**
   * @return runs, newest first (of one taxonomy, or all with null), at most {@code max}, without
   *     logs. Never null.
   */
  List<JobRunView> runs(Long taxonomyId, int max);

  /**
   * @return runs recorded on {@code node} whose newest execution the batch job repository still
   *     shows running (after a crash: executions that died with the server). Never null.
   */
  List<JobRunView> runsOn(String node);

  /** See {@code JobRunRepository.tryLock}. */
  boolean tryLock(
      long taxonomyId, String jobName, long jobInstanceId, String node, LongPredicate running);

  void unlock(long taxonomyId, String jobName, long jobInstanceId);

  /** Records a bad input line of an import job. */
  void reportLine(long jobInstanceId, long lineNo, String reason);

  /**
   * @return bad lines by line number, ascending, at most {@code max}. Never null.
   */
  Map<Long, String> reportedLines(long jobInstanceId, int max);

  /**
   * @return all schedules. Never null.
   */
  List<ScheduleView> schedules();

  Optional<ScheduleView> schedule(long id);

  /**
   * Creates or replaces the schedule of (taxonomy, job).
   *
   * @throws NotFoundException if the taxonomy does not exist
   * @throws IllegalArgumentException if the job name or the expression is invalid
   */
  ScheduleView saveSchedule(
      long taxonomyId,
      String jobName,
      String cron,
      String parameters,
      boolean enabled,
      String actor)
      throws NotFoundException;

  /**
   * @throws NotFoundException if there is no such schedule
   */
  void deleteSchedule(long id, String actor) throws NotFoundException;

  /**
   * Claims the current firing of a schedule for this server: sets its last firing to now unless
   * another server did so within the last 5 seconds (one conditional update, so exactly one of
   * several servers whose timers fire together wins).
   *
   * @return true if this server should start the job
   */
  boolean claimFiring(long scheduleId);

  /**
   * Marks executions of the batch runtime's repository as FAILED (they were running on a server
   * that died: kill -9, power loss), so they show the truth and can be restarted.
   *
   * @return how many executions were marked
   */
  int markExecutionsFailed(List<Long> executionIds, String why);
}
