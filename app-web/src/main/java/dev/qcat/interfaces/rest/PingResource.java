package dev.qcat.interfaces.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code GET /ping}: answers as soon as the application is deployed (scripts wait on it). */
@Path("ping")
@RequestScoped
@PermitAll
public class PingResource {

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, String> ping() {
    return Map.of("status", "up");
  }
}
