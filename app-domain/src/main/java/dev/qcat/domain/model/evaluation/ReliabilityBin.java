package dev.qcat.domain.model.evaluation;

/**
 * One equal-width confidence bin of a reliability diagram (Guo et al. 2017, eq. 3; 15 bins, as
 * DESIGN.md §2 prescribes): bin m holds the predictions whose top-1 confidence is in (lower,
 * upper].
 *
 * @param lower lower edge, fraction in [0, 1] (exclusive, except for the first bin)
 * @param upper upper edge (inclusive), fraction in [0, 1]
 * @param count predictions in the bin
 * @param meanConfidence their mean confidence, fraction in [0, 1]; NaN when empty
 * @param accuracy their share of correct predictions, fraction in [0, 1]; NaN when empty
 */
public record ReliabilityBin(
    double lower, double upper, long count, double meanConfidence, double accuracy) {}
