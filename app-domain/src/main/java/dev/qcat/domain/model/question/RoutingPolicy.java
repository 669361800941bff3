package dev.qcat.domain.model.question;

import java.util.function.DoubleSupplier;

/**
 * The routing rule of DESIGN.md §2: below the threshold → review; otherwise a random share {@code
 * auditRate} → audit; else automatic.
 *
 * @param threshold confidence below which a prediction goes to review, fraction in [0, 1]
 * @param auditRate share of confident predictions sent to review anyway, fraction in [0, 1]
 */
public record RoutingPolicy(double threshold, double auditRate) {

  public RoutingPolicy {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in [0, 1] but was " + threshold);
    }
    if (!(auditRate >= 0 && auditRate <= 1)) {
      throw new IllegalArgumentException("auditRate must be in [0, 1] but was " + auditRate);
    }
  }

  /**
   * @param confidence calibrated confidence of the best category, fraction in [0, 1]
   * @param uniform draws uniformly from [0, 1)
   * @return the routing. Never null.
   */
  public Routing route(double confidence, DoubleSupplier uniform) {
    if (confidence < threshold) {
      return Routing.REVIEW;
    }
    return uniform.getAsDouble() < auditRate ? Routing.AUDIT : Routing.AUTOMATIC;
  }
}
