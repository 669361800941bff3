package dev.qcat.domain.model.dataset;

/**
 * A light projection of one example, for whole-dataset work (duplicates, splitting).
 *
 * @param category the category's name
 */
public record ExampleRow(long id, String text, String category, Split split) {}
