package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.ModelVersionService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.modelversion.Quantization;
import dev.qcat.interfaces.rest.dto.NewModelVersionRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.Locale;

/** Model versions: register, list, activate. */
@Path("model-versions")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ModelVersionResource {

  @EJB private ModelVersionService modelVersions;
  @Context private SecurityContext security;

  @GET
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
  public List<ModelVersionView> list(@QueryParam("taxonomyId") Long taxonomyId)
      throws NotFoundException {
    return modelVersions.list(required(taxonomyId, "taxonomyId"));
  }

  @GET
  @Path("{id}")
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
  public ModelVersionView find(@PathParam("id") long id) throws NotFoundException {
    return modelVersions.find(id);
  }

  /** Registers a CANDIDATE version; the files are read when it is activated. */
  @POST
  @RolesAllowed(Roles.ADMIN)
  public Response register(NewModelVersionRequest r) throws NotFoundException {
    required(r, "body");
    Quantization q;
    try {
      q =
          r.quantization() == null
              ? Quantization.NONE
              : Quantization.valueOf(r.quantization().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(
          "quantization is '" + r.quantization() + "'; expected NONE, Q8_0 or Q4_0");
    }
    ModelVersionView v =
        modelVersions.register(
            required(r.taxonomyId(), "taxonomyId"),
            required(r.name(), "name"),
            required(r.baseModelPath(), "baseModelPath"),
            r.adapterPath(),
            q,
            r.temperature(),
            r.threshold(),
            caller(security));
    return Response.status(Response.Status.CREATED).entity(v).build();
  }

  /** Loads the version and makes it serve its taxonomy; requests in flight are not failed. */
  @POST
  @Path("{id}/activate")
  @RolesAllowed(Roles.ADMIN)
  public ModelVersionView activate(@PathParam("id") long id)
      throws NotFoundException, ModelLoadException {
    return modelVersions.activate(id, caller(security));
  }
}
