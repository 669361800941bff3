/**
 * The Models page (admin): model versions with their last evaluation, one version's evaluation in
 * detail (per-category table, charts as PNG streamed by {@code EvaluationChartServlet}, the
 * threshold operating curve), "evaluate now" with progress, set threshold, activate and roll back.
 * Thin beans over {@code ModelLifecycleService}, {@code ModelVersionService}, {@code
 * EvaluationService} and {@code EvaluationRunner}; no metric is computed here.
 */
package dev.qcat.interfaces.web.model;
