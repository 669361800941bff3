package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.AccessService;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.interfaces.rest.dto.ApiClientKey;
import dev.qcat.interfaces.rest.dto.NewApiClientRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/** API clients: an admin creates one and receives its key once. */
@Path("api-clients")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ApiClientResource {

  @EJB private AccessService access;
  @Context private SecurityContext security;

  @POST
  public Response create(NewApiClientRequest r) {
    required(r, "body");
    String name = required(r.name(), "name");
    String key = access.createApiClient(name, caller(security));
    return Response.status(Response.Status.CREATED)
        .entity(new ApiClientKey(name, key, "X-API-Key"))
        .build();
  }
}
