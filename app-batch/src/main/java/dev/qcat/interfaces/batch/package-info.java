/**
 * The batch side of qcat (issue 7): {@link dev.qcat.interfaces.batch.BatchJobControl} starts, stops
 * and restarts the Jakarta Batch jobs of {@code META-INF/batch-jobs} through the JobOperator;
 * sub-packages hold each job's artifacts ({@code datasetimport}, {@code training}, {@code drift}),
 * what every job shares ({@code common}: the lock step, the job listener) and the scheduler ({@code
 * schedule}). Domain work is delegated to app-domain's services; no entities or SQL here.
 */
package dev.qcat.interfaces.batch;
