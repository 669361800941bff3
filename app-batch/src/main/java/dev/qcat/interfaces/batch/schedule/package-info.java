/**
 * Schedules and crash recovery: {@link dev.qcat.interfaces.batch.schedule.JobScheduler} turns the
 * stored schedules into EJB calendar timers, catches up a run missed while the server was down, and
 * at start-up marks executions that were running when this server died as FAILED so they can be
 * restarted.
 */
package dev.qcat.interfaces.batch.schedule;
