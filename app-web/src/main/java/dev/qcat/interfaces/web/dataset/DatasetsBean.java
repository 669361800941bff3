package dev.qcat.interfaces.web.dataset;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.DatasetImportService.Format;
import dev.qcat.application.DatasetImportService.ImportOptions;
import dev.qcat.application.DatasetService;
import dev.qcat.application.ImportProgress;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.Views.BalanceRow;
import dev.qcat.application.Views.CategoryView;
import dev.qcat.application.Views.DuplicatesView;
import dev.qcat.application.Views.ExampleView;
import dev.qcat.domain.model.dataset.ExampleFilter;
import dev.qcat.domain.model.dataset.ExampleSource;
import dev.qcat.domain.model.dataset.ImportReport;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.interfaces.web.Messages;
import dev.qcat.interfaces.web.TaxonomyPageBean;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.security.enterprise.SecurityContext;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.primefaces.component.datatable.DataTable;
import org.primefaces.event.RowEditEvent;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;
import org.primefaces.model.file.UploadedFile;

/**
 * The datasets page (admin): pick a taxonomy and a dataset; upload seed-format JSONL or CSV ({@code
 * text,label}), see the import report (line, reason) of a dry run, then commit (in the background,
 * with a progress bar); search, filter, edit and delete examples in a lazy table that loads one
 * page per request; move examples between splits or re-split stratified with a seed; class balance
 * chart; duplicates and train/validation/test leakage.
 */
@Named("datasets")
@ViewScoped
public class DatasetsBean extends TaxonomyPageBean {

  private static final long serialVersionUID = 1L;

  /** Longest question imported or saved, characters. */
  static final int MAX_TEXT_LENGTH = 4000;

  /** Most duplicate groups listed. */
  static final int MAX_DUPLICATE_GROUPS = 200;

  @EJB private DatasetImportService service;
  @EJB private DatasetService curation;
  @EJB private TaxonomyService taxonomyService;
  @Inject private SecurityContext security;

  private List<CategoryView> categories = List.of();
  private Long datasetId;
  private String newDatasetName;
  private transient UploadedFile file;
  private byte[] upload;
  private String uploadName;
  private boolean createCategories;
  private Split defaultSplit = Split.TRAIN;
  private ImportReport preview;
  private ImportProgress progress;

  private String search;
  private Long filterCategoryId;
  private Split filterSplit;
  private ExampleSource filterSource;
  private final ExampleModel examples = new ExampleModel();
  private List<Row> selected = new ArrayList<>();
  private Split moveTo = Split.VALIDATION;

  private double validationPercent = 10;
  private double testPercent = 0;
  private long seed = 42;

  private List<BalanceRow> balance = List.of();
  private DuplicatesView duplicates;

  @PostConstruct
  void init() {
    if (chooseTaxonomy(taxonomyService.list(), null)) {
      loadDatasets();
    }
  }

  /** Reloads the datasets of the chosen taxonomy. */
  public void loadDatasets() {
    datasets = List.of();
    categories = List.of();
    if (taxonomyId == null) {
      return;
    }
    try {
      datasets = service.list(taxonomyId);
      categories = taxonomyService.categories(taxonomyId);
    } catch (NotFoundException e) {
      Messages.warn("datasets.taxonomyNotFound", taxonomyId);
    }
    if (datasetId != null && datasets.stream().noneMatch(d -> d.id() == datasetId)) {
      datasetId = null;
    }
    if (datasetId == null && !datasets.isEmpty()) {
      datasetId = datasets.get(0).id();
    }
    datasetChanged();
  }

  /** Another dataset was picked: filters, selection and the computed views start afresh. */
  public void datasetChanged() {
    clearFilter();
    duplicates = null;
    loadBalance();
  }

  public void createDataset() {
    if (taxonomyId == null || newDatasetName == null || newDatasetName.isBlank()) {
      return;
    }
    try {
      datasetId = service.create(taxonomyId, newDatasetName.trim(), caller()).id();
      Messages.info("datasets.created", newDatasetName.trim());
      newDatasetName = null;
      loadDatasets();
    } catch (NotFoundException e) {
      Messages.warn("datasets.taxonomyNotFound", taxonomyId);
    } catch (EJBException e) {
      refused(e);
    }
  }

  private ImportOptions options() {
    return new ImportOptions(
        Format.ofFileName(uploadName), defaultSplit, createCategories, MAX_TEXT_LENGTH);
  }

  /** Checks the uploaded file without storing anything and shows the report. */
  public void check() {
    if (file == null || file.getSize() == 0 || datasetId == null) {
      Messages.error("datasets.noFile");
      return;
    }
    upload = file.getContent();
    uploadName = file.getFileName();
    progress = null;
    try {
      preview =
          service.previewFile(datasetId, new ByteArrayInputStream(upload), options(), caller());
    } catch (NotFoundException e) {
      Messages.warn("datasets.notFound", datasetId);
    }
  }

  /** Starts the import of the checked file in the background; the progress bar follows it. */
  public void commit() {
    if (upload == null || datasetId == null) {
      return;
    }
    progress = new ImportProgress();
    service.importInBackground(datasetId, upload, options(), caller(), progress);
  }

  /** The progress bar reached 100 %: report the outcome. */
  public void importFinished() {
    if (progress == null) {
      return;
    }
    if (progress.failure() != null) {
      Messages.error("datasets.importFailed", uploadName, progress.failure());
    } else if (progress.report() != null) {
      ImportReport done = progress.report();
      Messages.info("datasets.imported", done.imported(), done.skipped().size(), uploadName);
    }
    cancel();
    loadDatasets();
  }

  /**
   * @return percent of the running import, 0–100
   */
  public int getProgressPercent() {
    return progress == null ? 0 : progress.percent();
  }

  public boolean isImporting() {
    return progress != null;
  }

  public void cancel() {
    upload = null;
    uploadName = null;
    preview = null;
    progress = null;
  }

  // --- browse, search, filter, edit, delete ---

  ExampleFilter filter() {
    return new ExampleFilter(search, filterCategoryId, filterSplit, filterSource);
  }

  /** Applies the search and filters (the table reloads from its first page). */
  public void applyFilter() {
    selected = new ArrayList<>();
    firstPage();
  }

  /** Shows the table's first page again (after the filter or the dataset changed). */
  private static void firstPage() {
    FacesContext faces = FacesContext.getCurrentInstance();
    if (faces != null
        && faces.getViewRoot() != null
        && faces.getViewRoot().findComponent(":examplesForm:examples") instanceof DataTable t) {
      t.setFirst(0);
    }
  }

  public void clearFilter() {
    search = null;
    filterCategoryId = null;
    filterSplit = null;
    filterSource = null;
    selected = new ArrayList<>();
    firstPage();
  }

  /** Saves a row edited in the table. */
  public void onRowEdit(RowEditEvent<Row> event) {
    Row r = event.getObject();
    try {
      ExampleView saved =
          curation.edit(r.id, r.text, r.category, r.split, MAX_TEXT_LENGTH, caller());
      r.update(saved);
      Messages.info("datasets.edited", r.id);
      loadBalance();
    } catch (NotFoundException e) {
      Messages.warn("datasets.exampleNotFound", r.id);
    } catch (EJBException | IllegalArgumentException e) {
      refused(e);
    }
  }

  public void delete(long exampleId) {
    try {
      curation.delete(exampleId, caller());
      Messages.info("datasets.deleted", exampleId);
      selected.removeIf(r -> r.id == exampleId);
      refreshCounts();
    } catch (NotFoundException e) {
      Messages.warn("datasets.exampleNotFound", exampleId);
    }
  }

  /** Moves the selected examples to {@link #getMoveTo()}. */
  public void moveSelected() {
    if (datasetId == null || selected.isEmpty()) {
      Messages.warn("datasets.noSelection");
      return;
    }
    try {
      int n =
          curation.moveToSplit(
              datasetId, selected.stream().map(r -> r.id).toList(), moveTo, caller());
      Messages.info("datasets.moved", n, moveTo);
      selected = new ArrayList<>();
      refreshCounts();
    } catch (NotFoundException e) {
      Messages.warn("datasets.notFound", datasetId);
    }
  }

  /** Re-splits the dataset stratified by category with the chosen shares and seed. */
  public void resplit() {
    if (datasetId == null) {
      return;
    }
    try {
      Map<Split, Long> sizes =
          curation.resplit(datasetId, validationPercent / 100, testPercent / 100, seed, caller());
      Messages.info(
          "datasets.resplitDone",
          seed,
          sizes.get(Split.TRAIN),
          sizes.get(Split.VALIDATION),
          sizes.get(Split.TEST));
      refreshCounts();
    } catch (NotFoundException e) {
      Messages.warn("datasets.notFound", datasetId);
    } catch (EJBException | IllegalArgumentException e) {
      refused(e);
    }
  }

  /** Finds duplicates and leakage over the whole dataset. */
  public void findDuplicates() {
    if (datasetId == null) {
      return;
    }
    try {
      duplicates = curation.duplicates(datasetId, MAX_DUPLICATE_GROUPS);
    } catch (NotFoundException e) {
      Messages.warn("datasets.notFound", datasetId);
    }
  }

  private void refreshCounts() {
    loadBalance();
    if (duplicates != null) {
      findDuplicates();
    }
    try {
      datasets = taxonomyId == null ? List.of() : service.list(taxonomyId);
    } catch (NotFoundException e) {
      datasets = List.of();
    }
  }

  private void loadBalance() {
    balance = List.of();
    if (datasetId == null) {
      return;
    }
    try {
      balance = curation.balance(datasetId);
    } catch (NotFoundException e) {
      balance = List.of();
    }
  }

  /**
   * @return Chart.js configuration of a stacked bar chart: examples per category and split.
   */
  public String getBalanceChart() {
    JsonArrayBuilder labels = Json.createArrayBuilder();
    JsonArrayBuilder train = Json.createArrayBuilder();
    JsonArrayBuilder validation = Json.createArrayBuilder();
    JsonArrayBuilder test = Json.createArrayBuilder();
    for (BalanceRow r : balance) {
      labels.add(r.category());
      train.add(r.train());
      validation.add(r.validation());
      test.add(r.test());
    }
    var stacked = Json.createObjectBuilder().add("stacked", true);
    return Json.createObjectBuilder()
        .add("type", "bar")
        .add(
            "data",
            Json.createObjectBuilder()
                .add("labels", labels)
                .add(
                    "datasets",
                    Json.createArrayBuilder()
                        .add(series(Messages.text("datasets.split.TRAIN"), train, "#6366f1"))
                        .add(
                            series(
                                Messages.text("datasets.split.VALIDATION"), validation, "#f59e0b"))
                        .add(series(Messages.text("datasets.split.TEST"), test, "#10b981"))))
        .add(
            "options",
            Json.createObjectBuilder()
                .add("animation", false)
                .add("indexAxis", "y")
                .add("maintainAspectRatio", false)
                .add("scales", Json.createObjectBuilder().add("x", stacked).add("y", stacked)))
        .build()
        .toString();
  }

  private static jakarta.json.JsonObjectBuilder series(
      String label, JsonArrayBuilder data, String color) {
    return Json.createObjectBuilder()
        .add("label", label)
        .add("data", data)
        .add("stack", "splits") // one bar per category, the splits stacked in it
        .add("backgroundColor", color);
  }

  /**
   * @return height of the class-balance chart, rem: one bar per category
   */
  public int getChartHeight() {
    return Math.max(10, 4 + balance.size() * 3 / 2);
  }

  /**
   * @return largest category count over the smallest non-empty one among active categories, or 0
   */
  public double getImbalanceRatio() {
    long max = 0;
    long min = Long.MAX_VALUE;
    for (BalanceRow r : balance) {
      if (!r.retired() && r.total() > 0) {
        max = Math.max(max, r.total());
        min = Math.min(min, r.total());
      }
    }
    return max == 0 ? 0 : (double) max / min;
  }

  /**
   * @return active categories without any example in the dataset
   */
  public long getEmptyCategories() {
    return balance.stream().filter(r -> !r.retired() && r.total() == 0).count();
  }

  private void refused(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof IllegalArgumentException || t instanceof NullPointerException) {
      Messages.error("datasets.refused", t.getMessage());
    } else if (e instanceof RuntimeException r) {
      throw r;
    }
  }

  private String caller() {
    return security.getCallerPrincipal().getName();
  }

  /** One row of the examples table, editable in place. */
  public static final class Row implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long id;
    private String text;
    private String category;
    private Split split;
    private String source;
    private boolean retired;

    Row(ExampleView v) {
      this.id = v.id();
      update(v);
    }

    void update(ExampleView v) {
      text = v.text();
      category = v.category();
      split = Split.valueOf(v.split());
      source = v.source();
      retired = v.categoryRetired();
    }

    public long getId() {
      return id;
    }

    public String getText() {
      return text;
    }

    public void setText(String text) {
      this.text = text;
    }

    public String getCategory() {
      return category;
    }

    public void setCategory(String category) {
      this.category = category;
    }

    public Split getSplit() {
      return split;
    }

    public void setSplit(Split split) {
      this.split = split;
    }

    public String getSource() {
      return source;
    }

    public boolean isRetired() {
      return retired;
    }
  }

  /** Loads one page of examples per request, with the search and filters applied in SQL. */
  private final class ExampleModel extends LazyDataModel<Row> {
    private static final long serialVersionUID = 1L;
    private List<Row> page = List.of();

    @Override
    public int count(Map<String, FilterMeta> filterBy) {
      if (datasetId == null) {
        return 0;
      }
      try {
        return (int) Math.min(Integer.MAX_VALUE, curation.count(datasetId, filter()));
      } catch (NotFoundException e) {
        return 0;
      }
    }

    @Override
    public List<Row> load(
        int first, int pageSize, Map<String, SortMeta> sortBy, Map<String, FilterMeta> filterBy) {
      page = List.of();
      if (datasetId != null) {
        try {
          page =
              curation.page(datasetId, filter(), first, pageSize).stream().map(Row::new).toList();
        } catch (NotFoundException e) {
          page = List.of();
        }
      }
      return page;
    }

    @Override
    public String getRowKey(Row row) {
      return String.valueOf(row.id);
    }

    @Override
    public Row getRowData(String rowKey) {
      for (Row r : page) {
        if (String.valueOf(r.id).equals(rowKey)) {
          return r;
        }
      }
      for (Row r : selected) {
        if (String.valueOf(r.id).equals(rowKey)) {
          return r;
        }
      }
      return null;
    }
  }

  // --- getters and setters ---

  public Long getDatasetId() {
    return datasetId;
  }

  public void setDatasetId(Long datasetId) {
    this.datasetId = datasetId;
  }

  /**
   * @return all categories of the taxonomy (for the filter). Never null.
   */
  public List<CategoryView> getCategories() {
    return categories;
  }

  /**
   * @return names of the active categories (for editing). Never null.
   */
  public List<String> getActiveCategoryNames() {
    return categories.stream()
        .filter(c -> "ACTIVE".equals(c.status()))
        .map(CategoryView::name)
        .toList();
  }

  public Split[] getSplits() {
    return Split.values();
  }

  public ExampleSource[] getSources() {
    return ExampleSource.values();
  }

  public String getNewDatasetName() {
    return newDatasetName;
  }

  public void setNewDatasetName(String newDatasetName) {
    this.newDatasetName = newDatasetName;
  }

  public UploadedFile getFile() {
    return file;
  }

  public void setFile(UploadedFile file) {
    this.file = file;
  }

  public boolean isCreateCategories() {
    return createCategories;
  }

  public void setCreateCategories(boolean createCategories) {
    this.createCategories = createCategories;
  }

  public Split getDefaultSplit() {
    return defaultSplit;
  }

  public void setDefaultSplit(Split defaultSplit) {
    this.defaultSplit = defaultSplit == null ? Split.TRAIN : defaultSplit;
  }

  public ImportReport getPreview() {
    return preview;
  }

  public String getUploadName() {
    return uploadName;
  }

  public String getUploadFormat() {
    return Format.ofFileName(uploadName).name();
  }

  public LazyDataModel<Row> getExamples() {
    return examples;
  }

  public String getSearch() {
    return search;
  }

  public void setSearch(String search) {
    this.search = search;
  }

  public Long getFilterCategoryId() {
    return filterCategoryId;
  }

  public void setFilterCategoryId(Long filterCategoryId) {
    this.filterCategoryId = filterCategoryId;
  }

  public Split getFilterSplit() {
    return filterSplit;
  }

  public void setFilterSplit(Split filterSplit) {
    this.filterSplit = filterSplit;
  }

  public ExampleSource getFilterSource() {
    return filterSource;
  }

  public void setFilterSource(ExampleSource filterSource) {
    this.filterSource = filterSource;
  }

  public List<Row> getSelected() {
    return selected;
  }

  public void setSelected(List<Row> selected) {
    this.selected = selected == null ? new ArrayList<>() : new ArrayList<>(selected);
  }

  public Split getMoveTo() {
    return moveTo;
  }

  public void setMoveTo(Split moveTo) {
    this.moveTo = moveTo;
  }

  public double getValidationPercent() {
    return validationPercent;
  }

  public void setValidationPercent(double validationPercent) {
    this.validationPercent = validationPercent;
  }

  public double getTestPercent() {
    return testPercent;
  }

  public void setTestPercent(double testPercent) {
    this.testPercent = testPercent;
  }

  public long getSeed() {
    return seed;
  }

  public void setSeed(long seed) {
    this.seed = seed;
  }

  public List<BalanceRow> getBalance() {
    return balance;
  }

  public DuplicatesView getDuplicates() {
    return duplicates;
  }
}
