/**
 * Job aggregate (issue 7): {@link JobRun}, qcat's record of one Jakarta Batch job instance
 * (taxonomy, node, progress, log, result) beside the batch runtime's own repository; {@link
 * JobSchedule}, the cron-like schedule of a job for a taxonomy; {@link JobName}, the jobs qcat
 * knows. No batch runtime or timer types here; those live in app-batch.
 */
package dev.qcat.domain.model.job;
