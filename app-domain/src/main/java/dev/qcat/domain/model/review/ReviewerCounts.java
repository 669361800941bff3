package dev.qcat.domain.model.review;

/**
 * How many tasks one reviewer closed, by outcome, today and in all time.
 *
 * @param reviewer the reviewer's user name
 * @param labelledToday tasks resolved with a category since the start of today (server time zone)
 * @param ambiguousToday tasks marked ambiguous today
 * @param newCategoryToday tasks marked "needs a new category" today
 * @param labelled tasks resolved with a category, all time
 * @param ambiguous tasks marked ambiguous, all time
 * @param newCategory tasks marked "needs a new category", all time
 */
public record ReviewerCounts(
    String reviewer,
    long labelledToday,
    long ambiguousToday,
    long newCategoryToday,
    long labelled,
    long ambiguous,
    long newCategory) {

  /** All outcomes today. */
  public long totalToday() {
    return labelledToday + ambiguousToday + newCategoryToday;
  }

  /** All outcomes, all time. */
  public long total() {
    return labelled + ambiguous + newCategory;
  }
}
