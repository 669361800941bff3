/**
 * MicroProfile Health (readiness: models loaded and database reachable; liveness) and Metrics
 * (classification latency histogram, predictions per category, review-queue depth gauge).
 */
package dev.qcat.interfaces.health;
