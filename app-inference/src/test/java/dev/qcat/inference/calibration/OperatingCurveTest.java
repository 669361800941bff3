package dev.qcat.inference.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OperatingCurveTest {

  @Test
  void routesBelowThresholdToReviewAndScoresTheRest() {
    double[] conf = {0.45, 0.55, 0.65, 0.80, 0.90, 0.99};
    boolean[] ok = {false, false, true, true, false, true};
    List<OperatingCurve.Point> c =
        OperatingCurve.compute(conf, ok, new double[] {0.5, 0.7, 0.95, 1.0});
    assertEquals(1.0 / 6, c.get(0).reviewShare(), 1e-12);
    assertEquals(5, c.get(0).autoRouted());
    assertEquals(3.0 / 5, c.get(0).autoAccuracy(), 1e-12); // 0.55 no, 0.65, 0.80 yes, 0.90 no, 0.99
    assertEquals(0.5, c.get(1).reviewShare(), 1e-12);
    assertEquals(2.0 / 3, c.get(1).autoAccuracy(), 1e-12);
    assertEquals(1, c.get(2).autoRouted());
    assertEquals(1.0, c.get(2).autoAccuracy());
    assertTrue(Double.isNaN(c.get(3).autoAccuracy()));
    assertEquals(10, OperatingCurve.defaultThresholds().length);
    assertEquals(0.95, OperatingCurve.defaultThresholds()[9], 1e-12);
    assertTrue(OperatingCurve.toText(c).contains("0.70"));
  }
}
