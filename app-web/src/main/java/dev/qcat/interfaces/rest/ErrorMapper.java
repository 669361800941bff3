package dev.qcat.interfaces.rest;

import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.question.NoActiveModelException;
import dev.qcat.domain.model.review.ReviewConflictException;
import dev.qcat.interfaces.rest.dto.ErrorResponse;
import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure into a JSON {@link ErrorResponse}: unknown id → 404, no model → 503, lost
 * race → 409, bad input and invalid JSON → 400, too long → 413, model files unreadable → 422,
 * anything unexpected → 500 (logged). EJB wrappers are unwrapped first.
 */
@Provider
public class ErrorMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

  @Context private SecurityContext security;

  @Override
  public Response toResponse(Throwable thrown) {
    Throwable e = unwrap(thrown);
    if (e instanceof ForbiddenException && security.getUserPrincipal() == null) {
      // Jersey's RolesAllowed filter answers 403 even without credentials; that is a 401.
      return error(401, "Authentication required: send X-API-Key or HTTP Basic credentials.")
          .header("WWW-Authenticate", "Basic realm=\"qcat\"")
          .build();
    }
    if (e instanceof WebApplicationException w) {
      Response r = w.getResponse();
      Response.ResponseBuilder b =
          error(r.getStatus(), message(w, Status.fromStatusCode(r.getStatus())));
      if (r.getStatus() == 401) {
        b.header("WWW-Authenticate", "Basic realm=\"qcat\"");
      }
      return b.build();
    }
    if (e instanceof NotFoundException) {
      return error(404, e.getMessage()).build();
    }
    if (e instanceof NoActiveModelException) {
      return error(503, e.getMessage()).header("Retry-After", "30").build();
    }
    if (e instanceof ReviewConflictException) {
      return error(409, e.getMessage()).build();
    }
    if (e instanceof OptimisticLockException) {
      return error(409, "Changed by someone else at the same time; nothing was changed.").build();
    }
    if (e instanceof PayloadTooLargeException) {
      return error(413, e.getMessage()).build();
    }
    if (e instanceof ModelLoadException) {
      return error(422, e.getMessage()).build();
    }
    if (e instanceof JsonbException || e instanceof JsonException) {
      return error(400, "Invalid JSON: " + rootMessage(e)).build();
    }
    if (e instanceof ProcessingException) {
      return error(400, "Invalid request body: " + rootMessage(e)).build();
    }
    if (e instanceof IllegalArgumentException) {
      return error(400, e.getMessage()).build();
    }
    if (e instanceof EJBAccessException) {
      return error(403, "Your role does not allow this.").build();
    }
    LOG.log(Level.SEVERE, "unexpected failure", thrown);
    return error(500, "Internal error: " + e.getClass().getSimpleName() + " (see server.log)")
        .build();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof EJBException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ProcessingException && t.getCause() instanceof JsonbException j) {
      return j;
    }
    return t;
  }

  private static String message(WebApplicationException w, Status status) {
    String m = w.getMessage();
    if (m == null || m.startsWith("HTTP ")) {
      return status == null ? "Request failed." : status.getReasonPhrase() + ".";
    }
    return m;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static Response.ResponseBuilder error(int status, String message) {
    Status s = Status.fromStatusCode(status);
    String reason =
        s == null ? (status == 422 ? "Unprocessable Content" : "Error") : s.getReasonPhrase();
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ErrorResponse(status, reason, message));
  }
}
