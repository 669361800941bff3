package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.JobConflictException;
import dev.qcat.application.JobControl;
import dev.qcat.application.JobViews.JobRunView;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.interfaces.rest.dto.ReportLine;
import dev.qcat.interfaces.rest.dto.StartJobRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ClientErrorException;
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
import java.util.Map;

/**
 * Batch jobs (admin, issue 7): list runs, start one by hand, stop, restart, read a run's progress,
 * log and import report. A start that conflicts with a running job answers 409.
 */
@Path("jobs")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class JobResource {

  @EJB private JobControl jobs;
  @Context private SecurityContext security;

  /** Runs, newest first, with batch status and progress (no logs). */
  @GET
  public List<JobRunView> list(
      @QueryParam("taxonomyId") Long taxonomyId, @QueryParam("max") Integer max) {
    return jobs.runs(taxonomyId, max == null ? 100 : Math.max(1, Math.min(max, 1000)));
  }

  /** Starts a job; 202 with the run. */
  @POST
  public Response start(StartJobRequest r) throws NotFoundException {
    required(r, "body");
    try {
      JobRunView v =
          jobs.start(
              required(r.job(), "job"),
              required(r.taxonomyId(), "taxonomyId"),
              r.parameters() == null ? Map.of() : r.parameters(),
              caller(security));
      return Response.accepted(v).build();
    } catch (JobConflictException e) {
      throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
    }
  }

  /** One run with its progress and log. */
  @GET
  @Path("{instanceId}")
  public JobRunView find(@PathParam("instanceId") long instanceId) throws NotFoundException {
    return jobs.run(instanceId);
  }

  /** The run's log as text. */
  @GET
  @Path("{instanceId}/log")
  @Produces(MediaType.TEXT_PLAIN)
  public String log(@PathParam("instanceId") long instanceId) throws NotFoundException {
    return jobs.run(instanceId).log();
  }

  /** Skipped lines of an import run, by line number. */
  @GET
  @Path("{instanceId}/report")
  public List<ReportLine> report(
      @PathParam("instanceId") long instanceId, @QueryParam("max") Integer max)
      throws NotFoundException {
    return jobs.report(instanceId, max == null ? 10_000 : Math.max(1, max)).entrySet().stream()
        .map(e -> new ReportLine(e.getKey(), e.getValue()))
        .toList();
  }

  @POST
  @Path("{instanceId}/stop")
  public JobRunView stop(@PathParam("instanceId") long instanceId) throws NotFoundException {
    try {
      return jobs.stop(instanceId, caller(security));
    } catch (JobConflictException e) {
      throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
    }
  }

  @POST
  @Path("{instanceId}/restart")
  public Response restart(@PathParam("instanceId") long instanceId) throws NotFoundException {
    try {
      return Response.accepted(jobs.restart(instanceId, caller(security))).build();
    } catch (JobConflictException e) {
      throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
    }
  }
}
