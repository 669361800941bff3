package dev.qcat.application;

import dev.qcat.domain.model.dataset.Split;
import jakarta.ejb.Local;
import java.util.List;
import java.util.Set;

/**
 * Bulk storage of imported examples for the chunked dataset-import job (issue 7): one call per
 * chunk, in the chunk's transaction, with one batched INSERT instead of an entity per line.
 */
@Local
public interface ExampleBulkImport {

  /**
   * Where an import goes.
   *
   * @param activeCategories names of the taxonomy's ACTIVE categories
   * @param retiredCategories names of its RETIRED categories
   */
  record Target(
      long datasetId,
      long taxonomyId,
      String taxonomyName,
      Set<String> activeCategories,
      Set<String> retiredCategories) {}

  /**
   * @throws NotFoundException if the dataset does not exist
   */
  Target target(long datasetId) throws NotFoundException;

  /**
   * One validated line.
   *
   * @param lineNo line number in the file, from 1
   */
  record NewExample(long lineNo, String text, String category, Split split) {}

  /**
   * Stores examples (source IMPORT) in the caller's transaction.
   *
   * @param createCategories true to add unknown categories to the taxonomy
   * @return examples stored
   * @throws NotFoundException if the dataset does not exist
   * @throws IllegalArgumentException if a category is unknown and may not be created, or retired
   */
  int insert(long datasetId, List<NewExample> examples, boolean createCategories)
      throws NotFoundException;
}
