package dev.qcat.domain.model.job;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stores job runs, the per-taxonomy job locks and the line reports of import jobs. */
public interface JobRunRepository {

  void store(JobRun run);

  Optional<JobRun> findByInstance(long jobInstanceId);

  /**
   * @return runs, newest first, of one taxonomy (or all when null), at most {@code max}. Never
   *     null.
   */
  List<JobRun> list(Long taxonomyId, int max);

  /**
   * Takes the lock of (taxonomy, job) for a job instance when it is free or its holder is not
   * running any more. Runs in the caller's transaction; the row stays taken after commit until
   * {@link #unlock}.
   *
   * @param holderRunning tells whether the current holder's job instance is still running
   * @return true if the lock is now held for {@code jobInstanceId}
   */
  boolean tryLock(
      long taxonomyId,
      String jobName,
      long jobInstanceId,
      String node,
      java.util.function.LongPredicate holderRunning);

  /** Releases the lock of (taxonomy, job) if {@code jobInstanceId} holds it. */
  void unlock(long taxonomyId, String jobName, long jobInstanceId);

  /** Records a bad line of an import job (a line reported twice keeps its first reason). */
  void reportLine(long jobInstanceId, long lineNo, String reason);

  /**
   * @return bad lines of an import job by line number (ascending), at most {@code max}. Never null.
   */
  Map<Long, String> reportedLines(long jobInstanceId, int max);

  /**
   * @return runs recorded on {@code node} whose newest execution the batch job repository shows
   *     STARTING, STARTED or STOPPING. Never null.
   */
  List<JobRun> runningOn(String node);
}
