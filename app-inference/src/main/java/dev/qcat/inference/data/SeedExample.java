package dev.qcat.inference.data;

import java.util.Optional;

/**
 * One record of a seed-format dataset: {@code {"instruction": …, "input": <question>, "output":
 * <category>}}; other fields are ignored.
 *
 * @param lineNumber 1-based line number in the file it came from
 * @param instruction the task instruction; the default instruction when the field was absent; never
 *     null
 * @param input the question text, never null or blank
 * @param output the category name; empty when the line had none (allowed only for unlabelled
 *     input). Never null.
 */
public record SeedExample(
    long lineNumber, String instruction, String input, Optional<String> output) {}
