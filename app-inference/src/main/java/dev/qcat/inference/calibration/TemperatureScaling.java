package dev.qcat.inference.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.scoring.ExpectedCalibrationError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * Temperature scaling: calibrated confidences {@code softmax(s / T)} from a prediction's
 * per-category log-scores {@code s} (here the log-probabilities log P(c | prompt) of the exact
 * scorer, whose softmax at T = 1 is the uncalibrated confidence), with the single parameter T &gt;
 * 0 fitted on the validation split by minimising the negative log-likelihood of the true
 * categories. Argmax, hence accuracy, is unchanged; T &gt; 1 softens an over-confident model.
 *
 * <p>Reference: Guo, Pleiss, Sun &amp; Weinberger 2017, "On Calibration of Modern Neural Networks",
 * ICML, arXiv:1706.04599, §4.2. The NLL is convex in β = 1/T (a log-sum-exp of functions linear in
 * β minus a linear term), so it is unimodal in log T; {@link #fit} runs a golden-section search on
 * log T over [{@link #MIN_TEMPERATURE}, {@link #MAX_TEMPERATURE}] to a relative precision of 1e-9.
 *
 * <p>Stored as {@code calibration.json} beside the adapter ({@link #save}, {@link #load}).
 *
 * @param temperature the fitted T, in [{@link #MIN_TEMPERATURE}, {@link #MAX_TEMPERATURE}]
 * @param examples validation examples used in the fit (those whose true category was not pruned)
 * @param skipped validation examples left out because the true category's log-score was −∞
 * @param nllBefore mean NLL at T = 1, in nats per example
 * @param nllAfter mean NLL at the fitted T, in nats per example
 * @param eceBefore ECE ({@link ExpectedCalibrationError#DEFAULT_BINS} equal-width bins) at T = 1,
 *     fraction in [0, 1]
 * @param eceAfter ECE at the fitted T, fraction in [0, 1]
 */
public record TemperatureScaling(
    double temperature,
    int examples,
    int skipped,
    double nllBefore,
    double nllAfter,
    double eceBefore,
    double eceAfter) {

  /** Smallest temperature the fit returns. */
  public static final double MIN_TEMPERATURE = 0.01;

  /** Largest temperature the fit returns. */
  public static final double MAX_TEMPERATURE = 100.0;

  /** File name beside the adapter. */
  public static final String FILE_NAME = "calibration.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * @throws IllegalArgumentException if the temperature is not positive and finite
   */
  public TemperatureScaling {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "expected temperature > 0 and finite but got " + temperature);
    }
  }

  /**
   * The identity calibration (T = 1) for a model version not yet calibrated.
   *
   * @return T = 1, no statistics. Never null.
   */
  public static TemperatureScaling identity() {
    return new TemperatureScaling(1.0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /**
   * Fits T on validation predictions.
   *
   * @param logScores per example, the log-score of every category (natural log; −∞ for a pruned
   *     category); all rows the same length ≥ 2
   * @param labels per example, the index of the true category
   * @return the fitted scaling with NLL and ECE before and after. Never null.
   * @throws IllegalArgumentException if the inputs are empty, ragged or out of range, or no example
   *     has a finite true-category score
   */
  public static TemperatureScaling fit(List<double[]> logScores, int[] labels) {
    Objects.requireNonNull(logScores, "logScores are required.");
    Objects.requireNonNull(labels, "labels are required.");
    if (logScores.size() != labels.length) {
      throw new IllegalArgumentException(
          "got " + logScores.size() + " score rows but " + labels.length + " labels");
    }
    if (logScores.isEmpty()) {
      throw new IllegalArgumentException("expected at least one validation example but got none");
    }
    int k = logScores.get(0).length;
    if (k < 2) {
      throw new IllegalArgumentException("expected at least 2 categories but got " + k);
    }
    int n = 0;
    for (int i = 0; i < labels.length; i++) {
      double[] s = logScores.get(i);
      if (s.length != k) {
        throw new IllegalArgumentException(
            "row " + i + " has " + s.length + " scores but row 0 has " + k);
      }
      if (labels[i] < 0 || labels[i] >= k) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of row " + i + " is outside [0, " + k + ")");
      }
      if (s[labels[i]] > Double.NEGATIVE_INFINITY) {
        n++;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException(
          "every example's true category was pruned (log-score −∞); nothing to fit");
    }
    double lo = Math.log(MIN_TEMPERATURE);
    double hi = Math.log(MAX_TEMPERATURE);
    double g = (Math.sqrt(5) - 1) / 2;
    double a = hi - g * (hi - lo);
    double b = lo + g * (hi - lo);
    double fa = nll(logScores, labels, Math.exp(a));
    double fb = nll(logScores, labels, Math.exp(b));
    while (hi - lo > 1e-9) {
      if (fa <= fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - g * (hi - lo);
        fa = nll(logScores, labels, Math.exp(a));
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + g * (hi - lo);
        fb = nll(logScores, labels, Math.exp(b));
      }
    }
    double t = Math.exp((lo + hi) / 2);
    return new TemperatureScaling(
        t,
        n,
        labels.length - n,
        nll(logScores, labels, 1.0),
        nll(logScores, labels, t),
        ece(logScores, labels, 1.0),
        ece(logScores, labels, t));
  }

  /**
   * Mean negative log-likelihood of the true categories at temperature {@code t}, over the examples
   * whose true category has a finite score.
   *
   * @param logScores per example, per category log-scores
   * @param labels true category indices
   * @param t temperature &gt; 0
   * @return mean NLL in nats per example; NaN when no example counts
   */
  public static double nll(List<double[]> logScores, int[] labels, double t) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < labels.length; i++) {
      double[] s = logScores.get(i);
      if (s[labels[i]] == Double.NEGATIVE_INFINITY) {
        continue;
      }
      sum += logSumExp(s, t) - s[labels[i]] / t;
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * ECE of the top-1 predictions at temperature {@code t}, 15 equal-width bins.
   *
   * @param logScores per example, per category log-scores
   * @param labels true category indices
   * @param t temperature &gt; 0
   * @return the ECE, fraction in [0, 1]
   */
  public static double ece(List<double[]> logScores, int[] labels, double t) {
    return eceAccumulator(logScores, labels, t).value();
  }

  /**
   * The filled ECE accumulator (its bins are the reliability diagram) at temperature {@code t}.
   *
   * @param logScores per example, per category log-scores
   * @param labels true category indices
   * @param t temperature &gt; 0
   * @return an accumulator holding every example. Never null.
   */
  public static ExpectedCalibrationError eceAccumulator(
      List<double[]> logScores, int[] labels, double t) {
    ExpectedCalibrationError ece = new ExpectedCalibrationError();
    for (int i = 0; i < labels.length; i++) {
      double[] p = softmax(logScores.get(i), t);
      int best = argmax(p);
      ece.add(Math.min(1.0, p[best]), best == labels[i]);
    }
    return ece;
  }

  /**
   * Calibrated confidences of one prediction.
   *
   * @param logScores the log-score of every category (−∞ for pruned)
   * @return {@code softmax(logScores / temperature)}, each a fraction in [0, 1], summing to 1.
   *     Never null.
   */
  public double[] apply(double[] logScores) {
    return softmax(logScores, temperature);
  }

  /**
   * @param s log-scores
   * @param t temperature
   * @return softmax(s / t), computed stably. Never null.
   */
  static double[] softmax(double[] s, double t) {
    double lse = logSumExp(s, t);
    double[] p = new double[s.length];
    for (int c = 0; c < s.length; c++) {
      p[c] = Math.exp(s[c] / t - lse);
    }
    return p;
  }

  private static double logSumExp(double[] s, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v / t);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (double v : s) {
      sum += Math.exp(v / t - max);
    }
    return max + Math.log(sum);
  }

  private static int argmax(double[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  /**
   * Writes {@code calibration.json} into {@code dir} (atomically).
   *
   * @param dir the adapter (or model version) directory
   * @throws UncheckedIOException if the file cannot be written
   */
  public void save(Path dir) {
    ObjectNode n = JSON.createObjectNode();
    n.put("method", "temperature_scaling");
    n.put("reference", "Guo et al. 2017, arXiv:1706.04599");
    n.put("temperature", temperature);
    n.put("examples", examples);
    n.put("skipped", skipped);
    n.put("ece_bins", ExpectedCalibrationError.DEFAULT_BINS);
    putNumber(n, "nll_before", nllBefore);
    putNumber(n, "nll_after", nllAfter);
    putNumber(n, "ece_before", eceBefore);
    putNumber(n, "ece_after", eceAfter);
    Path file = dir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(FILE_NAME + ".tmp");
      JSON.writeValue(tmp.toFile(), n);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void putNumber(ObjectNode n, String field, double v) {
    if (Double.isNaN(v)) {
      n.putNull(field);
    } else {
      n.put(field, v);
    }
  }

  /**
   * Reads {@code calibration.json} from {@code dir}.
   *
   * @param dir the adapter directory
   * @return the scaling. Never null.
   * @throws UncheckedIOException if the file is missing or unreadable
   * @throws IllegalArgumentException if it holds no valid temperature
   */
  public static TemperatureScaling load(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new UncheckedIOException("missing " + file, new NoSuchFileException(file.toString()));
    }
    JsonNode n;
    try {
      n = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (n == null || !n.path("temperature").isNumber()) {
      throw new IllegalArgumentException(file + ": missing number field temperature");
    }
    try {
      return new TemperatureScaling(
          n.get("temperature").asDouble(),
          n.path("examples").asInt(0),
          n.path("skipped").asInt(0),
          number(n, "nll_before"),
          number(n, "nll_after"),
          number(n, "ece_before"),
          number(n, "ece_after"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads {@code calibration.json} if present.
   *
   * @param dir the adapter directory
   * @return the stored scaling, or {@link #identity()} when the directory has none. Never null.
   */
  public static TemperatureScaling loadOrIdentity(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE_NAME)) ? load(dir) : identity();
  }

  private static double number(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isNumber() ? v.asDouble() : Double.NaN;
  }
}
