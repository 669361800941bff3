package dev.qcat.application.internal;

import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.TaxonomyService.CategoryChange;
import dev.qcat.application.Views.AuditView;
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
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import dev.qcat.domain.model.question.Prediction;
import dev.qcat.domain.model.question.PredictionRepository;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link TaxonomyService}. */
@Stateless
public class DefaultTaxonomyService implements TaxonomyService {

  @Inject private TaxonomyRepository taxonomies;
  @Inject private DatasetRepository datasets;
  @Inject private AuditLog audit;
  @Inject private PredictionRepository predictions;
  @Inject private ModelVersionRepository modelVersions;

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
      int carried = carryOpenReviews(t, r.name(), c, c);
      action = "rename";
      details = r.name() + " -> " + r.newName() + "; open reviews restated: " + carried;
    } else if (change instanceof CategoryChange.Move m) {
      String parent = m.newParent() == null || m.newParent().isBlank() ? null : m.newParent();
      c = t.moveCategory(m.name(), parent);
      action = "move";
      details = m.name() + " under " + (parent == null ? "(top level)" : parent);
    } else if (change instanceof CategoryChange.Retire r) {
      c = t.retireCategory(r.name());
      action = "retire";
      details = r.name();
    } else if (change instanceof CategoryChange.Merge m) {
      Category from =
          t.category(m.source())
              .orElseThrow(() -> new IllegalArgumentException("no category '" + m.source() + "'"));
      c = t.mergeCategory(m.source(), m.target());
      taxonomies.flush();
      int examples = datasets.relabelExamples(from.id(), c.id());
      int carried = carryOpenReviews(t, from.name(), from, c);
      action = "merge";
      details =
          m.source()
              + " into "
              + m.target()
              + "; examples relabelled: "
              + examples
              + ", open reviews carried: "
              + carried;
    } else if (change instanceof CategoryChange.Split sp) {
      List<Category> parts = t.splitCategory(sp.name(), sp.parts());
      taxonomies.store(t);
      c = t.category(sp.name()).orElseThrow();
      long waiting = datasets.countExamplesByCategory(t.id()).getOrDefault(c.id(), 0L);
      action = "split";
      details =
          sp.name()
              + " into "
              + String.join(", ", parts.stream().map(Category::name).toList())
              + "; "
              + waiting
              + " examples stay with "
              + sp.name()
              + " until relabelled";
    } else {
      throw new IllegalArgumentException("unknown change " + change);
    }
    taxonomies.store(t);
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

  /** Restates the open reviews' predictions after {@code fromName} became {@code to}. */
  private int carryOpenReviews(Taxonomy t, String fromName, Category from, Category to) {
    int n = 0;
    for (Prediction p : predictions.findWithOpenReview(t.id())) {
      if (p.carryOver(fromName, from, to)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public UntrainedChanges untrainedChanges(long taxonomyId) throws NotFoundException {
    Taxonomy t = taxonomy(taxonomyId);
    Optional<ModelVersion> active = modelVersions.findActive(taxonomyId);
    List<AuditView> changes = new ArrayList<>();
    for (AuditEvent e : audit.about("Taxonomy", taxonomyId)) {
      if (e.action().startsWith("taxonomy.category.")
          && (active.isEmpty() || e.occurredAt().isAfter(active.get().createdAt()))) {
        changes.add(AuditView.of(e));
      }
    }
    List<String> zeroShot =
        active.isEmpty()
            ? List.of()
            : t.activeCategories().stream()
                .filter(c -> c.isNewerThan(active.get().createdAt()))
                .map(Category::name)
                .toList();
    return new UntrainedChanges(
        active.map(ModelVersion::name).orElse(null),
        active.map(ModelVersion::createdAt).orElse(null),
        changes,
        zeroShot);
  }
}
