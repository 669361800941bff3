/**
 * Drift aggregate (DESIGN.md §1, issue 7): a taxonomy's {@link DriftPolicy} (thresholds and
 * retraining policy), the {@link DriftCheck}s of its ACTIVE model, and {@link DriftAssessment}, the
 * pure computation of a check's figures and verdict. No batch, HTTP or model-loading types here;
 * the statistics (PSI, KS, macro-F1) come from app-inference's {@code scoring} package.
 */
package dev.qcat.domain.model.drift;
