package dev.qcat.domain.model.dataset;

/**
 * Which examples of a dataset to list; every part is optional (null: no restriction).
 *
 * @param search words that must occur in the text (PostgreSQL full-text search, {@code
 *     plainto_tsquery('english', …)}: stemmed, stop words ignored), or null
 * @param categoryId only examples of this category, or null
 * @param split only examples of this split, or null
 * @param source only examples from this source, or null
 */
public record ExampleFilter(String search, Long categoryId, Split split, ExampleSource source) {

  /** No restriction. */
  public static final ExampleFilter ALL = new ExampleFilter(null, null, null, null);

  public ExampleFilter {
    search = search == null || search.isBlank() ? null : search.strip();
  }
}
