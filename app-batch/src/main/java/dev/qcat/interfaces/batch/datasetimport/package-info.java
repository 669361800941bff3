/**
 * The chunk-oriented {@code dataset-import} job: {@link
 * dev.qcat.interfaces.batch.datasetimport.ImportLineReader} streams a seed-format JSONL file line
 * by line (checkpoint = the line number reached), {@link
 * dev.qcat.interfaces.batch.datasetimport.ImportLineProcessor} validates a line or throws the
 * skippable {@link dev.qcat.interfaces.batch.datasetimport.BadLineException}, {@link
 * dev.qcat.interfaces.batch.datasetimport.ImportExampleWriter} stores a chunk in one batch, and
 * {@link dev.qcat.interfaces.batch.datasetimport.ImportReportListener} writes each skipped line
 * with its reason to the import report.
 */
package dev.qcat.interfaces.batch.datasetimport;
