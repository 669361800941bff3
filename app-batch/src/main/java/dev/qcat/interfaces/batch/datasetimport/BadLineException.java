package dev.qcat.interfaces.batch.datasetimport;

/** A line that cannot be imported; skippable in the job XML, so the import goes on. */
public class BadLineException extends Exception {

  private static final long serialVersionUID = 1L;

  private final long lineNo;
  private final String rawLine;

  /**
   * @param lineNo line number, from 1
   * @param reason what is wrong, e.g. {@code missing "output" (the category name)}
   * @param rawLine the line as read
   */
  public BadLineException(long lineNo, String reason, String rawLine) {
    super(reason);
    this.lineNo = lineNo;
    this.rawLine = rawLine;
  }

  public long lineNo() {
    return lineNo;
  }

  public String rawLine() {
    return rawLine;
  }
}
