/**
 * The {@code evaluation} job: one batchlet that scores a model version on a dataset split through
 * the Models page's {@code EvaluationService} (which stores the {@code ModelEvaluation}) and
 * reports its progress on the job run.
 */
package dev.qcat.interfaces.batch.evaluation;
