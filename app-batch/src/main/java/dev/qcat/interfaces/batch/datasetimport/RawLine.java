package dev.qcat.interfaces.batch.datasetimport;

import java.io.Serializable;

/**
 * One non-blank line of the import file.
 *
 * @param lineNo line number, from 1
 * @param text the line as read (malformed UTF-8 shows as U+FFFD)
 */
public record RawLine(long lineNo, String text) implements Serializable {}
