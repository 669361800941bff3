/**
 * ReviewTask aggregate: a prediction waiting for a human label, with its claim/resolve life cycle
 * and optimistic lock. The resolution's effect on training data (an Example in the feedback
 * dataset) is applied by the review service, not here.
 */
package dev.qcat.domain.model.review;
