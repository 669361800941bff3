package dev.qcat.application.internal;

import dev.qcat.domain.model.dataset.Split;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;

/**
 * One line of the seed format: {@code {"instruction": …, "input": question, "output": category}},
 * optionally {@code "split": "train"|"valid"|"test"}.
 *
 * @param input the question text, not blank
 * @param output the category name, not blank
 */
record SeedLine(String input, String output, Split split) {

  /**
   * @throws IllegalArgumentException naming what is wrong with the line
   */
  static SeedLine parse(String line, Split defaultSplit, int maxTextLength) {
    JsonValue value;
    try (var reader = Json.createReader(new StringReader(line))) {
      value = reader.readValue();
    } catch (JsonParsingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getMessage());
    } catch (JsonException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getMessage());
    }
    if (value.getValueType() != JsonValue.ValueType.OBJECT) {
      throw new IllegalArgumentException(
          "expected a JSON object but found " + value.getValueType());
    }
    JsonObject o = value.asJsonObject();
    String input = text(o, "input", "the question text");
    String output = text(o, "output", "the category name").strip();
    if (input.length() > maxTextLength) {
      throw new IllegalArgumentException(
          "\"input\" has " + input.length() + " characters; the limit is " + maxTextLength);
    }
    Split split = defaultSplit;
    if (o.containsKey("split")) {
      String s = text(o, "split", "train, valid or test");
      split =
          Split.parse(s)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "\"split\" is '" + s + "'; expected train, valid or test"));
    }
    return new SeedLine(input, output, split);
  }

  private static String text(JsonObject o, String key, String meaning) {
    JsonValue v = o.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing \"" + key + "\" (" + meaning + ")");
    }
    if (!(v instanceof JsonString s)) {
      throw new IllegalArgumentException(
          "\"" + key + "\" must be a string (" + meaning + ") but is " + v.getValueType());
    }
    if (s.getString().isBlank()) {
      throw new IllegalArgumentException("\"" + key + "\" is blank (" + meaning + ")");
    }
    return s.getString();
  }
}
