package dev.qcat.interfaces.batch.schedule;

import dev.qcat.application.JobConflictException;
import dev.qcat.application.JobControl;
import dev.qcat.application.JobRecordService;
import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.application.JobViews.ScheduleView;
import dev.qcat.domain.model.job.CronSchedule;
import dev.qcat.domain.model.job.JobName;
import dev.qcat.domain.model.job.JobSchedule;
import dev.qcat.interfaces.batch.common.Node;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.batch.runtime.BatchStatus;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.ScheduleExpression;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts scheduled jobs. Each enabled {@link JobSchedule} becomes a programmatic calendar timer
 * ({@link ScheduleExpression} from its fields, server time zone), created at start-up and again
 * whenever a schedule is saved or deleted ({@link #reschedule}).
 *
 * <p>The database, not the timer store, is the memory: the timers are non-persistent and rebuilt
 * from {@code job_schedule} on every start, and a run missed while the server was down is found by
 * {@link CronSchedule#nextAfter} from the schedule's last firing and started once after start-up,
 * however many were missed. (Payara's persistent timers live in its own timer store — an H2 file or
 * the Hazelcast data grid — which a schedule edited in the portal, or another instance, does not
 * see; one source of truth avoids double or lost runs.) With several instances, each fires its
 * timers, and one conditional update of {@code last_fired_at} ({@link
 * JobRecordService#claimFiring}) lets exactly one of them start the job; the job's lock step keeps
 * two runs for one taxonomy apart in any case. Jobs that train are started only on the training
 * node.
 *
 * <p>At start-up it first recovers from a crash: executions recorded on this node that the job
 * repository still shows running, created before this JVM started, died with the previous JVM (kill
 * -9); they are marked FAILED so that they can be restarted (from their last checkpoint), and with
 * {@code qcat.jobs.restart-interrupted=true} they are restarted at once.
 */
@Singleton
@Startup
@DependsOn("app-domain.jar#SchemaMigration")
@TransactionManagement(TransactionManagementType.BEAN)
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class JobScheduler {

  private static final Logger LOG = Logger.getLogger(JobScheduler.class.getName());

  private static final EnumSet<BatchStatus> RUNNING =
      EnumSet.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING);

  @Resource private TimerService timers;
  @Inject private JobRecordService records;
  @EJB private JobControl control;

  /** Info of the one-shot timer that recovers interrupted jobs shortly after start-up. */
  private static final String RECOVERY = "recover-interrupted-jobs";

  @PostConstruct
  void start() {
    reschedule();
    // The batch runtime may not answer while applications are still starting: recover (and catch
    // up missed runs) from a timer a few seconds later.
    timers.createSingleActionTimer(5_000, new TimerConfig(RECOVERY, false));
  }

  private void afterStart() {
    try {
      recoverInterrupted();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "recovering interrupted jobs failed", e);
    }
    catchUpMissedRuns();
  }

  /** Marks executions that died with the previous JVM as FAILED (and restarts them if asked). */
  void recoverInterrupted() {
    boolean restart = Boolean.getBoolean("qcat.jobs.restart-interrupted");
    for (JobRunView r : records.runsOn(Node.name())) {
      boolean dead;
      try {
        // BatchJobControl.run marks a run that died with the previous JVM FAILED (the batch
        // runtime refuses this singleton's own JobOperator calls: JobSecurityException).
        String before = r.batchStatus();
        dead =
            "FAILED".equals(control.run(r.jobInstanceId()).batchStatus())
                && !"FAILED".equals(before);
      } catch (Exception e) {
        LOG.log(Level.WARNING, "cannot check job execution " + r.executionId(), e);
        continue;
      }
      if (dead && restart) {
        try {
          control.restart(r.jobInstanceId(), "recovery");
        } catch (Exception e) {
          records.log(r.jobInstanceId(), "automatic restart failed: " + e.getMessage());
        }
      }
    }
  }

  /** Rebuilds the timers from the stored schedules. */
  public synchronized void reschedule() {
    for (Timer t : timers.getTimers()) {
      if (RECOVERY.equals(t.getInfo())) {
        continue;
      }
      try {
        t.cancel();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "timer already gone", e);
      }
    }
    for (ScheduleView s : records.schedules()) {
      if (!s.enabled()) {
        continue;
      }
      String[] f = JobSchedule.fields(s.cron());
      ScheduleExpression e =
          new ScheduleExpression()
              .second(f[0])
              .minute(f[1])
              .hour(f[2])
              .dayOfMonth(f[3])
              .month(f[4])
              .dayOfWeek(f[5])
              .timezone(ZoneId.systemDefault().getId());
      timers.createCalendarTimer(e, new TimerConfig(s.id(), false));
    }
  }

  void catchUpMissedRuns() {
    ZonedDateTime now = ZonedDateTime.now();
    for (ScheduleView s : records.schedules()) {
      if (!s.enabled() || s.lastFiredAt() == null) {
        continue;
      }
      ZonedDateTime last = s.lastFiredAt().atZoneSameInstant(ZoneId.systemDefault());
      CronSchedule.parse(s.cron())
          .nextAfter(last)
          .filter(due -> due.isBefore(now))
          .ifPresent(due -> fire(s.id(), "missed run (due " + due + ")"));
    }
  }

  @Timeout
  void onTimer(Timer timer) {
    if (RECOVERY.equals(timer.getInfo())) {
      afterStart();
      return;
    }
    fire((Long) timer.getInfo(), "schedule");
  }

  private void fire(long scheduleId, String why) {
    ScheduleView s = records.schedule(scheduleId).orElse(null);
    if (s == null || !s.enabled()) {
      return;
    }
    if (JobName.of(s.jobName()).map(JobName::trains).orElse(false) && !Node.mayTrain()) {
      return; // the training node's timer starts it
    }
    if (!records.claimFiring(scheduleId)) {
      LOG.fine(() -> "schedule " + scheduleId + " fired on another instance");
      return;
    }
    try {
      var run = control.start(s.jobName(), s.taxonomyId(), parameters(s.parameters()), "scheduler");
      LOG.info(
          () ->
              "schedule "
                  + scheduleId
                  + " ("
                  + why
                  + ") started "
                  + s.jobName()
                  + " instance "
                  + run.jobInstanceId());
    } catch (JobConflictException e) {
      LOG.info(() -> "schedule " + scheduleId + " skipped: " + e.getMessage());
    } catch (Exception e) {
      LOG.log(Level.WARNING, "schedule " + scheduleId + " could not start " + s.jobName(), e);
    }
  }

  /** "key=value" lines (blank lines and # comments ignored). */
  static Map<String, String> parameters(String text) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value but got '" + l + "'");
      }
      m.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
    }
    return m;
  }
}
