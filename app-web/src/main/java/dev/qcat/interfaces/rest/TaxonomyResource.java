package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;
import static dev.qcat.interfaces.rest.Requests.required;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.TaxonomyService.NewCategory;
import dev.qcat.application.Views.CategoryView;
import dev.qcat.application.Views.DatasetView;
import dev.qcat.application.Views.TaxonomyView;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.interfaces.rest.dto.NewDatasetRequest;
import dev.qcat.interfaces.rest.dto.NewTaxonomyRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
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

/** Taxonomies, their categories and datasets. */
@Path("")
@RequestScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class TaxonomyResource {

  @EJB private TaxonomyService taxonomies;
  @EJB private DatasetImportService datasets;
  @Context private SecurityContext security;

  @GET
  @Path("taxonomies")
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER, Roles.API_CLIENT})
  public List<TaxonomyView> list() {
    return taxonomies.list();
  }

  @GET
  @Path("taxonomies/{id}")
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER, Roles.API_CLIENT})
  public TaxonomyView find(@PathParam("id") long id) throws NotFoundException {
    return taxonomies.find(id);
  }

  /** Creates a taxonomy (the next version when the name exists) with its categories. */
  @POST
  @Path("taxonomies")
  @RolesAllowed(Roles.ADMIN)
  public Response create(NewTaxonomyRequest r) {
    required(r, "body");
    required(r.name(), "name");
    List<NewCategory> categories =
        r.categories() == null
            ? List.of()
            : r.categories().stream()
                .map(
                    c ->
                        new NewCategory(
                            required(c.name(), "categories[].name"),
                            c.description(),
                            c.parent(),
                            c.reviewThreshold()))
                .toList();
    TaxonomyView t =
        taxonomies.create(
            r.name(),
            r.instruction(),
            r.reviewThreshold(),
            r.auditRate(),
            categories,
            caller(security));
    return Response.status(Response.Status.CREATED).entity(t).build();
  }

  /** Categories of a taxonomy (default: the only or first one). */
  @GET
  @Path("categories")
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER, Roles.API_CLIENT})
  public List<CategoryView> categories(@QueryParam("taxonomyId") Long taxonomyId)
      throws NotFoundException {
    if (taxonomyId == null) {
      List<TaxonomyView> all = taxonomies.list();
      if (all.isEmpty()) {
        throw new NotFoundException("Taxonomy", "(none created yet)");
      }
      return all.get(0).categories();
    }
    return taxonomies.categories(taxonomyId);
  }

  @GET
  @Path("taxonomies/{id}/categories")
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER, Roles.API_CLIENT})
  public List<CategoryView> categoriesOf(@PathParam("id") long id) throws NotFoundException {
    return taxonomies.categories(id);
  }

  @GET
  @Path("taxonomies/{id}/datasets")
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
  public List<DatasetView> datasetsOf(@PathParam("id") long id) throws NotFoundException {
    return datasets.list(id);
  }

  @POST
  @Path("taxonomies/{id}/datasets")
  @RolesAllowed(Roles.ADMIN)
  public Response createDataset(@PathParam("id") long id, NewDatasetRequest r)
      throws NotFoundException {
    required(r, "body");
    DatasetView d = datasets.create(id, required(r.name(), "name"), caller(security));
    return Response.status(Response.Status.CREATED).entity(d).build();
  }
}
