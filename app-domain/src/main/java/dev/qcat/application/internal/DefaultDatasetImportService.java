package dev.qcat.application.internal;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.DatasetView;
import dev.qcat.application.Views.ExampleView;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.CategoryStatus;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.dataset.Dataset;
import dev.qcat.domain.model.dataset.DatasetKind;
import dev.qcat.domain.model.dataset.DatasetRepository;
import dev.qcat.domain.model.dataset.Example;
import dev.qcat.domain.model.dataset.ExampleSource;
import dev.qcat.domain.model.dataset.ImportReport;
import dev.qcat.domain.model.dataset.ImportReport.SkippedLine;
import dev.qcat.domain.model.dataset.Split;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link DatasetImportService}: parse line → validate → Example, bad lines into the report. */
@Stateless
public class DefaultDatasetImportService implements DatasetImportService {

  @Inject private DatasetRepository datasets;
  @Inject private TaxonomyRepository taxonomies;
  @Inject private AuditLog audit;

  @Override
  public DatasetView create(long taxonomyId, String name, String actor) throws NotFoundException {
    Taxonomy t =
        taxonomies
            .find(taxonomyId)
            .orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    if (datasets.findByTaxonomy(taxonomyId).stream().anyMatch(d -> d.name().equals(name))) {
      throw new IllegalArgumentException(
          "Dataset '" + name + "' already exists in taxonomy " + t.name());
    }
    Dataset d = new Dataset(t, name, DatasetKind.SEED);
    datasets.store(d);
    audit.record(new AuditEvent(actor, "dataset.create", "Dataset", d.id(), name));
    return DatasetView.of(d, 0);
  }

  @Override
  public DatasetView find(long id) throws NotFoundException {
    Dataset d = datasets.find(id).orElseThrow(() -> new NotFoundException("Dataset", id));
    return DatasetView.of(d, datasets.countExamples(id));
  }

  @Override
  public List<DatasetView> list(long taxonomyId) throws NotFoundException {
    taxonomies.find(taxonomyId).orElseThrow(() -> new NotFoundException("Taxonomy", taxonomyId));
    return datasets.findByTaxonomy(taxonomyId).stream()
        .map(d -> DatasetView.of(d, datasets.countExamples(d.id())))
        .toList();
  }

  @Override
  public ImportReport importJsonl(
      long datasetId,
      InputStream jsonl,
      Split defaultSplit,
      boolean createCategories,
      int maxTextLength,
      String actor)
      throws NotFoundException {
    Dataset dataset =
        datasets.find(datasetId).orElseThrow(() -> new NotFoundException("Dataset", datasetId));
    Taxonomy taxonomy = dataset.taxonomy();
    List<SkippedLine> skipped = new ArrayList<>();
    int read = 0;
    int imported = 0;
    int lineNo = 0;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(jsonl, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        read++;
        SeedLine seed;
        try {
          seed = SeedLine.parse(line, defaultSplit, maxTextLength);
        } catch (IllegalArgumentException e) {
          skipped.add(new SkippedLine(lineNo, e.getMessage()));
          continue;
        }
        Optional<Category> category = taxonomy.category(seed.output());
        if (category.isPresent() && category.get().status() != CategoryStatus.ACTIVE) {
          skipped.add(new SkippedLine(lineNo, "category '" + seed.output() + "' is retired"));
          continue;
        }
        if (category.isEmpty()) {
          if (!createCategories) {
            skipped.add(
                new SkippedLine(
                    lineNo,
                    "unknown category '"
                        + seed.output()
                        + "' (not in taxonomy "
                        + taxonomy.name()
                        + "; import with createCategories=true to add it)"));
            continue;
          }
          category = Optional.of(taxonomy.addCategory(seed.output(), null, null));
          taxonomies.store(taxonomy);
        }
        datasets.store(
            new Example(dataset, seed.input(), category.get(), ExampleSource.IMPORT, seed.split()));
        imported++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the upload failed at line " + lineNo, e);
    }
    audit.record(
        new AuditEvent(
            actor,
            "dataset.import",
            "Dataset",
            datasetId,
            "read=" + read + " imported=" + imported + " skipped=" + skipped.size()));
    return new ImportReport(datasetId, read, imported, skipped);
  }

  @Resource private SessionContext context;

  @Override
  public ImportReport previewJsonl(
      long datasetId,
      InputStream jsonl,
      Split defaultSplit,
      boolean createCategories,
      int maxTextLength,
      String actor)
      throws NotFoundException {
    ImportReport report =
        importJsonl(datasetId, jsonl, defaultSplit, createCategories, maxTextLength, actor);
    context.setRollbackOnly(); // a preview: the same checks, nothing kept
    return report;
  }

  @Override
  public List<ExampleView> examples(long datasetId, int first, int max) throws NotFoundException {
    datasets.find(datasetId).orElseThrow(() -> new NotFoundException("Dataset", datasetId));
    return datasets.findExamples(datasetId, first, max).stream().map(ExampleView::of).toList();
  }
}
