package dev.qcat.application.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecallDropTestTest {

  @Test
  void exactOneSidedMcNemarValues() {
    assertEquals(1.0, RecallDropTest.pValue(0, 0), 0);
    // a collapse of 6 of 6 questions: P(X >= 6 | n = 6) = 1/64
    assertEquals(1.0 / 64, RecallDropTest.pValue(6, 0), 1e-15);
    // 3 lost, none gained (BANKING77 'Request refund' 0.75 -> 0.375 on 8): 1/8, noise
    assertEquals(0.125, RecallDropTest.pValue(3, 0), 1e-15);
    // 5 lost, 1 gained: (C(6,5) + C(6,6)) / 64 = 7/64
    assertEquals(7.0 / 64, RecallDropTest.pValue(5, 1), 1e-15);
    // the candidate better: nothing to refuse
    assertEquals(1.0, RecallDropTest.pValue(0, 4), 1e-15);
    assertTrue(RecallDropTest.pValue(6, 0) < RecallDropTest.ALPHA);
    assertTrue(RecallDropTest.pValue(3, 0) >= RecallDropTest.ALPHA);
  }

  @Test
  void largeCountsStayFiniteAndSymmetric() {
    double p = RecallDropTest.pValue(600, 600);
    assertTrue(p > 0.5 && p < 0.52, "P(X >= n/2) just above one half, got " + p);
    assertTrue(RecallDropTest.pValue(700, 500) < 1e-8);
  }

  @Test
  void refusesNegativeCounts() {
    assertThrows(IllegalArgumentException.class, () -> RecallDropTest.pValue(-1, 0));
  }
}
