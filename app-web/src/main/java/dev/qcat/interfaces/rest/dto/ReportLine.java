package dev.qcat.interfaces.rest.dto;

/**
 * One skipped line of an import job.
 *
 * @param line line number in the file, from 1
 * @param reason why it was skipped
 */
public record ReportLine(long line, String reason) {}
