package dev.qcat.interfaces.rest.dto;

/**
 * Body of {@code PUT /schedules}: creates or replaces the schedule of (taxonomy, job).
 *
 * @param cron 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first)
 * @param parameters job parameters as "key=value" lines, or null
 * @param enabled null for true
 */
public record ScheduleRequest(
    Long taxonomyId, String job, String cron, String parameters, Boolean enabled) {}
