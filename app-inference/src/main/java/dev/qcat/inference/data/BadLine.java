package dev.qcat.inference.data;

/**
 * A line of an input file that was skipped.
 *
 * @param lineNumber 1-based line number in the file
 * @param reason why it was skipped, e.g. {@code missing field "input"}; never null
 * @param raw the line as read, never null
 */
public record BadLine(long lineNumber, String reason, String raw) {

  /**
   * @return {@code line N: reason}. Never null.
   */
  @Override
  public String toString() {
    return "line " + lineNumber + ": " + reason;
  }
}
