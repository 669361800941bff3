/**
 * The {@code drift-check} job: one batchlet that runs app-domain's drift check for the taxonomy,
 * records the verdict in the job's result, and starts {@code retrain} on DRIFT when the taxonomy's
 * policy allows.
 */
package dev.qcat.interfaces.batch.drift;
