package dev.qcat.domain.model.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DriftAssessmentTest {

  private static final List<String> CATS = List.of("card", "loan");

  private static double[] repeat(double v, int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static double[] alternate(double x, double y, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i % 2 == 0 ? x : y;
    }
    return a;
  }

  @Test
  void liveMixLikeTrainingIsOk() {
    var o =
        new DriftAssessment.Observations(
            CATS,
            new int[] {0, 1, 0, 1},
            new int[] {0, 1, 0, 1},
            new double[] {0.9, 0.9, 0.95, 0.95},
            new double[] {50, 50},
            new double[] {10, 10},
            alternate(0.9, 0.95, 20),
            0,
            0,
            0);
    DriftAssessment a = DriftAssessment.assess(o, DriftPolicy.defaults(1));
    assertEquals(DriftVerdict.OK, a.verdict(), a.reason());
    assertEquals(1.0, a.accuracy());
    assertEquals(1.0, a.macroF1());
    assertEquals(0.0, a.psi(), 1e-12);
    // same confidence distribution (half 0.9, half 0.95) on both sides: D = 0
    assertEquals(0.0, a.ks(), 1e-12);
  }

  @Test
  void lessConfidentLiveStreamIsDriftByKs() {
    var o =
        new DriftAssessment.Observations(
            CATS,
            new int[] {0, 1, 0, 1},
            new int[] {0, 1, 0, 1},
            new double[] {0.9, 0.9, 0.95, 0.95},
            new double[] {50, 50},
            new double[] {10, 10},
            repeat(0.9, 20),
            0,
            0,
            0);
    DriftAssessment a = DriftAssessment.assess(o, DriftPolicy.defaults(1));
    // live all 0.9; validation 0.9,0.9,0.95,0.95: at x = 0.9, F_live = 1, F_val = 0.5: D = 0.5
    assertEquals(0.5, a.ks(), 1e-12);
    assertEquals(DriftVerdict.DRIFT, a.verdict());
    assertTrue(a.reason().startsWith("KS 0.5000 above the drift threshold 0.3500"), a.reason());
  }

  @Test
  void shiftedMixAndLowAccuracyAreDrift() {
    // Validation: 3 of 4 right (accuracy 0.75 < warn 0.80, >= drift 0.70); one "cash" of two is
    // predicted "card", so the 50/50 training mix is expected as 75/25 predictions.
    // Live: all predicted "card":
    // PSI = (1-0.75)·ln(1/0.75) + (1e-4-0.25)·ln(1e-4/0.25) = 0.0719 + 1.9552 = 2.0271 > 0.25.
    var o =
        new DriftAssessment.Observations(
            CATS,
            new int[] {0, 1, 0, 1},
            new int[] {0, 1, 0, 0},
            new double[] {0.5, 0.5, 0.5, 0.5},
            new double[] {50, 50},
            new double[] {20, 0},
            repeat(0.5, 20),
            15,
            0,
            0);
    DriftAssessment a = DriftAssessment.assess(o, DriftPolicy.defaults(1));
    assertEquals(DriftVerdict.DRIFT, a.verdict());
    assertEquals(0.75, a.accuracy());
    assertEquals(2.0271496, a.psi(), 1e-6);
    assertEquals(0.75, a.reviewRate());
    assertTrue(a.reason().contains("PSI 2.0271 above the drift threshold"), a.reason());
    assertTrue(a.reason().contains("accuracy 0.7500 below the warning threshold"), a.reason());
    assertEquals(0.5, a.perCategory().get(1).recall());
  }

  @Test
  void aModelsOwnBiasOnInDistributionTrafficIsNotDrift() {
    // The model predicts "card" for half of the "cash" questions (validation). Live traffic mixed
    // like training (50/50) then comes out as 75/25 predictions: that is the model, not drift.
    var o =
        new DriftAssessment.Observations(
            CATS,
            new int[] {0, 0, 1, 1},
            new int[] {0, 0, 1, 0},
            new double[] {0.9, 0.9, 0.9, 0.9},
            new double[] {50, 50},
            new double[] {15, 5},
            repeat(0.9, 20),
            0,
            0,
            0);
    DriftAssessment a = DriftAssessment.assess(o, DriftPolicy.defaults(1));
    assertEquals(0.0, a.psi(), 1e-12);
    assertEquals(
        java.util.List.of(75.0, 25.0),
        java.util.Arrays.stream(
                DriftAssessment.expectedPredictedMix(
                    new double[] {50, 50}, new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 0}))
            .boxed()
            .toList());
    // a category without validation examples keeps its training mass
    assertEquals(
        java.util.List.of(50.0, 50.0),
        java.util.Arrays.stream(
                DriftAssessment.expectedPredictedMix(
                    new double[] {50, 50}, new int[] {0}, new int[] {0}))
            .boxed()
            .toList());
  }

  @Test
  void tooFewLivePredictionsAreNotJudged() {
    var o =
        new DriftAssessment.Observations(
            CATS,
            new int[] {0},
            new int[] {0},
            new double[] {0.9},
            new double[] {50, 50},
            new double[] {3, 0},
            repeat(0.2, 3),
            3,
            0,
            0);
    DriftAssessment a = DriftAssessment.assess(o, DriftPolicy.defaults(1));
    assertEquals(DriftVerdict.OK, a.verdict(), a.reason());
    assertTrue(a.reason().contains("3 live predictions"), a.reason());
  }
}
