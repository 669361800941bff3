package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.DriftService;
import dev.qcat.application.JobViews.DriftCheckView;
import dev.qcat.application.JobViews.DriftPolicyView;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;

/** Drift checks and policies of a taxonomy (admin, issue 7). */
@Path("drift")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class DriftResource {

  @EJB private DriftService drift;
  @Context private SecurityContext security;

  /** The newest checks, oldest first (a time series). */
  @GET
  @Path("checks")
  public List<DriftCheckView> checks(
      @QueryParam("taxonomyId") Long taxonomyId, @QueryParam("max") Integer max)
      throws NotFoundException {
    return drift.checks(
        required(taxonomyId, "taxonomyId"), max == null ? 200 : Math.max(1, Math.min(max, 5000)));
  }

  @GET
  @Path("policy")
  public DriftPolicyView policy(@QueryParam("taxonomyId") Long taxonomyId)
      throws NotFoundException {
    return drift.policy(required(taxonomyId, "taxonomyId"));
  }

  /** Replaces the thresholds and retraining policy (the body's taxonomyId names the taxonomy). */
  @PUT
  @Path("policy")
  public DriftPolicyView change(DriftPolicyView p) throws NotFoundException {
    required(p, "body");
    return drift.changePolicy(p, caller(security));
  }
}
