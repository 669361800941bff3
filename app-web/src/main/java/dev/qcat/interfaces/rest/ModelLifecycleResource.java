package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.NotFoundException;
import dev.qcat.application.RetrainingService;
import dev.qcat.application.RetrainingService.GateDecision;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/**
 * The promotion gate and the one-action rollback (admin, issue 7):
 *
 * <ul>
 *   <li>{@code POST /model-versions/lifecycle/gate?candidateId=} compares a CANDIDATE with the
 *       ACTIVE version and promotes it only if it passes (the retrain job does the same);
 *   <li>{@code POST /model-versions/lifecycle/rollback?taxonomyId=} makes the previously ACTIVE
 *       version ACTIVE again.
 * </ul>
 */
@Path("model-versions/lifecycle")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ModelLifecycleResource {

  @EJB private RetrainingService retraining;
  @Context private SecurityContext security;

  @POST
  @Path("gate")
  public GateDecision gate(@QueryParam("candidateId") Long candidateId)
      throws NotFoundException, ModelLoadException {
    return retraining.gate(required(candidateId, "candidateId"), caller(security));
  }

  @POST
  @Path("rollback")
  public ModelVersionView rollback(@QueryParam("taxonomyId") Long taxonomyId)
      throws NotFoundException, ModelLoadException {
    return retraining.rollback(required(taxonomyId, "taxonomyId"), caller(security));
  }
}
