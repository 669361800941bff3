package dev.qcat.domain.model.evaluation;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The jsonb shapes of {@link ModelEvaluation}'s structured columns. NaN is written as JSON null and
 * read back as NaN.
 */
final class EvaluationJson {

  private EvaluationJson() {}

  /** {@code [{"category","precision","recall","f1","support"}, …]} */
  static String perCategory(List<CategoryMetrics> rows) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    for (CategoryMetrics m : rows) {
      JsonObjectBuilder o = Json.createObjectBuilder().add("category", m.category());
      number(o, "precision", m.precision());
      number(o, "recall", m.recall());
      number(o, "f1", m.f1());
      a.add(o.add("support", m.support()));
    }
    return a.build().toString();
  }

  static List<CategoryMetrics> perCategory(String json) {
    List<CategoryMetrics> out = new ArrayList<>();
    for (JsonValue v : array(json)) {
      JsonObject o = v.asJsonObject();
      out.add(
          new CategoryMetrics(
              o.getString("category"),
              number(o, "precision"),
              number(o, "recall"),
              number(o, "f1"),
              o.getJsonNumber("support").longValue()));
    }
    return out;
  }

  /** {@code {"labels": [name, …], "counts": [[…], …]}}, row = true, column = predicted. */
  static String confusion(ConfusionCounts c) {
    JsonArrayBuilder labels = Json.createArrayBuilder();
    c.labels().forEach(labels::add);
    JsonArrayBuilder rows = Json.createArrayBuilder();
    for (long[] row : c.counts()) {
      JsonArrayBuilder r = Json.createArrayBuilder();
      for (long v : row) {
        r.add(v);
      }
      rows.add(r);
    }
    return Json.createObjectBuilder().add("labels", labels).add("counts", rows).build().toString();
  }

  static ConfusionCounts confusion(String json) {
    JsonObject o = object(json);
    List<String> labels = o.getJsonArray("labels").getValuesAs(JsonString::getString);
    JsonArray rows = o.getJsonArray("counts");
    long[][] counts = new long[rows.size()][];
    for (int i = 0; i < counts.length; i++) {
      JsonArray r = rows.getJsonArray(i);
      counts[i] = new long[r.size()];
      for (int j = 0; j < counts[i].length; j++) {
        counts[i][j] = r.getJsonNumber(j).longValue();
      }
    }
    return new ConfusionCounts(labels, counts);
  }

  /** {@code {"calibrated": [bin, …], "uncalibrated": [bin, …]}}, bin = lower, upper, count, … */
  static String reliability(List<ReliabilityBin> calibrated, List<ReliabilityBin> uncalibrated) {
    return Json.createObjectBuilder()
        .add("calibrated", bins(calibrated))
        .add("uncalibrated", bins(uncalibrated))
        .build()
        .toString();
  }

  private static JsonArrayBuilder bins(List<ReliabilityBin> bins) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    for (ReliabilityBin b : bins) {
      JsonObjectBuilder o = Json.createObjectBuilder();
      number(o, "lower", b.lower());
      number(o, "upper", b.upper());
      o.add("count", b.count());
      number(o, "meanConfidence", b.meanConfidence());
      number(o, "accuracy", b.accuracy());
      a.add(o);
    }
    return a;
  }

  static List<ReliabilityBin> reliability(String json, String which) {
    List<ReliabilityBin> out = new ArrayList<>();
    for (JsonValue v : object(json).getJsonArray(which)) {
      JsonObject o = v.asJsonObject();
      out.add(
          new ReliabilityBin(
              number(o, "lower"),
              number(o, "upper"),
              o.getJsonNumber("count").longValue(),
              number(o, "meanConfidence"),
              number(o, "accuracy")));
    }
    return out;
  }

  /** {@code [{"threshold","reviewShare","autoRouted","autoAccuracy"}, …]} */
  static String operatingCurve(List<OperatingPoint> points) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    for (OperatingPoint p : points) {
      JsonObjectBuilder o = Json.createObjectBuilder();
      number(o, "threshold", p.threshold());
      number(o, "reviewShare", p.reviewShare());
      o.add("autoRouted", p.autoRouted());
      number(o, "autoAccuracy", p.autoAccuracy());
      a.add(o);
    }
    return a.build().toString();
  }

  static List<OperatingPoint> operatingCurve(String json) {
    List<OperatingPoint> out = new ArrayList<>();
    for (JsonValue v : array(json)) {
      JsonObject o = v.asJsonObject();
      out.add(
          new OperatingPoint(
              number(o, "threshold"),
              number(o, "reviewShare"),
              o.getJsonNumber("autoRouted").longValue(),
              number(o, "autoAccuracy")));
    }
    return out;
  }

  private static void number(JsonObjectBuilder o, String name, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.addNull(name);
    } else {
      o.add(name, v);
    }
  }

  private static double number(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v instanceof JsonNumber n ? n.doubleValue() : Double.NaN;
  }

  private static JsonArray array(String json) {
    try (var r = Json.createReader(new StringReader(json))) {
      return r.readArray();
    }
  }

  private static JsonObject object(String json) {
    try (var r = Json.createReader(new StringReader(json))) {
      return r.readObject();
    }
  }
}
