/**
 * ReviewTask aggregate: a prediction waiting for a human label, with its claim / release / resolve
 * / mark life cycle, outcome and note, and optimistic lock; the queue's filter and per-reviewer
 * counts; the {@code SimilarExamples} port (implemented with pg_trgm in infrastructure). The
 * resolution's effect on training data (an Example in the feedback dataset) is applied by the
 * review service, not here.
 */
package dev.qcat.domain.model.review;
