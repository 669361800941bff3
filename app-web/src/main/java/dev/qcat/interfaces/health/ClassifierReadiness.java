package dev.qcat.interfaces.health;

import dev.qcat.application.ModelVersionService;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Ready when the database answers and every ACTIVE model version is loaded (at least one). The
 * database check is the query for ACTIVE versions itself.
 */
@org.eclipse.microprofile.health.Readiness
@ApplicationScoped
public class ClassifierReadiness implements HealthCheck {

  @EJB private ModelVersionService modelVersions;

  @Override
  public HealthCheckResponse call() {
    try {
      ModelVersionService.Readiness r = modelVersions.readiness();
      return HealthCheckResponse.named("qcat-classifier")
          .status(r.ready())
          .withData("database", "reachable")
          .withData("activeModelVersions", r.activeVersions())
          .withData("loadedModelVersions", r.servedVersions())
          .withData("reason", r.reason())
          .build();
    } catch (RuntimeException e) {
      return HealthCheckResponse.named("qcat-classifier")
          .down()
          .withData("database", "unreachable: " + e.getClass().getSimpleName())
          .build();
    }
  }
}
