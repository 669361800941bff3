package dev.qcat.interfaces.batch.datasetimport;

import dev.qcat.application.ExampleBulkImport;
import dev.qcat.application.ExampleBulkImport.NewExample;
import dev.qcat.application.ExampleBulkImport.Target;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.interfaces.batch.common.JobParameters;
import jakarta.batch.api.chunk.ItemProcessor;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;

/**
 * Validates one line of the seed format ({@code {"instruction", "input", "output"}}, optional
 * {@code "split"}): a JSON object with a non-blank question ({@code input}, at most {@code
 * maxTextLength} characters, default 2,000) and category ({@code output}) that is ACTIVE in the
 * taxonomy, or new when {@code createCategories=true}. Anything else throws {@link
 * BadLineException} with the reason.
 */
@Named("importLineProcessor")
@Dependent
public class ImportLineProcessor implements ItemProcessor {

  @Inject private JobContext job;
  @Inject private ExampleBulkImport bulk;

  private Target target;
  private int maxTextLength;
  private boolean createCategories;
  private Split defaultSplit;

  @Override
  public Object processItem(Object item) throws BadLineException, NotFoundException {
    RawLine raw = (RawLine) item;
    if (target == null) {
      JobParameters p = JobParameters.of(job);
      target = bulk.target(p.number("datasetId"));
      maxTextLength = (int) p.number("maxTextLength", 2000);
      createCategories = p.flag("createCategories", false);
      defaultSplit =
          Split.parse(p.text("defaultSplit", "train"))
              .orElseThrow(
                  () -> new IllegalArgumentException("defaultSplit must be train, valid or test"));
    }
    String line = raw.text();
    if (line.indexOf('\uFFFD') >= 0) {
      throw bad(raw, "not valid UTF-8");
    }
    JsonValue value;
    try (var reader = Json.createReader(new StringReader(line))) {
      value = reader.readValue();
    } catch (JsonException e) {
      throw bad(raw, "invalid JSON: " + e.getMessage());
    }
    if (value.getValueType() != JsonValue.ValueType.OBJECT) {
      throw bad(raw, "expected a JSON object but found " + value.getValueType());
    }
    JsonObject o = value.asJsonObject();
    String input = text(raw, o, "input", "the question text");
    String output = text(raw, o, "output", "the category name").strip();
    if (input.length() > maxTextLength) {
      throw bad(
          raw, "\"input\" has " + input.length() + " characters; the limit is " + maxTextLength);
    }
    Split split = defaultSplit;
    if (o.containsKey("split")) {
      String s = text(raw, o, "split", "train, valid or test");
      split =
          Split.parse(s)
              .orElseThrow(
                  () -> bad(raw, "\"split\" is '" + s + "'; expected train, valid or test"));
    }
    if (target.retiredCategories().contains(output)) {
      throw bad(raw, "category '" + output + "' is retired");
    }
    if (!createCategories && !target.activeCategories().contains(output)) {
      throw bad(
          raw,
          "unknown category '"
              + output
              + "' (not in taxonomy "
              + target.taxonomyName()
              + "; import with createCategories=true to add it)");
    }
    return new NewExample(raw.lineNo(), input, output, split);
  }

  private static String text(RawLine raw, JsonObject o, String key, String meaning)
      throws BadLineException {
    JsonValue v = o.get(key);
    if (v == null) {
      throw bad(raw, "missing \"" + key + "\" (" + meaning + ")");
    }
    if (!(v instanceof JsonString s)) {
      throw bad(
          raw, "\"" + key + "\" must be a string (" + meaning + ") but is " + v.getValueType());
    }
    if (s.getString().isBlank()) {
      throw bad(raw, "\"" + key + "\" is blank (" + meaning + ")");
    }
    return s.getString();
  }

  private static BadLineException bad(RawLine raw, String reason) {
    return new BadLineException(raw.lineNo(), reason, raw.text());
  }
}
