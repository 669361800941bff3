package dev.qcat.interfaces.rest;

import dev.qcat.application.EvaluationRunner;
import dev.qcat.application.EvaluationRunner.EvaluationRun;
import dev.qcat.application.EvaluationService;
import dev.qcat.application.EvaluationService.EvaluationDetail;
import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.evaluation.CategoryMetrics;
import dev.qcat.domain.model.evaluation.OperatingPoint;
import dev.qcat.domain.model.evaluation.ReliabilityBin;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Model evaluations (issue 6): {@code GET /evaluations/{id}} reads a stored one, {@code GET
 * /evaluations/runs/{runId}} follows a background run started with {@code POST
 * /model-versions/{id}/evaluations} ({@link ModelEvaluationResource}). Figures that do not exist
 * (NaN: an empty reliability bin, no auto-routed question at a threshold) are JSON null.
 */
@Path("evaluations")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class EvaluationResource {

  @EJB private EvaluationService evaluations;
  @EJB private EvaluationRunner runner;

  /** A run's state and progress (this server's runs only). */
  @GET
  @Path("runs/{runId}")
  @RolesAllowed(Roles.ADMIN)
  public EvaluationRun run(@PathParam("runId") String runId) throws NotFoundException {
    return runner.find(runId).orElseThrow(() -> new NotFoundException("Evaluation run", runId));
  }

  /**
   * Asks a run to stop: 202 with the run, {@code "cancelling": true} until it has stopped, then
   * state CANCELLED (nothing stored); 409 when it has already finished.
   */
  @POST
  @Path("runs/{runId}/cancel")
  @RolesAllowed(Roles.ADMIN)
  public Response cancel(@PathParam("runId") String runId) throws NotFoundException {
    EvaluationRun r =
        runner.cancel(runId).orElseThrow(() -> new NotFoundException("Evaluation run", runId));
    if (r.state().finished() && !r.cancelling()) {
      throw new ClientErrorException(
          "Evaluation run " + runId + " has already finished (" + r.state() + ").",
          Response.Status.CONFLICT);
    }
    return Response.accepted(r).build();
  }

  /** One evaluation with per-category metrics, confusion matrix, reliability bins, curve. */
  @GET
  @Path("{id:[0-9]+}")
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
  public JsonObject detail(@PathParam("id") long id) throws NotFoundException {
    return toJson(evaluations.detail(id));
  }

  static JsonObject toJson(EvaluationDetail d) {
    EvaluationView s = d.summary();
    JsonObjectBuilder o =
        Json.createObjectBuilder()
            .add("id", s.id())
            .add("modelVersionId", s.modelVersionId())
            .add("modelVersionName", s.modelVersionName())
            .add("datasetName", s.datasetName())
            .add("split", s.split())
            .add("createdAt", s.createdAt().toString())
            .add("createdBy", s.createdBy())
            .add("durationMs", s.durationMs())
            .add("examples", s.examples())
            .add("skipped", s.skipped());
    if (s.datasetId() == null) {
      o.addNull("datasetId");
    } else {
      o.add("datasetId", s.datasetId());
    }
    number(o, "accuracy", s.accuracy());
    number(o, "macroF1", s.macroF1());
    number(o, "ece", s.ece());
    number(o, "eceUncalibrated", s.eceUncalibrated());
    number(o, "nll", s.nll() == null ? Double.NaN : s.nll());
    number(o, "temperature", s.temperature());
    number(
        o, "fittedTemperature", s.fittedTemperature() == null ? Double.NaN : s.fittedTemperature());
    number(o, "threshold", s.threshold());
    number(o, "reviewShare", s.reviewShare());
    number(o, "autoAccuracy", s.autoAccuracy() == null ? Double.NaN : s.autoAccuracy());
    JsonArrayBuilder perCategory = Json.createArrayBuilder();
    for (CategoryMetrics c : d.perCategory()) {
      JsonObjectBuilder m = Json.createObjectBuilder().add("category", c.category());
      number(m, "precision", c.precision());
      number(m, "recall", c.recall());
      number(m, "f1", c.f1());
      perCategory.add(m.add("support", c.support()));
    }
    JsonArrayBuilder labels = Json.createArrayBuilder();
    d.confusion().labels().forEach(labels::add);
    JsonArrayBuilder rows = Json.createArrayBuilder();
    for (long[] row : d.confusion().counts()) {
      JsonArrayBuilder r = Json.createArrayBuilder();
      for (long v : row) {
        r.add(v);
      }
      rows.add(r);
    }
    JsonArrayBuilder curve = Json.createArrayBuilder();
    for (OperatingPoint p : d.operatingCurve()) {
      JsonObjectBuilder m = Json.createObjectBuilder();
      number(m, "threshold", p.threshold());
      number(m, "reviewShare", p.reviewShare());
      m.add("autoRouted", p.autoRouted());
      number(m, "autoAccuracy", p.autoAccuracy());
      curve.add(m);
    }
    return o.add("perCategory", perCategory)
        .add(
            "confusionMatrix", Json.createObjectBuilder().add("labels", labels).add("counts", rows))
        .add("reliability", bins(d.reliability()))
        .add("reliabilityUncalibrated", bins(d.reliabilityUncalibrated()))
        .add("operatingCurve", curve)
        .build();
  }

  private static JsonArrayBuilder bins(List<ReliabilityBin> bins) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    for (ReliabilityBin b : bins) {
      JsonObjectBuilder m = Json.createObjectBuilder();
      number(m, "lower", b.lower());
      number(m, "upper", b.upper());
      m.add("count", b.count());
      number(m, "meanConfidence", b.meanConfidence());
      number(m, "accuracy", b.accuracy());
      a.add(m);
    }
    return a;
  }

  private static void number(JsonObjectBuilder o, String name, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.addNull(name);
    } else {
      o.add(name, v);
    }
  }
}
