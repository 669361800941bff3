package dev.qcat.interfaces.batch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QcatStepListenerTest {

  @Test
  void anExceptionIsDescribedByClassAndMessage() {
    assertEquals(
        "IllegalArgumentException: job parameter 'datasetId' is required",
        QcatStepListener.describe(
            new IllegalArgumentException("job parameter 'datasetId' is required")));
  }

  @Test
  void aWrappedExceptionNamesItsRootCause() {
    Exception e =
        new RuntimeException(
            "wrapped", new IllegalStateException("middle", new ArithmeticException("/ by zero")));
    assertEquals(
        "RuntimeException: wrapped (cause: ArithmeticException: / by zero)",
        QcatStepListener.describe(e));
  }
}
