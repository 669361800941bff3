package dev.qcat.interfaces.web.drift;

import dev.qcat.application.JobViews.DriftCheckView;
import dev.qcat.application.JobViews.DriftPolicyView;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The drift dashboard's time series: one Chart.js line chart (PrimeFaces {@code p:chart}) per
 * figure of the stored drift checks, oldest check first, each point coloured by the check's
 * verdict, with the taxonomy's warning and drift thresholds drawn as dashed horizontal lines. Pure
 * functions of the checks and the policy; nothing is computed that the checks do not store.
 */
final class DriftCharts {

  /** Colour of a point or line: OK, WARN, DRIFT and the figure's own line. */
  static final String OK_COLOR = "#16a34a";

  static final String WARN_COLOR = "#f59e0b";

  static final String DRIFT_COLOR = "#dc2626";

  static final String LINE_COLOR = "#4f46e5";

  private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss");

  private DriftCharts() {}

  /** The figures drawn, with where each comes from in a check and in the policy. */
  enum Figure {
    ACCURACY(
        "accuracy",
        DriftCheckView::accuracy,
        DriftPolicyView::minAccuracyWarn,
        DriftPolicyView::minAccuracyDrift,
        true),
    MACRO_F1(
        "macroF1",
        DriftCheckView::macroF1,
        DriftPolicyView::minMacroF1Warn,
        DriftPolicyView::minMacroF1Drift,
        true),
    PSI("psi", DriftCheckView::psi, DriftPolicyView::psiWarn, DriftPolicyView::psiDrift, false),
    KS("ks", DriftCheckView::ks, DriftPolicyView::ksWarn, DriftPolicyView::ksDrift, true),
    REVIEW_RATE(
        "reviewRate",
        DriftCheckView::reviewRate,
        DriftPolicyView::maxReviewRateWarn,
        DriftPolicyView::maxReviewRateDrift,
        true);

    private final String key;
    private final Function<DriftCheckView, Double> value;
    private final ToDoubleFunction<DriftPolicyView> warn;
    private final ToDoubleFunction<DriftPolicyView> drift;
    private final boolean fraction;

    Figure(
        String key,
        Function<DriftCheckView, Double> value,
        ToDoubleFunction<DriftPolicyView> warn,
        ToDoubleFunction<DriftPolicyView> drift,
        boolean fraction) {
      this.key = key;
      this.value = value;
      this.warn = warn;
      this.drift = drift;
      this.fraction = fraction;
    }

    /**
     * @return the key used in page ids and message keys, e.g. {@code macroF1}. Never null.
     */
    String key() {
      return key;
    }

    /**
     * @return true for figures in [0, 1] (the y axis is fixed to that range)
     */
    boolean fraction() {
      return fraction;
    }

    /**
     * @return the figure with this key
     * @throws IllegalArgumentException if no figure has the key
     */
    static Figure of(String key) {
      for (Figure f : values()) {
        if (f.key.equals(key)) {
          return f;
        }
      }
      throw new IllegalArgumentException(
          "unknown figure '" + key + "' (expected accuracy, macroF1, psi, ks or reviewRate)");
    }
  }

  /**
   * One figure over the checks.
   *
   * @param labels the check times, one per check, oldest first
   * @param values the figure of each check; null where the check could not compute it
   * @param verdicts OK, WARN or DRIFT of each check
   * @param warn the warning threshold, or NaN without a policy
   * @param drift the drift threshold, or NaN without a policy
   */
  record Series(
      Figure figure,
      List<String> labels,
      List<Double> values,
      List<String> verdicts,
      double warn,
      double drift) {

    Series {
      Objects.requireNonNull(figure, "figure is required.");
      labels = Collections.unmodifiableList(new ArrayList<>(labels));
      values = Collections.unmodifiableList(new ArrayList<>(values));
      verdicts = List.copyOf(verdicts);
      if (labels.size() != values.size() || labels.size() != verdicts.size()) {
        throw new IllegalArgumentException(
            "expected as many values and verdicts as labels ("
                + labels.size()
                + ") but got "
                + values.size()
                + " and "
                + verdicts.size());
      }
    }
  }

  /**
   * @return the check time as a chart label, {@code MM-dd HH:mm:ss} in the check's offset. Never
   *     null.
   */
  static String label(OffsetDateTime checkedAt) {
    return LABEL.format(checkedAt);
  }

  /**
   * Builds one figure's series.
   *
   * @param checks the stored checks, oldest first (as {@code DriftService.checks} returns them)
   * @param policy the taxonomy's thresholds, or null to draw none
   * @return the series, one point per check. Never null.
   */
  static Series series(Figure figure, List<DriftCheckView> checks, DriftPolicyView policy) {
    List<String> labels = new ArrayList<>(checks.size());
    List<Double> values = new ArrayList<>(checks.size());
    List<String> verdicts = new ArrayList<>(checks.size());
    for (DriftCheckView c : checks) {
      labels.add(label(c.checkedAt()));
      values.add(figure.value.apply(c));
      verdicts.add(c.verdict());
    }
    return new Series(
        figure,
        labels,
        values,
        verdicts,
        policy == null ? Double.NaN : figure.warn.applyAsDouble(policy),
        policy == null ? Double.NaN : figure.drift.applyAsDouble(policy));
  }

  /**
   * @return the colour of a point of this verdict. Never null.
   */
  static String verdictColor(String verdict) {
    return switch (verdict == null ? "" : verdict) {
      case "OK" -> OK_COLOR;
      case "WARN" -> WARN_COLOR;
      case "DRIFT" -> DRIFT_COLOR;
      default -> "#6b7280";
    };
  }

  /**
   * The Chart.js configuration of a series: the figure as a line with points (gaps where a check
   * has no value), and each threshold as a dashed line of the same value at every check.
   *
   * @param title the chart's title
   * @param warnLabel legend text of the warning threshold
   * @param driftLabel legend text of the drift threshold
   * @return JSON text for {@code p:chart value}. Never null.
   */
  static String chart(Series s, String title, String warnLabel, String driftLabel) {
    JsonArrayBuilder labels = Json.createArrayBuilder();
    s.labels().forEach(labels::add);
    JsonArrayBuilder values = Json.createArrayBuilder();
    for (Double v : s.values()) {
      if (v == null || v.isNaN()) {
        values.addNull();
      } else {
        values.add(v);
      }
    }
    JsonArrayBuilder pointColors = Json.createArrayBuilder();
    s.verdicts().forEach(v -> pointColors.add(verdictColor(v)));
    JsonArrayBuilder datasets =
        Json.createArrayBuilder()
            .add(
                Json.createObjectBuilder()
                    .add("label", title)
                    .add("data", values)
                    .add("borderColor", LINE_COLOR)
                    .add("backgroundColor", LINE_COLOR)
                    .add("pointBackgroundColor", pointColors)
                    .add("pointBorderColor", LINE_COLOR)
                    .add("pointRadius", 5)
                    .add("spanGaps", false)
                    .add("fill", false));
    if (!Double.isNaN(s.warn())) {
      datasets.add(threshold(warnLabel, s.warn(), s.labels().size(), WARN_COLOR));
    }
    if (!Double.isNaN(s.drift())) {
      datasets.add(threshold(driftLabel, s.drift(), s.labels().size(), DRIFT_COLOR));
    }
    JsonObjectBuilder y = Json.createObjectBuilder().add("beginAtZero", true);
    if (s.figure().fraction()) {
      y.add("min", 0).add("max", 1);
    }
    return Json.createObjectBuilder()
        .add("type", "line")
        .add("data", Json.createObjectBuilder().add("labels", labels).add("datasets", datasets))
        .add(
            "options",
            Json.createObjectBuilder()
                .add("animation", false)
                .add("maintainAspectRatio", false)
                .add(
                    "plugins",
                    Json.createObjectBuilder()
                        .add(
                            "title",
                            Json.createObjectBuilder().add("display", true).add("text", title))
                        .add("legend", Json.createObjectBuilder().add("position", "bottom")))
                .add("scales", Json.createObjectBuilder().add("y", y)))
        .build()
        .toString();
  }

  private static JsonObjectBuilder threshold(String label, double value, int points, String color) {
    JsonArrayBuilder data = Json.createArrayBuilder();
    for (int i = 0; i < points; i++) {
      data.add(value);
    }
    return Json.createObjectBuilder()
        .add("label", label)
        .add("data", data)
        .add("borderColor", color)
        .add("backgroundColor", color)
        .add("borderDash", Json.createArrayBuilder().add(6).add(4))
        .add("borderWidth", 1.5)
        // A single check has no segment to draw: show the threshold as a dash at its point.
        .add("pointStyle", "line")
        .add("pointRadius", points == 1 ? 14 : 0)
        .add("fill", false);
  }
}
