package dev.qcat.interfaces.rest;

import static dev.qcat.interfaces.rest.Requests.caller;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.DatasetView;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.dataset.ImportReport;
import dev.qcat.domain.model.dataset.Split;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Datasets and the seed JSONL import. */
@Path("datasets")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

  @EJB private DatasetImportService datasets;
  @Context private SecurityContext security;

  @Inject
  @ConfigProperty(name = "qcat.classify.max-text-length", defaultValue = "2000")
  private int maxTextLength;

  @GET
  @Path("{id}")
  @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
  public DatasetView find(@PathParam("id") long id) throws NotFoundException {
    return datasets.find(id);
  }

  /**
   * Imports a seed-format JSONL upload (request body, any content type, UTF-8): one {@code
   * {"instruction", "input", "output"}} object per line. Bad lines are skipped and listed in the
   * report with their line number and reason.
   *
   * @param split split of lines without a "split" field: train (default), valid or test
   * @param createCategories true to add unknown categories to the taxonomy
   * @param format {@code jsonl} (default) or {@code csv} (columns {@code text,label}, RFC 4180)
   */
  @POST
  @Path("{id}/import")
  @Consumes(MediaType.WILDCARD)
  @RolesAllowed(Roles.ADMIN)
  public ImportReport importJsonl(
      @PathParam("id") long id,
      @QueryParam("split") @DefaultValue("train") String split,
      @QueryParam("createCategories") @DefaultValue("false") boolean createCategories,
      @QueryParam("format") @DefaultValue("jsonl") String format,
      InputStream body)
      throws NotFoundException {
    Split s =
        Split.parse(split)
            .orElseThrow(
                () ->
                    new BadRequestException(
                        "split is '" + split + "'; expected train, valid or test"));
    DatasetImportService.Format f =
        switch (format.toLowerCase(java.util.Locale.ROOT)) {
          case "jsonl" -> DatasetImportService.Format.JSONL;
          case "csv" -> DatasetImportService.Format.CSV;
          default ->
              throw new BadRequestException("format is '" + format + "'; expected jsonl or csv");
        };
    return datasets.importFile(
        id,
        body,
        new DatasetImportService.ImportOptions(f, s, createCategories, maxTextLength),
        caller(security),
        null);
  }
}
