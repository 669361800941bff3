package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.EvaluationRunner;
import dev.qcat.application.EvaluationRunner.EvaluationRun;
import dev.qcat.application.EvaluationService;
import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.application.ModelVersionService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.DatasetView;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.interfaces.rest.dto.NewEvaluationRequest;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * A model version's evaluations (issue 6): start one in the background ({@code POST}, 202 with the
 * run; follow it at {@code /evaluations/runs/{runId}}) and list the stored ones ({@code GET}).
 */
@Path("model-versions/{id:[0-9]+}/evaluations")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ModelEvaluationResource {

  @EJB private EvaluationService evaluations;
  @EJB private EvaluationRunner runner;
  @EJB private ModelVersionService modelVersions;
  @EJB private DatasetImportService datasets;
  @Context private SecurityContext security;
  @Context private UriInfo uri;

  /**
   * Starts an evaluation of the version on one split of a dataset; answers 202 with the run at once
   * ({@code Location}: the run, to poll).
   */
  @POST
  @RolesAllowed(Roles.ADMIN)
  public Response start(@PathParam("id") long id, NewEvaluationRequest r) throws NotFoundException {
    required(r, "body");
    long datasetId = required(r.datasetId(), "datasetId");
    String splitText = r.split() == null ? "test" : r.split();
    Split split =
        Split.parse(splitText)
            .orElseThrow(
                () ->
                    new BadRequestException(
                        "split is '" + splitText + "'; expected train, valid or test"));
    ModelVersionView v = modelVersions.find(id);
    DatasetView d = datasets.find(datasetId);
    if (d.taxonomyId() != v.taxonomyId()) {
      throw new BadRequestException(
          "dataset " + datasetId + " belongs to another taxonomy than model version " + id);
    }
    EvaluationRun run = runner.start(id, datasetId, split, caller(security));
    return Response.accepted(run)
        .location(uri.getBaseUriBuilder().path("evaluations").path("runs").path(run.id()).build())
        .build();
  }

  /** The version's evaluations, newest first. */
  @GET
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
  public List<EvaluationView> list(@PathParam("id") long id) throws NotFoundException {
    modelVersions.find(id);
    return evaluations.list(id);
  }
}
