package dev.qcat.domain.model.review;

/**
 * An already-labelled example whose text resembles a review task's question.
 *
 * @param exampleId the example's id
 * @param text the example's question text (plain text; show it escaped)
 * @param category the example's category name
 * @param similarity trigram similarity to the question, fraction in [0, 1] (pg_trgm {@code
 *     similarity()}: shared trigrams / trigrams of either text)
 */
public record SimilarExample(long exampleId, String text, String category, double similarity) {}
