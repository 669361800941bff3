package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.JobControl;
import dev.qcat.application.JobViews.ScheduleView;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.interfaces.rest.dto.ScheduleRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;

/** Job schedules (admin, issue 7): list, create or replace, delete; timers follow at once. */
@Path("schedules")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ScheduleResource {

  @EJB private JobControl jobs;
  @Context private SecurityContext security;

  @GET
  public List<ScheduleView> list() {
    return jobs.schedules();
  }

  @PUT
  public ScheduleView save(ScheduleRequest r) throws NotFoundException {
    required(r, "body");
    return jobs.saveSchedule(
        required(r.taxonomyId(), "taxonomyId"),
        required(r.job(), "job"),
        required(r.cron(), "cron"),
        r.parameters(),
        r.enabled() == null || r.enabled(),
        caller(security));
  }

  @DELETE
  @Path("{id}")
  public Response delete(@PathParam("id") long id) throws NotFoundException {
    jobs.deleteSchedule(id, caller(security));
    return Response.noContent().build();
  }
}
