package dev.qcat.domain.model.evaluation;

/**
 * One point of the routing operating curve (DESIGN.md §2): at a review threshold, the share of
 * predictions sent to review (calibrated confidence below the threshold) and the accuracy of the
 * ones routed automatically (confidence ≥ the threshold).
 *
 * @param threshold review threshold, fraction in [0, 1]
 * @param reviewShare share of evaluated examples that would go to review, fraction in [0, 1]
 * @param autoRouted number of evaluated examples routed automatically
 * @param autoAccuracy accuracy of those, fraction in [0, 1]; NaN when none is auto-routed
 */
public record OperatingPoint(
    double threshold, double reviewShare, long autoRouted, double autoAccuracy) {}
