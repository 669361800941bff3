package dev.qcat.inference.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemperatureScalingTest {

  /**
   * Synthetic predictions: true logits z ~ N(0, 1.5²) per class, the label drawn from softmax(z),
   * and the model reporting {@code sharpness · z} (over-confident when sharpness &gt; 1).
   */
  record Synthetic(List<double[]> scores, int[] labels) {
    static Synthetic make(int n, int k, double sharpness, long seed) {
      Random rnd = new Random(seed);
      List<double[]> scores = new ArrayList<>();
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        double[] z = new double[k];
        for (int c = 0; c < k; c++) {
          z[c] = 1.5 * rnd.nextGaussian();
        }
        double[] p = TemperatureScaling.softmax(z, 1.0);
        double u = rnd.nextDouble();
        int y = k - 1;
        for (int c = 0; c < k; c++) {
          u -= p[c];
          if (u < 0) {
            y = c;
            break;
          }
        }
        labels[i] = y;
        double[] s = new double[k];
        for (int c = 0; c < k; c++) {
          s[c] = sharpness * z[c] - 7.0; // a shift per row changes nothing
        }
        scores.add(s);
      }
      return new Synthetic(scores, labels);
    }
  }

  @Test
  void overConfidentModelGetsTemperatureAboveOneAndLowerEce() {
    Synthetic d = Synthetic.make(4000, 5, 3.0, 11);
    TemperatureScaling ts = TemperatureScaling.fit(d.scores(), d.labels());
    assertTrue(ts.temperature() > 1, "T=" + ts.temperature());
    assertEquals(3.0, ts.temperature(), 0.3, "the generating sharpness is recovered");
    assertTrue(ts.eceAfter() < ts.eceBefore() / 3, ts.toString());
    assertTrue(ts.eceAfter() < 0.03, ts.toString());
    assertTrue(ts.nllAfter() < ts.nllBefore(), ts.toString());
    assertEquals(4000, ts.examples());
    // The fit is a minimum of the validation NLL.
    double t = ts.temperature();
    double at = TemperatureScaling.nll(d.scores(), d.labels(), t);
    assertTrue(at <= TemperatureScaling.nll(d.scores(), d.labels(), t * 1.01));
    assertTrue(at <= TemperatureScaling.nll(d.scores(), d.labels(), t / 1.01));
  }

  @Test
  void underConfidentModelGetsTemperatureBelowOne() {
    Synthetic d = Synthetic.make(4000, 5, 0.5, 12);
    TemperatureScaling ts = TemperatureScaling.fit(d.scores(), d.labels());
    assertEquals(0.5, ts.temperature(), 0.06);
    assertTrue(ts.eceAfter() < ts.eceBefore(), ts.toString());
  }

  @Test
  void applyIsSoftmaxOverTemperatureAndKeepsTheArgmax() {
    TemperatureScaling t1 = TemperatureScaling.identity();
    assertArrayEquals(new double[] {0.25, 0.75}, t1.apply(new double[] {0, Math.log(3)}), 1e-12);
    TemperatureScaling t2 = new TemperatureScaling(2, 0, 0, 0, 0, 0, 0);
    // softmax([0, ln 9] / 2) = [1/4, 3/4]
    assertArrayEquals(new double[] {0.25, 0.75}, t2.apply(new double[] {0, Math.log(9)}), 1e-12);
    double[] pruned = t2.apply(new double[] {Double.NEGATIVE_INFINITY, 0, Math.log(9)});
    assertArrayEquals(new double[] {0, 0.25, 0.75}, pruned, 1e-12);
  }

  @Test
  void skipsExamplesWhoseTrueCategoryWasPruned() {
    Synthetic d = Synthetic.make(500, 3, 2.0, 13);
    List<double[]> scores = new ArrayList<>(d.scores());
    int[] labels = java.util.Arrays.copyOf(d.labels(), 501);
    scores.add(new double[] {Double.NEGATIVE_INFINITY, 0, 1});
    labels[500] = 0;
    TemperatureScaling ts = TemperatureScaling.fit(scores, labels);
    assertEquals(500, ts.examples());
    assertEquals(1, ts.skipped());
    assertEquals(
        TemperatureScaling.fit(d.scores(), d.labels()).temperature(), ts.temperature(), 1e-6);
  }

  @Test
  void savesBesideTheAdapterAndLoadsBack(@TempDir Path dir) {
    assertEquals(1.0, TemperatureScaling.loadOrIdentity(dir).temperature());
    Synthetic d = Synthetic.make(300, 4, 2.0, 14);
    TemperatureScaling ts = TemperatureScaling.fit(d.scores(), d.labels());
    ts.save(dir);
    assertEquals(ts, TemperatureScaling.load(dir));
    assertEquals(ts, TemperatureScaling.loadOrIdentity(dir));
  }

  @Test
  void rejectsBadInput() {
    assertThrows(IllegalArgumentException.class, () -> new TemperatureScaling(0, 0, 0, 0, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> TemperatureScaling.fit(List.of(), new int[0]));
    assertThrows(
        IllegalArgumentException.class,
        () -> TemperatureScaling.fit(List.of(new double[] {0, 1}), new int[] {2}));
  }
}
