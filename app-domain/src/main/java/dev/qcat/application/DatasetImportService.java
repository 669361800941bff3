package dev.qcat.application;

import dev.qcat.application.Views.DatasetView;
import dev.qcat.domain.model.dataset.ImportReport;
import dev.qcat.domain.model.dataset.Split;
import jakarta.ejb.Local;
import java.io.InputStream;
import java.util.List;

/**
 * Creates datasets and imports seed-format JSONL or two-column CSV ({@code text,label}) into them,
 * with a dry run that reports every bad line before anything is stored.
 */
@Local
public interface DatasetImportService {

  /** The format of an upload. */
  enum Format {
    /** Seed-format JSONL: {@code {"instruction", "input", "output"}} per line, optional "split". */
    JSONL,
    /** RFC 4180 CSV with the columns {@code text,label} (optional header row). */
    CSV;

    /**
     * @return CSV for a name ending in {@code .csv} (any case), JSONL otherwise
     */
    public static Format ofFileName(String fileName) {
      return fileName != null && fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")
          ? CSV
          : JSONL;
    }
  }

  /**
   * How to import.
   *
   * @param defaultSplit split of records that name none (all CSV rows)
   * @param createCategories true to add unknown categories to the taxonomy, false to skip such
   *     records
   * @param maxTextLength questions longer than this (characters) are skipped, ≥ 1
   */
  record ImportOptions(
      Format format, Split defaultSplit, boolean createCategories, int maxTextLength) {}

  /**
   * Imports an upload: each good record becomes an Example (source IMPORT); bad records are skipped
   * and reported with their line number and reason (for CSV the line a record starts on). Examples
   * are inserted several hundred per statement, so 100,000 rows take seconds.
   *
   * @param progress receives the record count and each processed record; may be null
   * @return the report. Never null.
   */
  ImportReport importFile(
      long datasetId,
      InputStream content,
      ImportOptions options,
      String actor,
      ImportProgress progress)
      throws NotFoundException;

  /**
   * Runs {@link #importFile} and rolls it back: the report of what the import would do.
   *
   * @return the report; {@code imported} counts the records that would be stored. Never null.
   */
  ImportReport previewFile(long datasetId, InputStream content, ImportOptions options, String actor)
      throws NotFoundException;

  /**
   * {@link #importFile} in the background (its own transaction), for long uploads: {@code progress}
   * tells how far it got and ends with the report or the failure (then nothing is stored).
   *
   * @return completes with the report. Never null.
   */
  java.util.concurrent.Future<ImportReport> importInBackground(
      long datasetId, byte[] content, ImportOptions options, String actor, ImportProgress progress);

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
