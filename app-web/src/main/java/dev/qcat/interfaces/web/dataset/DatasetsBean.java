package dev.qcat.interfaces.web.dataset;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.TaxonomyService;
import dev.qcat.application.Views.DatasetView;
import dev.qcat.application.Views.ExampleView;
import dev.qcat.application.Views.TaxonomyView;
import dev.qcat.domain.model.dataset.ImportReport;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.interfaces.web.Messages;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.primefaces.model.FilterMeta;
import org.primefaces.model.LazyDataModel;
import org.primefaces.model.SortMeta;
import org.primefaces.model.file.UploadedFile;

/**
 * The datasets page (admin): pick a taxonomy and a dataset, upload seed-format JSONL, see the
 * import report (line, reason) of a dry run, then commit. Examples show in a lazy table that loads
 * one page at a time.
 */
@Named("datasets")
@ViewScoped
public class DatasetsBean implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Longest question imported, characters. */
  static final int MAX_TEXT_LENGTH = 4000;

  @EJB private DatasetImportService service;
  @EJB private TaxonomyService taxonomyService;
  @Inject private SecurityContext security;

  private List<TaxonomyView> taxonomies = List.of();
  private Long taxonomyId;
  private List<DatasetView> datasets = List.of();
  private Long datasetId;
  private String newDatasetName;
  private transient UploadedFile file;
  private byte[] upload;
  private String uploadName;
  private boolean createCategories;
  private ImportReport preview;
  private final LazyDataModel<ExampleView> examples = new ExampleModel();

  @PostConstruct
  void init() {
    taxonomies = taxonomyService.list();
    if (!taxonomies.isEmpty()) {
      taxonomyId = taxonomies.get(taxonomies.size() - 1).id();
      loadDatasets();
    }
  }

  /** Reloads the datasets of the chosen taxonomy. */
  public void loadDatasets() {
    datasets = List.of();
    if (taxonomyId == null) {
      return;
    }
    try {
      datasets = service.list(taxonomyId);
    } catch (NotFoundException e) {
      Messages.warn("datasets.taxonomyNotFound", taxonomyId);
    }
    if (datasetId != null && datasets.stream().noneMatch(d -> d.id() == datasetId)) {
      datasetId = null;
    }
    if (datasetId == null && !datasets.isEmpty()) {
      datasetId = datasets.get(0).id();
    }
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
    }
  }

  /** Checks the uploaded file without storing anything and shows the report. */
  public void check() {
    if (file == null || file.getSize() == 0 || datasetId == null) {
      Messages.error("datasets.noFile");
      return;
    }
    upload = file.getContent();
    uploadName = file.getFileName();
    try {
      preview =
          service.previewJsonl(
              datasetId,
              new ByteArrayInputStream(upload),
              Split.TRAIN,
              createCategories,
              MAX_TEXT_LENGTH,
              caller());
    } catch (NotFoundException e) {
      Messages.warn("datasets.notFound", datasetId);
    }
  }

  /** Imports the checked file for real. */
  public void commit() {
    if (upload == null || datasetId == null) {
      return;
    }
    try {
      ImportReport done =
          service.importJsonl(
              datasetId,
              new ByteArrayInputStream(upload),
              Split.TRAIN,
              createCategories,
              MAX_TEXT_LENGTH,
              caller());
      Messages.info("datasets.imported", done.imported(), done.skipped().size(), uploadName);
    } catch (NotFoundException e) {
      Messages.warn("datasets.notFound", datasetId);
    }
    cancel();
    loadDatasets();
  }

  public void cancel() {
    upload = null;
    uploadName = null;
    preview = null;
  }

  private String caller() {
    return security.getCallerPrincipal().getName();
  }

  private long selectedSize() {
    return datasets.stream()
        .filter(d -> datasetId != null && d.id() == datasetId)
        .mapToLong(DatasetView::examples)
        .findFirst()
        .orElse(0);
  }

  /** Loads one page of examples per request; the count comes from the dataset's size. */
  private final class ExampleModel extends LazyDataModel<ExampleView> {
    private static final long serialVersionUID = 1L;

    @Override
    public int count(Map<String, FilterMeta> filterBy) {
      return (int) Math.min(Integer.MAX_VALUE, selectedSize());
    }

    @Override
    public List<ExampleView> load(
        int first, int pageSize, Map<String, SortMeta> sortBy, Map<String, FilterMeta> filterBy) {
      if (datasetId == null) {
        return List.of();
      }
      try {
        return service.examples(datasetId, first, pageSize);
      } catch (NotFoundException e) {
        return List.of();
      }
    }

    @Override
    public String getRowKey(ExampleView example) {
      return String.valueOf(example.id());
    }

    @Override
    public ExampleView getRowData(String rowKey) {
      return null;
    }
  }

  public List<TaxonomyView> getTaxonomies() {
    return taxonomies;
  }

  public Long getTaxonomyId() {
    return taxonomyId;
  }

  public void setTaxonomyId(Long taxonomyId) {
    this.taxonomyId = taxonomyId;
  }

  public List<DatasetView> getDatasets() {
    return datasets;
  }

  public Long getDatasetId() {
    return datasetId;
  }

  public void setDatasetId(Long datasetId) {
    this.datasetId = datasetId;
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

  public ImportReport getPreview() {
    return preview;
  }

  public String getUploadName() {
    return uploadName;
  }

  public LazyDataModel<ExampleView> getExamples() {
    return examples;
  }
}
