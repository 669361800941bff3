package dev.qcat.interfaces.web.taxonomy;

import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.TaxonomyService.CategoryChange;
import dev.qcat.application.Views.CategoryView;
import dev.qcat.application.Views.TaxonomyView;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.interfaces.web.Messages;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.primefaces.model.DefaultTreeNode;
import org.primefaces.model.TreeNode;

/**
 * The taxonomy editor (admin): the categories as a tree with example counts; add, rename, move,
 * retire, merge and split. Each change is one call of {@link TaxonomyService#change}, which makes a
 * new taxonomy version and an audit event. The page lists the changes the active model has not been
 * trained on and the categories it scores zero-shot.
 */
@Named("taxonomyEditor")
@ViewScoped
public class TaxonomyEditorBean implements Serializable {

  private static final long serialVersionUID = 1L;

  @EJB private TaxonomyService service;
  @Inject private SecurityContext security;

  private long taxonomyId;
  private TaxonomyView taxonomy;
  private Map<String, Long> exampleCounts = Map.of();
  private TreeNode<CategoryView> root;

  private String selected;
  private String newName;
  private String newParent;
  private String addName;
  private String addDescription;
  private String addParent;
  private String mergeTarget;
  private String splitParts;
  private TaxonomyService.UntrainedChanges untrained;

  /** Loads the taxonomy named by {@code ?id=}. */
  @PostConstruct
  void init() {
    String id =
        FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("id");
    if (id != null && id.matches("\\d{1,18}")) {
      taxonomyId = Long.parseLong(id);
      load();
    }
  }

  private void load() {
    try {
      taxonomy = service.find(taxonomyId);
      exampleCounts = service.exampleCounts(taxonomyId);
      untrained = service.untrainedChanges(taxonomyId);
    } catch (NotFoundException e) {
      taxonomy = null;
      Messages.warn("taxonomy.notFound", taxonomyId);
      return;
    }
    root = new DefaultTreeNode<>(null, null);
    Map<String, TreeNode<CategoryView>> nodes = new HashMap<>();
    List<CategoryView> pending = taxonomy.categories();
    // Parents first: loop until every category hangs under its parent (the domain forbids cycles).
    while (!pending.isEmpty()) {
      List<CategoryView> later =
          pending.stream()
              .filter(c -> c.parent() != null && !nodes.containsKey(c.parent()))
              .toList();
      for (CategoryView c : pending) {
        if (!later.contains(c)) {
          TreeNode<CategoryView> parent = c.parent() == null ? root : nodes.get(c.parent());
          TreeNode<CategoryView> node = new DefaultTreeNode<>(c, parent);
          node.setExpanded(true);
          nodes.put(c.name(), node);
        }
      }
      if (later.size() == pending.size()) {
        later.forEach(c -> nodes.put(c.name(), new DefaultTreeNode<>(c, root)));
        break;
      }
      pending = later;
    }
  }

  public void add() {
    apply(
        new CategoryChange.Add(trim(addName), trim(addDescription), trim(addParent)),
        "taxonomy.added",
        addName);
    addName = null;
    addDescription = null;
  }

  public void rename() {
    apply(
        new CategoryChange.Rename(selected, trim(newName)), "taxonomy.renamed", selected, newName);
    newName = null;
  }

  public void move() {
    apply(new CategoryChange.Move(selected, trim(newParent)), "taxonomy.moved", selected);
  }

  public void retire() {
    apply(new CategoryChange.Retire(selected), "taxonomy.retired", selected);
  }

  public void merge() {
    apply(
        new CategoryChange.Merge(selected, trim(mergeTarget)),
        "taxonomy.merged",
        selected,
        mergeTarget);
  }

  /**
   * Splits the selected category into the parts typed one per line, {@code name} or {@code name:
   * description}.
   */
  public void split() {
    List<Taxonomy.SplitPart> parts = new ArrayList<>();
    for (String line : (splitParts == null ? "" : splitParts).split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      parts.add(
          colon < 0
              ? new Taxonomy.SplitPart(line.strip(), null)
              : new Taxonomy.SplitPart(
                  line.substring(0, colon).strip(), trim(line.substring(colon + 1))));
    }
    long waiting = examples(selected);
    if (apply(
        new CategoryChange.Split(selected, parts),
        "taxonomy.splitDone",
        selected,
        String.join(", ", parts.stream().map(Taxonomy.SplitPart::name).toList()),
        waiting)) {
      splitParts = null;
    }
  }

  private boolean apply(CategoryChange change, String doneKey, Object... args) {
    try {
      service.change(taxonomyId, change, security.getCallerPrincipal().getName());
      load();
      Object[] withVersion = new Object[args.length + 1];
      System.arraycopy(args, 0, withVersion, 0, args.length);
      withVersion[args.length] = taxonomy.version();
      Messages.info(doneKey, withVersion);
      return true;
    } catch (NotFoundException e) {
      Messages.warn("taxonomy.notFound", taxonomyId);
    } catch (EJBException | IllegalArgumentException e) {
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      if (t instanceof IllegalArgumentException || t instanceof NullPointerException) {
        Messages.error("taxonomy.refused", t.getMessage());
      } else {
        throw e;
      }
    }
    return false;
  }

  private static String trim(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  public long examples(String category) {
    return exampleCounts.getOrDefault(category, 0L);
  }

  public List<String> getCategoryNames() {
    return taxonomy == null
        ? List.of()
        : taxonomy.categories().stream().map(CategoryView::name).toList();
  }

  /**
   * @return names of the active categories, for the merge target. Never null.
   */
  public List<String> getActiveCategoryNames() {
    return taxonomy == null
        ? List.of()
        : taxonomy.categories().stream()
            .filter(c -> "ACTIVE".equals(c.status()))
            .map(CategoryView::name)
            .toList();
  }

  /**
   * @return whether the active model scores this category zero-shot
   */
  public boolean zeroShot(String category) {
    return untrained != null && untrained.zeroShot().contains(category);
  }

  public TaxonomyService.UntrainedChanges getUntrained() {
    return untrained;
  }

  public String getMergeTarget() {
    return mergeTarget;
  }

  public void setMergeTarget(String mergeTarget) {
    this.mergeTarget = mergeTarget;
  }

  public String getSplitParts() {
    return splitParts;
  }

  public void setSplitParts(String splitParts) {
    this.splitParts = splitParts;
  }

  public TaxonomyView getTaxonomy() {
    return taxonomy;
  }

  public TreeNode<CategoryView> getRoot() {
    return root;
  }

  public String getSelected() {
    return selected;
  }

  public void setSelected(String selected) {
    this.selected = selected;
  }

  public String getNewName() {
    return newName;
  }

  public void setNewName(String newName) {
    this.newName = newName;
  }

  public String getNewParent() {
    return newParent;
  }

  public void setNewParent(String newParent) {
    this.newParent = newParent;
  }

  public String getAddName() {
    return addName;
  }

  public void setAddName(String addName) {
    this.addName = addName;
  }

  public String getAddDescription() {
    return addDescription;
  }

  public void setAddDescription(String addDescription) {
    this.addDescription = addDescription;
  }

  public String getAddParent() {
    return addParent;
  }

  public void setAddParent(String addParent) {
    this.addParent = addParent;
  }
}
