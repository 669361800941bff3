package dev.qcat.interfaces.web.review;

import dev.qcat.application.CategorizationService;
import dev.qcat.application.ModelVersionService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.ReviewService;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.Views.CategoryView;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.application.Views.ReviewView;
import dev.qcat.application.Views.TaxonomyView;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.question.ScoredCategory;
import dev.qcat.domain.model.review.ReviewConflictException;
import dev.qcat.domain.model.review.ReviewFilter;
import dev.qcat.domain.model.review.ReviewOutcome;
import dev.qcat.domain.model.review.ReviewStatus;
import dev.qcat.domain.model.review.ReviewTask;
import dev.qcat.domain.model.review.ReviewTaskRepository.Order;
import dev.qcat.domain.model.review.ReviewerCounts;
import dev.qcat.domain.model.review.SimilarExample;
import dev.qcat.interfaces.web.Messages;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.faces.context.FacesContext;
import jakarta.faces.model.SelectItem;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;

/**
 * The review queue page: a lazy table of tasks (waiting ones, or — for admins — those closed as
 * ambiguous or needing a new category) sorted by confidence or age and filtered by taxonomy,
 * predicted category and model version; "next task" claims the first open one that passes the
 * filters; the current task's question (as text), the model's top categories, similar labelled
 * examples; resolve, skip (releases the claim), or mark ambiguous / needs a new category with a
 * note. A resolve that lost a race shows the winning answer. Per-reviewer counts at the bottom.
 * Keys are bound in {@code resources/qcat/review-keys.js}.
 */
@Named("reviewQueue")
@ViewScoped
public class ReviewQueueBean implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Suggestions shown, one per key 1–9. */
  static final int MAX_SUGGESTIONS = 9;

  /** Similar labelled examples shown beside the question. */
  static final int SIMILAR_EXAMPLES = 5;

  /**
   * One numbered suggestion: a category of the model's top-k, or of a similar labelled example.
   *
   * @param score the model's confidence, or the example's trigram similarity; fraction in [0, 1]
   * @param fromSimilar true when it comes from a similar labelled example
   */
  public record Suggestion(String category, double score, boolean fromSimilar)
      implements Serializable {}

  /** What the table lists. */
  public enum Show {
    /** OPEN and CLAIMED tasks: the queue. */
    WAITING,
    /** Closed as ambiguous (admins). */
    AMBIGUOUS,
    /** Closed as needing a new category (admins). */
    NEW_CATEGORY
  }

  @EJB private ReviewService reviews;
  @EJB private CategorizationService categorization;
  @EJB private TaxonomyService taxonomies;
  @EJB private ModelVersionService modelVersions;
  @Inject private SecurityContext security;

  private String sort = "confidence";
  private Show show = Show.WAITING;
  private Long taxonomyId;
  private Long categoryId;
  private Long modelVersionId;
  private List<TaxonomyView> taxonomyOptions = List.of();
  private List<CategoryView> categoryOptions = List.of();
  private List<ModelVersionView> modelVersionOptions = List.of();
  private final LazyDataModel<ReviewView> queue = new QueueModel();
  private long depth;
  private List<ReviewerCounts> counts = List.of();

  private ReviewView task;
  private List<Suggestion> suggestions = List.of();
  private List<SimilarExample> similar = List.of();
  private List<String> categories = List.of();
  private String searchCategory;
  private String note;
  private boolean conflict;
  private int resolvedCount;
  private final Set<Long> skipped = new LinkedHashSet<>();

  /**
   * Loads the filters and counts; {@code ?task=ID} opens that task (without claiming it) and
   * filters the queue to its taxonomy, so that "next" stays there.
   */
  @PostConstruct
  void init() {
    taxonomyOptions = taxonomies.list();
    String id =
        FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("task");
    if (id != null && id.matches("\\d{1,18}")) {
      try {
        ReviewView v = reviews.find(Long.parseLong(id));
        taxonomyId = v.taxonomyId();
        loadFilterOptions();
        show(v);
      } catch (NotFoundException e) {
        Messages.warn("review.notFound", id);
      }
    }
    reload();
  }

  /** After a filter or the sort changed: refreshes the depth and the counts (the table reloads). */
  public void reload() {
    depth = reviews.queueDepth();
    counts = reviews.reviewerCounts();
  }

  /** The taxonomy filter changed: offers its categories and model versions, clears those. */
  public void taxonomyChanged() {
    categoryId = null;
    modelVersionId = null;
    loadFilterOptions();
    reload();
  }

  private void loadFilterOptions() {
    categoryOptions = List.of();
    modelVersionOptions = List.of();
    if (taxonomyId == null) {
      return;
    }
    try {
      categoryOptions =
          taxonomies.categories(taxonomyId).stream()
              .sorted((a, b) -> a.name().compareToIgnoreCase(b.name()))
              .toList();
      modelVersionOptions = modelVersions.list(taxonomyId);
    } catch (NotFoundException e) {
      taxonomyId = null;
    }
  }

  /** Claims the first open task in the chosen order that passes the filters (or the one held). */
  public void next() {
    conflict = false;
    Order order = order();
    var claimed = reviews.claimNext(baseFilter(), order, skipped, caller());
    if (claimed.isPresent()) {
      show(claimed.get());
    } else {
      clearTask();
      Messages.info(
          !skipped.isEmpty()
              ? "review.emptyButSkipped"
              : filtered() ? "review.emptyFiltered" : "review.empty");
    }
    reload();
  }

  /** Opens a task of the table (without claiming it), keeping the filters. */
  public void open(long id) {
    try {
      show(reviews.find(id));
    } catch (NotFoundException e) {
      Messages.warn("review.notFound", id);
      clearTask();
    }
  }

  /** Resolves the current task with suggestion {@code index} (0-based; key index + 1). */
  public void pick(int index) {
    if (open() && index >= 0 && index < suggestions.size()) {
      resolve(suggestions.get(index).category());
    }
  }

  /**
   * Resolves the current task with the category typed in the search field: an exact name (any
   * case), else the one category whose name contains the typed text.
   */
  public void resolveWithSearch() {
    if (!open() || searchCategory == null || searchCategory.isBlank()) {
      return;
    }
    String typed = searchCategory.trim().toLowerCase(Locale.ROOT);
    List<String> exact = categories.stream().filter(c -> c.equalsIgnoreCase(typed)).toList();
    List<String> matches =
        exact.isEmpty()
            ? categories.stream().filter(c -> c.toLowerCase(Locale.ROOT).contains(typed)).toList()
            : exact;
    if (matches.size() == 1) {
      resolve(matches.get(0));
    } else if (matches.isEmpty()) {
      Messages.error("review.unknownCategory", searchCategory.trim());
    } else {
      Messages.warn(
          "review.severalCategories",
          searchCategory.trim(),
          String.join(", ", matches.subList(0, Math.min(5, matches.size()))));
    }
  }

  /** Gives the current task back to the queue (releases the claim) and takes the next one. */
  public void skip() {
    if (task != null) {
      skipped.add(task.id());
      if (ReviewStatus.CLAIMED.name().equals(task.status())) {
        try {
          reviews.release(task.id(), caller());
        } catch (ReviewConflictException | NotFoundException e) {
          // someone else holds or resolved it: nothing of ours to release
        }
      }
      Messages.info("review.skipped");
    }
    next();
  }

  /** Closes the current task as ambiguous, with the note typed. */
  public void markAmbiguous() {
    mark(ReviewOutcome.AMBIGUOUS, "review.markedAmbiguous");
  }

  /** Closes the current task as needing a new category, with the note typed. */
  public void markNewCategory() {
    mark(ReviewOutcome.NEW_CATEGORY, "review.markedNewCategory");
  }

  private void mark(ReviewOutcome outcome, String doneKey) {
    if (!open()) {
      return;
    }
    if (note != null && note.strip().length() > ReviewTask.MAX_NOTE_LENGTH) {
      Messages.error("review.noteTooLong", ReviewTask.MAX_NOTE_LENGTH);
      return;
    }
    try {
      reviews.mark(task.id(), outcome, note, caller());
      resolvedCount++;
      Messages.info(doneKey);
      next();
    } catch (ReviewConflictException e) {
      showWinner();
    } catch (NotFoundException e) {
      Messages.warn("review.notFound", task.id());
      clearTask();
    }
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
      clearTask();
    } catch (EJBException e) {
      if (rootCause(e) instanceof IllegalArgumentException) {
        Messages.error("review.unknownCategory", category);
      } else {
        throw e;
      }
    }
  }

  /** The current task can still be answered (shown, not resolved, not lost). */
  private boolean open() {
    return task != null && !conflict && !ReviewStatus.RESOLVED.name().equals(task.status());
  }

  /** After a lost race: the task as it is now, with the winner's reviewer and answer. */
  private void showWinner() {
    try {
      task = reviews.find(task.id());
    } catch (NotFoundException e) {
      clearTask();
      return;
    }
    conflict = true;
    reload();
  }

  private void show(ReviewView view) {
    task = view;
    conflict = false;
    searchCategory = null;
    note = null;
    try {
      List<ScoredCategory> top = categorization.find(view.predictionId()).topK();
      categories =
          taxonomies.categories(view.taxonomyId()).stream()
              .filter(c -> "ACTIVE".equals(c.status()))
              .map(CategoryView::name)
              .sorted(String.CASE_INSENSITIVE_ORDER)
              .toList();
      similar = reviews.similarExamples(view.id(), SIMILAR_EXAMPLES);
      suggestions = suggestions(top, similar, Set.copyOf(categories));
    } catch (NotFoundException e) {
      suggestions = List.of();
      categories = List.of();
      similar = List.of();
    }
  }

  /**
   * The "/" search box's suggestions: the task taxonomy's active categories containing what was
   * typed (case-insensitive), the exact name first, then those starting with it, then the rest,
   * each group alphabetical. The first is highlighted, so Enter picks it.
   */
  public List<String> completeCategory(String query) {
    return matchCategories(categories, query);
  }

  static List<String> matchCategories(List<String> categories, String query) {
    String typed = query == null ? "" : query.trim().toLowerCase(Locale.ROOT);
    if (typed.isEmpty()) {
      return categories;
    }
    return categories.stream()
        .filter(c -> c.toLowerCase(Locale.ROOT).contains(typed))
        .sorted(
            java.util.Comparator.<String>comparingInt(
                    c -> {
                      String name = c.toLowerCase(Locale.ROOT);
                      return name.equals(typed) ? 0 : name.startsWith(typed) ? 1 : 2;
                    })
                .thenComparing(String.CASE_INSENSITIVE_ORDER))
        .toList();
  }

  /**
   * The model's top categories first (by confidence), then the categories of similar labelled
   * examples that are not among them (by similarity), at most {@link #MAX_SUGGESTIONS}, active
   * categories only.
   */
  static List<Suggestion> suggestions(
      List<ScoredCategory> top, List<SimilarExample> similar, Set<String> active) {
    Map<String, Suggestion> out = new java.util.LinkedHashMap<>();
    for (ScoredCategory s : top) {
      if (active.contains(s.category())) {
        out.putIfAbsent(s.category(), new Suggestion(s.category(), s.confidence(), false));
      }
    }
    for (SimilarExample e : similar) {
      if (active.contains(e.category())) {
        out.putIfAbsent(e.category(), new Suggestion(e.category(), e.similarity(), true));
      }
    }
    return out.values().stream().limit(MAX_SUGGESTIONS).toList();
  }

  private void clearTask() {
    task = null;
    suggestions = List.of();
    similar = List.of();
    categories = List.of();
    searchCategory = null;
    note = null;
  }

  private boolean filtered() {
    return taxonomyId != null || categoryId != null || modelVersionId != null;
  }

  /** The taxonomy, category and model-version filters, any status. */
  private ReviewFilter baseFilter() {
    return new ReviewFilter(Set.of(), null, taxonomyId, categoryId, modelVersionId);
  }

  /** What the table lists: the filters plus the "show" choice. */
  ReviewFilter tableFilter() {
    ReviewFilter base = baseFilter();
    return switch (show) {
      case WAITING -> base.withStatuses(EnumSet.of(ReviewStatus.OPEN, ReviewStatus.CLAIMED));
      case AMBIGUOUS ->
          new ReviewFilter(
              EnumSet.of(ReviewStatus.RESOLVED),
              ReviewOutcome.AMBIGUOUS,
              taxonomyId,
              categoryId,
              modelVersionId);
      case NEW_CATEGORY ->
          new ReviewFilter(
              EnumSet.of(ReviewStatus.RESOLVED),
              ReviewOutcome.NEW_CATEGORY,
              taxonomyId,
              categoryId,
              modelVersionId);
    };
  }

  private Order order() {
    return "created".equals(sort) ? Order.CREATED_ASC : Order.CONFIDENCE_ASC;
  }

  private String caller() {
    return security.getCallerPrincipal().getName();
  }

  private boolean admin() {
    return security.isCallerInRole(Roles.ADMIN);
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

  /**
   * @param time a timestamp, or null
   * @return as "yyyy-MM-dd HH:mm" in the server's time zone, or "" for null
   */
  public String when(OffsetDateTime time) {
    return time == null
        ? ""
        : WHEN.format(time.atZoneSameInstant(java.time.ZoneId.systemDefault()));
  }

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  /**
   * @return the lost race explained from the bundle: who won and with which answer (or who holds
   *     the task now). Empty when there was no race.
   */
  public String getConflictText() {
    if (!conflict || task == null) {
      return "";
    }
    if (!ReviewStatus.RESOLVED.name().equals(task.status())) {
      return Messages.text("review.conflict.claimed", task.reviewer());
    }
    return Messages.text(answerKey("review.conflict."), task.reviewer(), task.chosenCategory());
  }

  /**
   * @return for a task that is resolved (not by a race in this view): who closed it and how. Empty
   *     otherwise.
   */
  public String getResolvedText() {
    if (task == null || conflict || !ReviewStatus.RESOLVED.name().equals(task.status())) {
      return "";
    }
    return Messages.text(answerKey("review.closed."), task.reviewer(), task.chosenCategory());
  }

  private String answerKey(String prefix) {
    if (ReviewOutcome.AMBIGUOUS.name().equals(task.outcome())) {
      return prefix + "ambiguous";
    }
    if (ReviewOutcome.NEW_CATEGORY.name().equals(task.outcome())) {
      return prefix + "newCategory";
    }
    return prefix + "text";
  }

  /**
   * @return the "show" choices; the closed ones only for admins
   */
  public List<SelectItem> getShowOptions() {
    List<SelectItem> items = new ArrayList<>();
    items.add(new SelectItem(Show.WAITING, Messages.text("review.show.waiting")));
    if (admin()) {
      items.add(new SelectItem(Show.AMBIGUOUS, Messages.text("review.show.ambiguous")));
      items.add(new SelectItem(Show.NEW_CATEGORY, Messages.text("review.show.newCategory")));
    }
    return items;
  }

  /** Loads one page of the table at a time. */
  private final class QueueModel extends LazyDataModel<ReviewView> {
    private static final long serialVersionUID = 1L;

    @Override
    public int count(Map<String, FilterMeta> filterBy) {
      return (int) Math.min(Integer.MAX_VALUE, reviews.count(tableFilter()));
    }

    @Override
    public List<ReviewView> load(
        int first, int pageSize, Map<String, SortMeta> sortBy, Map<String, FilterMeta> filterBy) {
      return reviews.list(tableFilter(), order(), first, pageSize);
    }

    @Override
    public String getRowKey(ReviewView review) {
      return String.valueOf(review.id());
    }

    @Override
    public ReviewView getRowData(String rowKey) {
      return null;
    }
  }

  public LazyDataModel<ReviewView> getQueue() {
    return queue;
  }

  public String getSort() {
    return sort;
  }

  public void setSort(String sort) {
    this.sort = "created".equals(sort) ? "created" : "confidence";
  }

  public Show getShow() {
    return show;
  }

  /** Non-admins always see the waiting tasks. */
  public void setShow(Show show) {
    this.show = show == null || !admin() ? Show.WAITING : show;
  }

  public Long getTaxonomyId() {
    return taxonomyId;
  }

  public void setTaxonomyId(Long taxonomyId) {
    this.taxonomyId = taxonomyId;
  }

  public Long getCategoryId() {
    return categoryId;
  }

  public void setCategoryId(Long categoryId) {
    this.categoryId = categoryId;
  }

  public Long getModelVersionId() {
    return modelVersionId;
  }

  public void setModelVersionId(Long modelVersionId) {
    this.modelVersionId = modelVersionId;
  }

  public List<TaxonomyView> getTaxonomyOptions() {
    return taxonomyOptions;
  }

  public List<CategoryView> getCategoryOptions() {
    return categoryOptions;
  }

  public List<ModelVersionView> getModelVersionOptions() {
    return modelVersionOptions;
  }

  public long getDepth() {
    return depth;
  }

  public List<ReviewerCounts> getCounts() {
    return counts;
  }

  public ReviewView getTask() {
    return task;
  }

  /** The task can be answered now: shown, not resolved, no lost race. */
  public boolean isAnswerable() {
    return open();
  }

  public List<Suggestion> getSuggestions() {
    return suggestions;
  }

  public List<SimilarExample> getSimilar() {
    return similar;
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

  public String getNote() {
    return note;
  }

  public void setNote(String note) {
    this.note = note;
  }

  public boolean isConflict() {
    return conflict;
  }

  public int getResolvedCount() {
    return resolvedCount;
  }
}
