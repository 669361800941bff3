package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.job.JobRun;
import dev.qcat.domain.model.job.JobRunRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * {@link JobRunRepository} on JPA; the lock is a row of {@code job_lock}.
 *
 * <p>Why a lock row and not an advisory lock: a job runs for minutes to hours, across many
 * transactions and pooled connections. {@code pg_try_advisory_xact_lock} ends with the transaction
 * that takes it, and a session-level advisory lock belongs to whichever pooled connection took it
 * (returned to the pool, it stays held by a connection nobody owns, or is lost when the pool
 * recycles it). A row survives commits, is visible to every server on the database, records which
 * job instance and node hold it (for the dashboard), and can be taken over when that instance no
 * longer runs (its server died). Taking it is one {@code insert … on conflict do nothing}, then,
 * when present, {@code select … for update} of the row, so two servers racing for a free or stale
 * lock serialise on the row and exactly one wins.
 */
@ApplicationScoped
public class JpaJobRunRepository implements JobRunRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public void store(JobRun run) {
    if (run.id() == null) {
      em.persist(run);
    }
  }

  @Override
  public Optional<JobRun> findByInstance(long jobInstanceId) {
    return em.createQuery("select r from JobRun r where r.jobInstanceId = :i", JobRun.class)
        .setParameter("i", jobInstanceId)
        .getResultStream()
        .findFirst();
  }

  @Override
  public List<JobRun> list(Long taxonomyId, int max) {
    var q =
        taxonomyId == null
            ? em.createQuery("select r from JobRun r order by r.id desc", JobRun.class)
            : em.createQuery(
                    "select r from JobRun r where r.taxonomyId = :t order by r.id desc",
                    JobRun.class)
                .setParameter("t", taxonomyId);
    return q.setMaxResults(max).getResultList();
  }

  @Override
  public boolean tryLock(
      long taxonomyId,
      String jobName,
      long jobInstanceId,
      String node,
      LongPredicate holderRunning) {
    int inserted =
        em.createNativeQuery(
                "insert into job_lock (taxonomy_id, job_name, job_instance_id, node)"
                    + " values (?1, ?2, ?3, ?4) on conflict (taxonomy_id, job_name) do nothing")
            .setParameter(1, taxonomyId)
            .setParameter(2, jobName)
            .setParameter(3, jobInstanceId)
            .setParameter(4, node)
            .executeUpdate();
    if (inserted == 1) {
      return true;
    }
    List<?> holder =
        em.createNativeQuery(
                "select job_instance_id from job_lock where taxonomy_id = ?1 and job_name = ?2"
                    + " for update")
            .setParameter(1, taxonomyId)
            .setParameter(2, jobName)
            .getResultList();
    if (holder.isEmpty()) { // released in between: try once more
      return em.createNativeQuery(
                  "insert into job_lock (taxonomy_id, job_name, job_instance_id, node)"
                      + " values (?1, ?2, ?3, ?4) on conflict (taxonomy_id, job_name) do nothing")
              .setParameter(1, taxonomyId)
              .setParameter(2, jobName)
              .setParameter(3, jobInstanceId)
              .setParameter(4, node)
              .executeUpdate()
          == 1;
    }
    Object h = holder.get(0);
    if (h != null) {
      long held = ((Number) h).longValue();
      if (held != jobInstanceId && holderRunning.test(held)) {
        return false;
      }
    }
    em.createNativeQuery(
            "update job_lock set job_instance_id = ?3, node = ?4, acquired_at = now()"
                + " where taxonomy_id = ?1 and job_name = ?2")
        .setParameter(1, taxonomyId)
        .setParameter(2, jobName)
        .setParameter(3, jobInstanceId)
        .setParameter(4, node)
        .executeUpdate();
    return true;
  }

  @Override
  public void unlock(long taxonomyId, String jobName, long jobInstanceId) {
    em.createNativeQuery(
            "delete from job_lock where taxonomy_id = ?1 and job_name = ?2"
                + " and job_instance_id = ?3")
        .setParameter(1, taxonomyId)
        .setParameter(2, jobName)
        .setParameter(3, jobInstanceId)
        .executeUpdate();
  }

  @Override
  public void reportLine(long jobInstanceId, long lineNo, String reason) {
    em.createNativeQuery(
            "insert into job_report_line (job_instance_id, line_no, reason) values (?1, ?2, ?3)"
                + " on conflict do nothing")
        .setParameter(1, jobInstanceId)
        .setParameter(2, lineNo)
        .setParameter(3, reason)
        .executeUpdate();
  }

  @Override
  public Map<Long, String> reportedLines(long jobInstanceId, int max) {
    List<?> rows =
        em.createNativeQuery(
                "select line_no, reason from job_report_line where job_instance_id = ?1"
                    + " order by line_no")
            .setParameter(1, jobInstanceId)
            .setMaxResults(max)
            .getResultList();
    Map<Long, String> out = new LinkedHashMap<>();
    for (Object row : rows) {
      Object[] r = (Object[]) row;
      out.put(((Number) r[0]).longValue(), (String) r[1]);
    }
    return out;
  }

  @Override
  public List<JobRun> runningOn(String node) {
    List<?> ids =
        em.createNativeQuery(
                "select r.id from job_run r join executioninstancedata e"
                    + " on e.jobexecid = r.last_execution_id where r.node = ?1"
                    + " and e.batchstatus in ('STARTING', 'STARTED', 'STOPPING')")
            .setParameter(1, node)
            .getResultList();
    return ids.stream().map(id -> em.find(JobRun.class, ((Number) id).longValue())).toList();
  }
}
