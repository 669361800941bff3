/**
 * The drift dashboard (admin, issue 7): a taxonomy's drift checks as time series with their
 * thresholds, verdicts and reasons, the latest check per category, its batch jobs (history, log,
 * start by hand, stop, restart, training progress) and its job schedules. Thin beans over {@code
 * DriftService} and {@code JobControl}; the charts are Chart.js configurations built from what the
 * checks stored. No figure is computed here and no job logic lives here.
 */
package dev.qcat.interfaces.web.drift;
