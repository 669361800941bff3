package dev.qcat.application.internal;

import dev.qcat.application.JobRecordService;
import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.application.JobViews.ScheduleView;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.job.JobName;
import dev.qcat.domain.model.job.JobRun;
import dev.qcat.domain.model.job.JobRunRepository;
import dev.qcat.domain.model.job.JobSchedule;
import dev.qcat.domain.model.job.JobScheduleRepository;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/** {@link JobRecordService}: each call its own transaction (REQUIRES_NEW). */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class DefaultJobRecordService implements JobRecordService {

  @Inject private JobRunRepository runs;
  @Inject private JobScheduleRepository schedules;
  @Inject private TaxonomyRepository taxonomies;
  @Inject private AuditLog audit;
  @PersistenceContext private EntityManager em;

  @Override
  public void begin(
      long jobInstanceId,
      long executionId,
      String jobName,
      Long taxonomyId,
      String node,
      String startedBy,
      String parameters) {
    Optional<JobRun> existing = runs.findByInstance(jobInstanceId);
    if (existing.isPresent()) {
      if (existing.get().lastExecutionId() != executionId) {
        existing.get().restarted(executionId, node, startedBy);
      }
      return;
    }
    JobRun r =
        new JobRun(jobInstanceId, executionId, jobName, taxonomyId, node, startedBy, parameters);
    r.append("started by " + startedBy + " as execution " + executionId + " on " + node);
    runs.store(r);
  }

  @Override
  public void restarted(long jobInstanceId, long executionId, String node, String by) {
    runs.findByInstance(jobInstanceId).ifPresent(r -> r.restarted(executionId, node, by));
  }

  @Override
  public void log(long jobInstanceId, String line) {
    runs.findByInstance(jobInstanceId).ifPresent(r -> r.append(line));
  }

  @Override
  public void progress(
      long jobInstanceId, long step, long totalSteps, double loss, double etaSeconds) {
    runs.findByInstance(jobInstanceId)
        .ifPresent(r -> r.progress(step, totalSteps, loss, etaSeconds));
  }

  @Override
  public void finish(long jobInstanceId, String resultJson) {
    runs.findByInstance(jobInstanceId).ifPresent(r -> r.finish(resultJson));
  }

  @Override
  public Optional<JobRunView> run(long jobInstanceId) {
    return runs.findByInstance(jobInstanceId).map(r -> JobRunView.of(r, null, null, true));
  }

  @Override
  public List<JobRunView> runs(Long taxonomyId, int max) {
    return runs.list(taxonomyId, max).stream()
        .map(r -> JobRunView.of(r, null, null, false))
        .toList();
  }

  @Override
  public List<JobRunView> runsOn(String node) {
    return runs.runningOn(node).stream().map(r -> JobRunView.of(r, null, null, false)).toList();
  }

  @Override
  public boolean tryLock(
      long taxonomyId, String jobName, long jobInstanceId, String node, LongPredicate running) {
    return runs.tryLock(taxonomyId, jobName, jobInstanceId, node, running);
  }

  @Override
  public void unlock(long taxonomyId, String jobName, long jobInstanceId) {
    runs.unlock(taxonomyId, jobName, jobInstanceId);
  }

  @Override
  public void reportLine(long jobInstanceId, long lineNo, String reason) {
    runs.reportLine(jobInstanceId, lineNo, reason);
  }

  @Override
  public Map<Long, String> reportedLines(long jobInstanceId, int max) {
    return runs.reportedLines(jobInstanceId, max);
  }

  @Override
  public List<ScheduleView> schedules() {
    return schedules.all().stream().map(ScheduleView::of).toList();
  }

  @Override
  public Optional<ScheduleView> schedule(long id) {
    return schedules.find(id).map(ScheduleView::of);
  }

  @Override
  public ScheduleView saveSchedule(
      long taxonomyId,
      String jobName,
      String cron,
      String parameters,
      boolean enabled,
      String actor)
      throws NotFoundException {
    taxonomies.find(taxonomyId).orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    JobName job =
        JobName.of(jobName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown job '"
                            + jobName
                            + "' (expected dataset-import, lora-training, evaluation, drift-check"
                            + " or retrain)"));
    Optional<JobSchedule> existing = schedules.find(taxonomyId, job.xmlName());
    JobSchedule s;
    if (existing.isPresent()) {
      s = existing.get();
      s.change(cron, parameters, enabled);
    } else {
      s = new JobSchedule(taxonomyId, job, cron, parameters);
      s.change(cron, parameters, enabled);
      schedules.store(s);
    }
    em.flush();
    audit.record(
        new AuditEvent(actor, "schedule.save", "JobSchedule", s.id(), job.xmlName() + " " + cron));
    return ScheduleView.of(s);
  }

  @Override
  public void deleteSchedule(long id, String actor) throws NotFoundException {
    JobSchedule s = schedules.find(id).orElseThrow(() -> new NotFoundException("Schedule", id));
    schedules.remove(s);
    audit.record(new AuditEvent(actor, "schedule.delete", "JobSchedule", id, s.jobName()));
  }

  @Override
  public boolean claimFiring(long scheduleId) {
    return em.createNativeQuery(
                "update job_schedule set last_fired_at = now() where id = ?1 and enabled and"
                    + " (last_fired_at is null or last_fired_at < now() - interval '5 seconds')")
            .setParameter(1, scheduleId)
            .executeUpdate()
        == 1;
  }

  @Override
  public int markExecutionsFailed(List<Long> executionIds, String why) {
    if (executionIds.isEmpty()
        || !Boolean.TRUE.equals(
            em.createNativeQuery("select to_regclass('executioninstancedata') is not null")
                .getSingleResult())) {
      return 0;
    }
    int n =
        em.createNativeQuery(
                "update executioninstancedata set batchstatus = 'FAILED', exitstatus = ?1,"
                    + " endtime = now(), updatetime = now() where jobexecid in (?2)"
                    + " and batchstatus in ('STARTING', 'STARTED', 'STOPPING')")
            .setParameter(1, why)
            .setParameter(2, executionIds)
            .executeUpdate();
    em.createNativeQuery(
            "update stepexecutioninstancedata set batchstatus = 'FAILED', exitstatus = ?1,"
                + " endtime = now() where jobexecid in (?2)"
                + " and batchstatus in ('STARTING', 'STARTED', 'STOPPING')")
        .setParameter(1, why)
        .setParameter(2, executionIds)
        .executeUpdate();
    return n;
  }
}
