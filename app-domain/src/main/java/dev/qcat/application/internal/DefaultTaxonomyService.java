package dev.qcat.application.internal;

import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.Views.CategoryView;
import dev.qcat.application.Views.TaxonomyView;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.dataset.Dataset;
import dev.qcat.domain.model.dataset.DatasetKind;
import dev.qcat.domain.model.dataset.DatasetRepository;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.List;

/** {@link TaxonomyService}. */
@Stateless
public class DefaultTaxonomyService implements TaxonomyService {

  @Inject private TaxonomyRepository taxonomies;
  @Inject private DatasetRepository datasets;
  @Inject private AuditLog audit;

  @Override
  public TaxonomyView create(
      String name,
      String instruction,
      Double reviewThreshold,
      Double auditRate,
      List<NewCategory> categories,
      String actor) {
    int version = taxonomies.findLatestByName(name).map(t -> t.version() + 1).orElse(1);
    Taxonomy t = new Taxonomy(name, version);
    if (instruction != null) {
      t.changeInstruction(instruction);
    }
    t.changeRouting(
        reviewThreshold == null ? Taxonomy.DEFAULT_REVIEW_THRESHOLD : reviewThreshold,
        auditRate == null ? Taxonomy.DEFAULT_AUDIT_RATE : auditRate);
    for (NewCategory c : categories == null ? List.<NewCategory>of() : categories) {
      Category parent =
          c.parent() == null
              ? null
              : t.category(c.parent())
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "parent '"
                                  + c.parent()
                                  + "' of '"
                                  + c.name()
                                  + "' is not listed before it"));
      t.addCategory(c.name(), c.description(), parent).changeReviewThreshold(c.reviewThreshold());
    }
    taxonomies.store(t);
    datasets.store(new Dataset(t, Dataset.FEEDBACK_NAME, DatasetKind.FEEDBACK));
    audit.record(
        new AuditEvent(actor, "taxonomy.create", "Taxonomy", t.id(), name + " v" + version));
    return TaxonomyView.of(t);
  }

  @Override
  public List<TaxonomyView> list() {
    return taxonomies.findAll().stream().map(TaxonomyView::of).toList();
  }

  @Override
  public TaxonomyView find(long id) throws NotFoundException {
    return TaxonomyView.of(taxonomy(id));
  }

  @Override
  public List<CategoryView> categories(long taxonomyId) throws NotFoundException {
    return taxonomy(taxonomyId).categories().stream().map(CategoryView::of).toList();
  }

  private Taxonomy taxonomy(long id) throws NotFoundException {
    return taxonomies.find(id).orElseThrow(() -> new NotFoundException("Taxonomy", id));
  }
}
