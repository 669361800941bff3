package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.NotFoundException;
import dev.qcat.application.ReviewService;
import dev.qcat.application.Views.ReviewView;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.review.ReviewConflictException;
import dev.qcat.domain.model.review.ReviewStatus;
import dev.qcat.domain.model.review.ReviewTaskRepository.Order;
import dev.qcat.interfaces.rest.dto.ResolveRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.Locale;

/** The review queue. */
@Path("reviews")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.REVIEWER, Roles.ADMIN})
public class ReviewResource {

  @EJB private ReviewService reviews;
  @Context private SecurityContext security;

  /**
   * Lists review tasks.
   *
   * @param status OPEN, CLAIMED or RESOLVED; absent for all
   * @param sort "confidence" (lowest first, default), "-confidence" or "created"
   */
  @GET
  public List<ReviewView> list(
      @QueryParam("status") String status,
      @QueryParam("taxonomyId") Long taxonomyId,
      @QueryParam("sort") @DefaultValue("confidence") String sort,
      @QueryParam("first") @DefaultValue("0") int first,
      @QueryParam("max") @DefaultValue("50") int max) {
    ReviewStatus s = null;
    if (status != null && !status.isBlank()) {
      try {
        s = ReviewStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException(
            "status is '" + status + "'; expected OPEN, CLAIMED or RESOLVED");
      }
    }
    Order order =
        switch (sort) {
          case "confidence" -> Order.CONFIDENCE_ASC;
          case "-confidence" -> Order.CONFIDENCE_DESC;
          case "created" -> Order.CREATED_ASC;
          default ->
              throw new BadRequestException(
                  "sort is '" + sort + "'; expected confidence, -confidence or created");
        };
    if (first < 0 || max < 1 || max > 1000) {
      throw new BadRequestException("expected first ≥ 0 and max in [1, 1000]");
    }
    return reviews.list(s, taxonomyId, order, first, max);
  }

  @GET
  @Path("{id}")
  public ReviewView find(@PathParam("id") long id) throws NotFoundException {
    return reviews.find(id);
  }

  /** Reserves the task for the caller; 409 when someone else holds it or it is resolved. */
  @POST
  @Path("{id}/claim")
  public ReviewView claim(@PathParam("id") long id)
      throws NotFoundException, ReviewConflictException {
    return reviews.claim(id, caller(security));
  }

  /**
   * Resolves the task with a category; the question becomes an Example of the feedback dataset. A
   * second resolve answers 409 and changes nothing.
   */
  @POST
  @Path("{id}/resolve")
  public ReviewView resolve(@PathParam("id") long id, ResolveRequest request)
      throws NotFoundException, ReviewConflictException {
    required(request, "body");
    return reviews.resolve(id, required(request.category(), "category"), caller(security));
  }
}
