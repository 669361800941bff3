package dev.qcat.domain.model.dataset;

import java.util.List;
import java.util.Optional;

/** Stores datasets and their examples. */
public interface DatasetRepository {

  Optional<Dataset> find(long id);

  /**
   * @return the feedback dataset of the taxonomy, if one was created
   */
  Optional<Dataset> findFeedback(long taxonomyId);

  /**
   * @return datasets of a taxonomy by name. Never null.
   */
  List<Dataset> findByTaxonomy(long taxonomyId);

  void store(Dataset dataset);

  void store(Example example);

  long countExamples(long datasetId);

  /**
   * @return the examples of one split of a dataset, with their categories, in insertion order
   *     (model evaluation, issue 6). Never null.
   */
  List<Example> findExamples(long datasetId, Split split);

  /**
   * @return example count per category id over all datasets of the taxonomy; categories without
   *     examples are absent. Never null.
   */
  java.util.Map<Long, Long> countExamplesByCategory(long taxonomyId);

  /**
   * @return examples of a dataset in insertion order, at most {@code max}. Never null.
   */
  List<Example> findExamples(long datasetId, int first, int max);

  /**
   * Moves every example of one category to another (a merge), in all datasets.
   *
   * @return the number of examples moved
   */
  int relabelExamples(long fromCategoryId, long toCategoryId);

  /**
   * @return how many examples of the dataset pass the filter
   */
  long countExamples(long datasetId, ExampleFilter filter);

  /**
   * @return examples of the dataset that pass the filter, in id order, from {@code first}, at most
   *     {@code max}, categories loaded. Never null.
   */
  List<Example> findExamples(long datasetId, ExampleFilter filter, int first, int max);

  Optional<Example> findExample(long id);

  void remove(Example example);

  /**
   * Inserts examples with multi-row statements (hundreds of rows per round trip), in order.
   *
   * @return the number inserted
   */
  int insertExamples(long datasetId, List<NewExample> examples);

  /**
   * @return every example of the dataset, in id order, as light rows. Never null.
   */
  List<ExampleRow> rows(long datasetId);

  /**
   * Moves examples of the dataset to a split.
   *
   * @param ids example ids; ids of other datasets are ignored
   * @return the number moved
   */
  int changeSplit(long datasetId, java.util.Collection<Long> ids, Split split);

  /**
   * Moves every example of the dataset that is in one of {@code from} to {@code to}.
   *
   * @return the number moved
   */
  int changeSplit(long datasetId, java.util.Set<Split> from, Split to);

  /**
   * @return per category id, the example count per split of the dataset. Never null.
   */
  java.util.Map<Long, java.util.Map<Split, Long>> countByCategoryAndSplit(long datasetId);
}
