package dev.qcat.application;

import dev.qcat.application.Views.ExampleView;
import dev.qcat.domain.model.dataset.ExampleFilter;
import dev.qcat.domain.model.dataset.Split;
import jakarta.ejb.Local;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Curates the examples of a dataset: browse, search and filter one page at a time, edit, delete,
 * move between splits, re-split stratified, find duplicates and train/validation/test leakage, and
 * count examples per category and split. Every change is recorded as an audit event.
 */
@Local
public interface DatasetService {

  /**
   * @return how many examples of the dataset pass the filter
   * @throws NotFoundException if the dataset does not exist
   */
  long count(long datasetId, ExampleFilter filter) throws NotFoundException;

  /**
   * @return examples of the dataset that pass the filter, in id order, from {@code first}, at most
   *     {@code max}. Never null.
   */
  List<ExampleView> page(long datasetId, ExampleFilter filter, int first, int max)
      throws NotFoundException;

  /**
   * Corrects an example.
   *
   * @param category name of an active category of the dataset's taxonomy
   * @param maxTextLength longest text accepted, characters
   * @return the example as stored. Never null.
   * @throws IllegalArgumentException if the text is blank or too long or the category is not an
   *     active one of the taxonomy
   */
  ExampleView edit(
      long exampleId, String text, String category, Split split, int maxTextLength, String actor)
      throws NotFoundException;

  /** Deletes an example; the audit event keeps its text, category and split. */
  void delete(long exampleId, String actor) throws NotFoundException;

  /**
   * Moves examples of the dataset to a split.
   *
   * @return the number moved (ids of other datasets are ignored)
   */
  int moveToSplit(long datasetId, Collection<Long> exampleIds, Split split, String actor)
      throws NotFoundException;

  /**
   * Splits the dataset again, stratified by category, reproducibly from {@code seed}
   * (app-inference's {@code StratifiedSplitter}: examples with the same normalised text stay
   * together, so the split makes no leakage). With {@code testFraction} 0 the TEST examples stay as
   * they are and the others are divided into TRAIN and VALIDATION; otherwise every example is
   * divided into all three.
   *
   * @param validationFraction share of all examples re-split that go to VALIDATION, in (0, 1)
   * @param testFraction share that go to TEST, in [0, 1), with validation + test &lt; 1
   * @return example count per split afterwards. Never null.
   * @throws IllegalArgumentException if the fractions are out of range
   */
  Map<Split, Long> resplit(
      long datasetId, double validationFraction, double testFraction, long seed, String actor)
      throws NotFoundException;

  /**
   * Duplicate questions within a split and across splits (leakage), exact and normalised, found by
   * app-inference's {@code DuplicateDetector} over the whole dataset.
   *
   * @param maxGroups most groups listed (the counts cover all)
   * @return the report. Never null.
   */
  Views.DuplicatesView duplicates(long datasetId, int maxGroups) throws NotFoundException;

  /**
   * @return per category of the taxonomy (active ones, and retired ones that still have examples),
   *     the example count per split, largest total first. Never null.
   */
  List<Views.BalanceRow> balance(long datasetId) throws NotFoundException;
}
