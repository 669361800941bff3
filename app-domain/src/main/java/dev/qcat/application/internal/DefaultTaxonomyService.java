package dev.qcat.application.internal;

import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.TaxonomyService.CategoryChange;
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

  @Override
  public java.util.Map<String, Long> exampleCounts(long taxonomyId) throws NotFoundException {
    Taxonomy t = taxonomy(taxonomyId);
    java.util.Map<Long, Long> byId = datasets.countExamplesByCategory(taxonomyId);
    java.util.Map<String, Long> counts = new java.util.HashMap<>();
    for (Category c : t.categories()) {
      counts.put(c.name(), byId.getOrDefault(c.id(), 0L));
    }
    return counts;
  }

  @Override
  public TaxonomyView change(long taxonomyId, CategoryChange change, String actor)
      throws NotFoundException {
    Taxonomy t = taxonomy(taxonomyId);
    String action;
    String details;
    Category c;
    if (change instanceof CategoryChange.Add a) {
      Category parent =
          a.parent() == null || a.parent().isBlank()
              ? null
              : t.category(a.parent())
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException("no parent category '" + a.parent() + "'"));
      c = t.addCategory(a.name(), a.description(), parent);
      action = "add";
      details = a.name();
    } else if (change instanceof CategoryChange.Rename r) {
      c = t.renameCategory(r.name(), r.newName());
      action = "rename";
      details = r.name() + " -> " + r.newName();
    } else if (change instanceof CategoryChange.Move m) {
      String parent = m.newParent() == null || m.newParent().isBlank() ? null : m.newParent();
      c = t.moveCategory(m.name(), parent);
      action = "move";
      details = m.name() + " under " + (parent == null ? "(top level)" : parent);
    } else if (change instanceof CategoryChange.Retire r) {
      c = t.retireCategory(r.name());
      action = "retire";
      details = r.name();
    } else {
      throw new IllegalArgumentException("unknown change " + change);
    }
    int next = taxonomies.findLatestByName(t.name()).map(Taxonomy::version).orElse(t.version()) + 1;
    t.revise(Math.max(next, t.version() + 1));
    taxonomies.flush();
    audit.record(
        new AuditEvent(
            actor,
            "taxonomy.category." + action,
            "Taxonomy",
            t.id(),
            details + "; now v" + t.version() + " (category id " + c.id() + ")"));
    return TaxonomyView.of(t);
  }
}
