/**
 * ModelEvaluation aggregate: the figures of one model version scored on one split of one dataset
 * (accuracy, macro-F1, ECE, NLL, per-category metrics, confusion matrix, reliability bins and the
 * routing operating curve), with the value objects that carry them. Evaluations are append-only.
 * Scoring and the metric arithmetic live elsewhere (the inference adapter and app-inference's
 * {@code scoring} / {@code calibration}); here are only the stored results.
 */
package dev.qcat.domain.model.evaluation;
