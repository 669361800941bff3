package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.CategorizationService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.PredictionView;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.question.NoActiveModelException;
import dev.qcat.interfaces.health.ClassificationMetrics;
import dev.qcat.interfaces.rest.dto.BatchResponse;
import dev.qcat.interfaces.rest.dto.ClassifyBatchRequest;
import dev.qcat.interfaces.rest.dto.ClassifyRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code POST /classify} and {@code POST /classify/batch}. */
@Path("classify")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.API_CLIENT, Roles.ADMIN, Roles.REVIEWER})
public class ClassificationResource {

  @EJB private CategorizationService categorization;
  @Inject private ClassificationMetrics metrics;
  @Context private SecurityContext security;

  @Inject
  @ConfigProperty(name = "qcat.classify.max-text-length", defaultValue = "2000")
  private int maxTextLength;

  @Inject
  @ConfigProperty(name = "qcat.classify.max-batch-size", defaultValue = "256")
  private int maxBatchSize;

  /** Classifies one question; the prediction is stored, and routed to review when uncertain. */
  @POST
  public PredictionView classify(ClassifyRequest request)
      throws NotFoundException, NoActiveModelException {
    required(request, "body");
    String text = checked(request.text(), "text");
    return run(request.taxonomy(), List.of(text)).get(0);
  }

  /** Classifies many questions in one call (one micro-batch). */
  @POST
  @Path("batch")
  public BatchResponse classifyBatch(ClassifyBatchRequest request)
      throws NotFoundException, NoActiveModelException {
    required(request, "body");
    List<String> texts = required(request.texts(), "texts");
    if (texts.isEmpty()) {
      throw new BadRequestException("\"texts\" must hold at least one question.");
    }
    if (texts.size() > maxBatchSize) {
      throw new PayloadTooLargeException(
          "\"texts\" holds " + texts.size() + " questions; the limit is " + maxBatchSize + ".");
    }
    for (int i = 0; i < texts.size(); i++) {
      checked(texts.get(i), "texts[" + i + "]");
    }
    return new BatchResponse(run(request.taxonomy(), texts));
  }

  private List<PredictionView> run(String taxonomy, List<String> texts)
      throws NotFoundException, NoActiveModelException {
    List<PredictionView> out = categorization.classify(taxonomy, texts, caller(security));
    out.forEach(metrics::record);
    return out;
  }

  private String checked(String text, String field) {
    required(text, field);
    if (text.length() > maxTextLength) {
      throw new PayloadTooLargeException(
          "\""
              + field
              + "\" has "
              + text.length()
              + " characters; the limit is "
              + maxTextLength
              + " (qcat.classify.max-text-length).");
    }
    return text;
  }
}
