package dev.qcat.application;

import dev.qcat.application.Views.DatasetView;
import dev.qcat.domain.model.dataset.ImportReport;
import dev.qcat.domain.model.dataset.Split;
import jakarta.ejb.Local;
import java.io.InputStream;
import java.util.List;

/** Creates datasets and imports seed-format JSONL into them. */
@Local
public interface DatasetImportService {

  DatasetView create(long taxonomyId, String name, String actor) throws NotFoundException;

  DatasetView find(long id) throws NotFoundException;

  List<DatasetView> list(long taxonomyId) throws NotFoundException;

  /**
   * Imports seed-format JSONL ({@code {"instruction", "input", "output"}}, one object per line,
   * optional {@code "split"}): each good line becomes an Example (source IMPORT); bad lines are
   * skipped and reported with their line number and reason. Blank lines are ignored.
   *
   * @param defaultSplit split of lines without a "split" field
   * @param createCategories true to add unknown categories to the taxonomy, false to skip such
   *     lines
   * @param maxTextLength questions longer than this (characters) are skipped
   * @return the report. Never null.
   */
  ImportReport importJsonl(
      long datasetId,
      InputStream jsonl,
      Split defaultSplit,
      boolean createCategories,
      int maxTextLength,
      String actor)
      throws NotFoundException;

  /**
   * Runs {@link #importJsonl} and rolls it back: the report of what an import would do, with
   * nothing stored (the portal shows it before the admin commits).
   *
   * @return the report; {@code imported} counts the lines that would be stored. Never null.
   */
  ImportReport previewJsonl(
      long datasetId,
      InputStream jsonl,
      Split defaultSplit,
      boolean createCategories,
      int maxTextLength,
      String actor)
      throws NotFoundException;

  /**
   * @return examples of a dataset from {@code first}, at most {@code max}, oldest first. Never
   *     null.
   */
  List<dev.qcat.application.Views.ExampleView> examples(long datasetId, int first, int max)
      throws NotFoundException;
}
