package dev.qcat.domain.model.dataset;

/**
 * One example to insert in bulk ({@link DatasetRepository#insertExamples}).
 *
 * @param categoryId id of a category of the dataset's taxonomy
 */
public record NewExample(String text, long categoryId, ExampleSource source, Split split) {}
