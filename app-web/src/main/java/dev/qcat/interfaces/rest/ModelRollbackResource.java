package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.NotFoundException;
import dev.qcat.application.RetrainingService;
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
 * One-action rollback (admin, issue 7): {@code POST /model-versions/rollback?taxonomyId=} makes the
 * previously ACTIVE version of the taxonomy ACTIVE again.
 */
@Path("model-versions/rollback")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ModelRollbackResource {

  @EJB private RetrainingService retraining;
  @Context private SecurityContext security;

  @POST
  public ModelVersionView rollback(@QueryParam("taxonomyId") Long taxonomyId)
      throws NotFoundException, ModelLoadException {
    return retraining.rollback(required(taxonomyId, "taxonomyId"), caller(security));
  }
}
