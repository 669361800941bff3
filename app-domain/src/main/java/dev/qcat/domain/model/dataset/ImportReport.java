package dev.qcat.domain.model.dataset;

import java.util.List;

/**
 * What an import did: how many lines were read and stored, and each skipped line with its number
 * (1-based) and the reason.
 *
 * @param datasetId the dataset the examples went to
 * @param linesRead non-blank lines read
 * @param imported examples stored
 * @param skipped bad lines, in file order. Never null.
 */
public record ImportReport(long datasetId, int linesRead, int imported, List<SkippedLine> skipped) {

  /**
   * One line that was not imported.
   *
   * @param line 1-based line number in the upload
   * @param reason what was wrong, naming the value and the expectation
   */
  public record SkippedLine(int line, String reason) {}
}
