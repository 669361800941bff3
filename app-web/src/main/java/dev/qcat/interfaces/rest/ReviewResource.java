package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.NotFoundException;
import dev.qcat.application.ReviewService;
import dev.qcat.application.Views.ReviewView;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.review.ReviewConflictException;
import dev.qcat.domain.model.review.ReviewFilter;
import dev.qcat.domain.model.review.ReviewOutcome;
import dev.qcat.domain.model.review.ReviewStatus;
import dev.qcat.domain.model.review.ReviewTaskRepository.Order;
import dev.qcat.domain.model.review.ReviewerCounts;
import dev.qcat.domain.model.review.SimilarExample;
import dev.qcat.interfaces.rest.dto.MarkRequest;
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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
   * @param outcome LABELLED, AMBIGUOUS or NEW_CATEGORY (resolved tasks closed that way); absent for
   *     any
   * @param categoryId the category the model predicted; absent for all
   * @param modelVersionId the model version that predicted; absent for all
   * @param sort "confidence" (lowest first, default), "-confidence" or "created" (oldest first)
   */
  @GET
  public List<ReviewView> list(
      @QueryParam("status") String status,
      @QueryParam("outcome") String outcome,
      @QueryParam("taxonomyId") Long taxonomyId,
      @QueryParam("categoryId") Long categoryId,
      @QueryParam("modelVersionId") Long modelVersionId,
      @QueryParam("sort") @DefaultValue("confidence") String sort,
      @QueryParam("first") @DefaultValue("0") int first,
      @QueryParam("max") @DefaultValue("50") int max) {
    if (first < 0 || max < 1 || max > 1000) {
      throw new BadRequestException("expected first ≥ 0 and max in [1, 1000]");
    }
    ReviewFilter filter = filter(status, outcome, taxonomyId, categoryId, modelVersionId);
    return reviews.list(filter, order(sort), first, max);
  }

  /**
   * "Next task": claims the first OPEN task in {@code sort} order that passes the filters (or
   * returns the one the caller already holds). Concurrent callers get different tasks.
   *
   * @return 200 with the task, or 204 when none is left
   */
  @POST
  @Path("next")
  public Response next(
      @QueryParam("taxonomyId") Long taxonomyId,
      @QueryParam("categoryId") Long categoryId,
      @QueryParam("modelVersionId") Long modelVersionId,
      @QueryParam("sort") @DefaultValue("confidence") String sort) {
    ReviewFilter filter = new ReviewFilter(Set.of(), null, taxonomyId, categoryId, modelVersionId);
    return reviews
        .claimNext(filter, order(sort), List.of(), caller(security))
        .map(v -> Response.ok(v).build())
        .orElseGet(() -> Response.noContent().build());
  }

  /** Resolved tasks per reviewer and outcome, today (server time zone) and in all time. */
  @GET
  @Path("counts")
  public List<ReviewerCounts> counts() {
    return reviews.reviewerCounts();
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

  /** Gives a task the caller claimed back to the queue (a skip); 409 when someone else holds it. */
  @POST
  @Path("{id}/release")
  public ReviewView release(@PathParam("id") long id)
      throws NotFoundException, ReviewConflictException {
    return reviews.release(id, caller(security));
  }

  /**
   * Closes the task as AMBIGUOUS or NEW_CATEGORY with an optional note; no training example is
   * added. 409 when already resolved or claimed by someone else.
   */
  @POST
  @Path("{id}/mark")
  public ReviewView mark(@PathParam("id") long id, MarkRequest request)
      throws NotFoundException, ReviewConflictException {
    required(request, "body");
    String name = required(request.outcome(), "outcome").trim().toUpperCase(Locale.ROOT);
    ReviewOutcome outcome;
    try {
      outcome = ReviewOutcome.valueOf(name);
    } catch (IllegalArgumentException e) {
      outcome = null;
    }
    if (outcome != ReviewOutcome.AMBIGUOUS && outcome != ReviewOutcome.NEW_CATEGORY) {
      throw new BadRequestException(
          "outcome is '" + request.outcome() + "'; expected AMBIGUOUS or NEW_CATEGORY");
    }
    return reviews.mark(id, outcome, request.note(), caller(security));
  }

  /**
   * Already-labelled examples of the task's taxonomy that resemble its question (trigram
   * similarity), most similar first.
   *
   * @param limit the most examples, 1 to 50 (default 5)
   */
  @GET
  @Path("{id}/similar")
  public List<SimilarExample> similar(
      @PathParam("id") long id, @QueryParam("limit") @DefaultValue("5") int limit)
      throws NotFoundException {
    if (limit < 1 || limit > 50) {
      throw new BadRequestException("limit is " + limit + "; expected 1 to 50");
    }
    return reviews.similarExamples(id, limit);
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

  private static ReviewFilter filter(
      String status, String outcome, Long taxonomyId, Long categoryId, Long modelVersionId) {
    Set<ReviewStatus> statuses = EnumSet.noneOf(ReviewStatus.class);
    if (status != null && !status.isBlank()) {
      statuses.add(parse(ReviewStatus.class, status, "status", "OPEN, CLAIMED or RESOLVED"));
    }
    ReviewOutcome o = null;
    if (outcome != null && !outcome.isBlank()) {
      o = parse(ReviewOutcome.class, outcome, "outcome", "LABELLED, AMBIGUOUS or NEW_CATEGORY");
    }
    return new ReviewFilter(statuses, o, taxonomyId, categoryId, modelVersionId);
  }

  private static <E extends Enum<E>> E parse(
      Class<E> type, String value, String field, String expected) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(field + " is '" + value + "'; expected " + expected);
    }
  }

  private static Order order(String sort) {
    return switch (sort) {
      case "confidence" -> Order.CONFIDENCE_ASC;
      case "-confidence" -> Order.CONFIDENCE_DESC;
      case "created" -> Order.CREATED_ASC;
      default ->
          throw new BadRequestException(
              "sort is '" + sort + "'; expected confidence, -confidence or created");
    };
  }
}
