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
}
