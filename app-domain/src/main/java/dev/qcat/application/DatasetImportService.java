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
}
