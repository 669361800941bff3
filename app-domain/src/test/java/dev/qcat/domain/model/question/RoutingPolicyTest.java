package dev.qcat.domain.model.question;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

  private final RoutingPolicy policy = new RoutingPolicy(0.75, 0.02);

  @Test
  void belowThresholdGoesToReview() {
    assertEquals(Routing.REVIEW, policy.route(0.7499, () -> 0.99));
  }

  @Test
  void confidentAndDrawnGoesToAudit() {
    assertEquals(Routing.AUDIT, policy.route(0.75, () -> 0.019));
  }

  @Test
  void confidentAndNotDrawnIsAutomatic() {
    assertEquals(Routing.AUTOMATIC, policy.route(0.9, () -> 0.02));
  }

  @Test
  void rejectsThresholdOutsideUnitInterval() {
    assertThrows(IllegalArgumentException.class, () -> new RoutingPolicy(1.5, 0.02));
  }
}
