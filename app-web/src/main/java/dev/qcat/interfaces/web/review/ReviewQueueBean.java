package dev.qcat.interfaces.web.review;

import dev.qcat.application.CategorizationService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.ReviewService;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.Views.CategoryView;
import dev.qcat.application.Views.ReviewView;
import dev.qcat.domain.model.question.ScoredCategory;
import dev.qcat.domain.model.review.ReviewConflictException;
import dev.qcat.domain.model.review.ReviewStatus;
import dev.qcat.domain.model.review.ReviewTaskRepository.Order;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The review queue: the open tasks, "next task" (claims the first open one in the chosen order),
 * the current task's question with the model's top categories, and resolve/skip. A resolve that
 * lost the race shows who won and with which category. Keys are bound in {@code
 * resources/qcat/review-keys.js}.
 */
@Named("reviewQueue")
@ViewScoped
public class ReviewQueueBean implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Suggestions shown, one per key 1–9. */
  static final int MAX_SUGGESTIONS = 9;

  private static final int PAGE = 50;

  @EJB private ReviewService reviews;
  @EJB private CategorizationService categorization;
  @EJB private TaxonomyService taxonomies;
  @Inject private SecurityContext security;

  private String sort = "confidence";
  private List<ReviewView> open = List.of();
  private long depth;
  private ReviewView task;
  private List<ScoredCategory> suggestions = List.of();
  private List<String> categories = List.of();
  private String searchCategory;
  private boolean conflict;
  private int resolvedCount;
  private final Set<Long> skipped = new HashSet<>();

  /** Loads the queue; {@code ?task=ID} opens that task (without claiming it). */
  @PostConstruct
  void init() {
    reload();
    String id =
        FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("task");
    if (id != null && id.matches("\\d{1,18}")) {
      try {
        show(reviews.find(Long.parseLong(id)));
      } catch (NotFoundException e) {
        Messages.warn("review.notFound", id);
      }
    }
  }

  /** Reloads the list of open tasks in the chosen order. */
  public void reload() {
    List<ReviewView> tasks =
        new ArrayList<>(reviews.list(ReviewStatus.OPEN, null, order(), 0, PAGE));
    open = tasks;
    depth = reviews.queueDepth();
  }

  /** Claims the first open task in the chosen order that nobody else took meanwhile. */
  public void next() {
    conflict = false;
    searchCategory = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      List<ReviewView> candidates =
          reviews.list(ReviewStatus.OPEN, null, order(), 0, PAGE).stream()
              .filter(r -> !skipped.contains(r.id()))
              .toList();
      if (candidates.isEmpty()) {
        break;
      }
      for (ReviewView candidate : candidates) {
        try {
          show(reviews.claim(candidate.id(), caller()));
          reload();
          return;
        } catch (ReviewConflictException | NotFoundException e) {
          // taken by someone else in the meantime: try the next one
        }
      }
    }
    task = null;
    suggestions = List.of();
    reload();
    Messages.info("review.empty");
  }

  /** Resolves the current task with suggestion {@code index} (0-based; key index + 1). */
  public void pick(int index) {
    if (task != null && index >= 0 && index < suggestions.size()) {
      resolve(suggestions.get(index).category());
    }
  }

  /** Resolves the current task with the category typed in the search field. */
  public void resolveWithSearch() {
    if (task == null || searchCategory == null || searchCategory.isBlank()) {
      return;
    }
    String typed = searchCategory.trim();
    String match =
        categories.stream().filter(c -> c.equalsIgnoreCase(typed)).findFirst().orElse(null);
    if (match == null) {
      Messages.error("review.unknownCategory", typed);
      return;
    }
    resolve(match);
  }

  /** Leaves the current task for someone else (for this view) and takes the next one. */
  public void skip() {
    if (task != null) {
      skipped.add(task.id());
      Messages.info("review.skipped");
    }
    next();
  }

  private void resolve(String category) {
    try {
      reviews.resolve(task.id(), category, caller());
      resolvedCount++;
      Messages.info("review.resolved", category);
      next();
    } catch (ReviewConflictException e) {
      showWinner();
    } catch (NotFoundException e) {
      Messages.warn("review.notFound", task.id());
      task = null;
    } catch (EJBException e) {
      if (rootCause(e) instanceof IllegalArgumentException) {
        Messages.error("review.unknownCategory", category);
      } else {
        throw e;
      }
    }
  }

  /** After a lost race: the task as it is now, with the winner's reviewer and category. */
  private void showWinner() {
    try {
      task = reviews.find(task.id());
    } catch (NotFoundException e) {
      task = null;
    }
    conflict = true;
    reload();
  }

  private void show(ReviewView view) {
    task = view;
    conflict = false;
    searchCategory = null;
    try {
      List<ScoredCategory> top = categorization.find(view.predictionId()).topK();
      suggestions = top.subList(0, Math.min(MAX_SUGGESTIONS, top.size()));
      categories =
          taxonomies.categories(view.taxonomyId()).stream()
              .filter(c -> "ACTIVE".equals(c.status()))
              .map(CategoryView::name)
              .sorted(String.CASE_INSENSITIVE_ORDER)
              .toList();
    } catch (NotFoundException e) {
      suggestions = List.of();
      categories = List.of();
    }
  }

  private Order order() {
    return "created".equals(sort) ? Order.CREATED_ASC : Order.CONFIDENCE_ASC;
  }

  private String caller() {
    return security.getCallerPrincipal().getName();
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * @param confidence fraction in [0, 1]
   * @return as a percentage with one decimal, e.g. "42.5 %"
   */
  public String percent(double confidence) {
    return String.format(Locale.ROOT, "%.1f %%", confidence * 100);
  }

  public String getSort() {
    return sort;
  }

  public void setSort(String sort) {
    this.sort = "created".equals(sort) ? "created" : "confidence";
  }

  public List<ReviewView> getOpen() {
    return open;
  }

  public long getDepth() {
    return depth;
  }

  public ReviewView getTask() {
    return task;
  }

  public List<ScoredCategory> getSuggestions() {
    return suggestions;
  }

  public List<String> getCategories() {
    return categories;
  }

  public String getSearchCategory() {
    return searchCategory;
  }

  public void setSearchCategory(String searchCategory) {
    this.searchCategory = searchCategory;
  }

  public boolean isConflict() {
    return conflict;
  }

  public int getResolvedCount() {
    return resolvedCount;
  }
}
