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
}
