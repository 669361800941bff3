package dev.qcat.interfaces.rest;

import dev.qcat.application.CategorizationService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.PredictionView;
import dev.qcat.domain.model.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Stored predictions (every classification is kept). */
@Path("predictions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
public class PredictionResource {

  @EJB private CategorizationService categorization;

  @GET
  @Path("{id}")
  public PredictionView find(@PathParam("id") long id) throws NotFoundException {
    return categorization.find(id);
  }
}
