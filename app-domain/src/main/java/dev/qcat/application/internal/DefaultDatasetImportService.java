package dev.qcat.application.internal;

import dev.qcat.application.DatasetImportService;
import dev.qcat.application.ImportProgress;
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
import dev.qcat.domain.model.dataset.ExampleSource;
import dev.qcat.domain.model.dataset.ImportReport;
import dev.qcat.domain.model.dataset.ImportReport.SkippedLine;
import dev.qcat.domain.model.dataset.NewExample;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.inference.data.BadLine;
import dev.qcat.inference.data.CsvDatasetReader;
import dev.qcat.inference.data.SeedDataset;
import dev.qcat.inference.data.SeedExample;
import jakarta.annotation.Resource;
import jakarta.ejb.AsyncResult;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * {@link DatasetImportService}: parse (JSONL or CSV) → check the category → bulk insert; bad
 * records into the report.
 */
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
    return importFile(
        datasetId,
        jsonl,
        new ImportOptions(Format.JSONL, defaultSplit, createCategories, maxTextLength),
        actor,
        null);
  }

  @Override
  public ImportReport previewJsonl(
      long datasetId,
      InputStream jsonl,
      Split defaultSplit,
      boolean createCategories,
      int maxTextLength,
      String actor)
      throws NotFoundException {
    return previewFile(
        datasetId,
        jsonl,
        new ImportOptions(Format.JSONL, defaultSplit, createCategories, maxTextLength),
        actor);
  }

  /** One parsed record: its line, question, category name and split. */
  private record Parsed(int line, String input, String output, Split split) {}

  @Override
  public ImportReport importFile(
      long datasetId,
      InputStream content,
      ImportOptions options,
      String actor,
      ImportProgress progress)
      throws NotFoundException {
    Dataset dataset =
        datasets.find(datasetId).orElseThrow(() -> new NotFoundException("Dataset", datasetId));
    Taxonomy taxonomy = dataset.taxonomy();
    List<SkippedLine> skipped = new ArrayList<>();
    List<Parsed> records = new ArrayList<>();
    int read;
    try {
      read =
          options.format() == Format.CSV
              ? parseCsv(content, options, records, skipped)
              : parseJsonl(content, options, records, skipped);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the upload failed", e);
    }
    if (progress != null) {
      progress.start(records.size());
    }
    Map<String, Category> byName = new HashMap<>();
    taxonomy.categories().forEach(c -> byName.put(c.name(), c));
    List<NewExample> rows = new ArrayList<>(records.size());
    for (Parsed r : records) {
      Category category = byName.get(r.output());
      if (category != null && category.status() != CategoryStatus.ACTIVE) {
        skipped.add(new SkippedLine(r.line(), "category '" + r.output() + "' is retired"));
      } else if (category == null && !options.createCategories()) {
        skipped.add(
            new SkippedLine(
                r.line(),
                "unknown category '"
                    + r.output()
                    + "' (not in taxonomy "
                    + taxonomy.name()
                    + "; import with createCategories=true to add it)"));
      } else {
        if (category == null) {
          category = taxonomy.addCategory(r.output(), null, null);
          taxonomies.store(taxonomy);
          taxonomies.flush(); // the new category's id, for the bulk insert
          byName.put(category.name(), category);
        }
        rows.add(new NewExample(r.input(), category.id(), ExampleSource.IMPORT, r.split()));
      }
      if (progress != null) {
        progress.step();
      }
    }
    int imported = datasets.insertExamples(datasetId, rows);
    skipped.sort(java.util.Comparator.comparingInt(SkippedLine::line));
    audit.record(
        new AuditEvent(
            actor,
            "dataset.import",
            "Dataset",
            datasetId,
            options.format()
                + " read="
                + read
                + " imported="
                + imported
                + " skipped="
                + skipped.size()));
    return new ImportReport(datasetId, read, imported, skipped);
  }

  /**
   * Seed JSONL through {@link SeedLine} (it also reads the optional "split" field, which
   * app-inference's SeedJsonlReader does not).
   *
   * @return non-blank lines read
   */
  private static int parseJsonl(
      InputStream content, ImportOptions options, List<Parsed> out, List<SkippedLine> skipped)
      throws IOException {
    int read = 0;
    int lineNo = 0;
    BufferedReader in = new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNo++;
      if (lineNo == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      read++;
      try {
        SeedLine seed = SeedLine.parse(line, options.defaultSplit(), options.maxTextLength());
        out.add(new Parsed(lineNo, seed.input(), seed.output(), seed.split()));
      } catch (IllegalArgumentException e) {
        skipped.add(new SkippedLine(lineNo, e.getMessage()));
      }
    }
    return read;
  }

  /**
   * CSV ({@code text,label}) through app-inference's {@link CsvDatasetReader}; labels are checked
   * against the taxonomy afterwards, like JSONL.
   *
   * @return records read (good and bad)
   */
  private static int parseCsv(
      InputStream content, ImportOptions options, List<Parsed> out, List<SkippedLine> skipped)
      throws IOException {
    SeedDataset data =
        new CsvDatasetReader(Set.of(), Math.max(1, options.maxTextLength()))
            .read(new InputStreamReader(content, StandardCharsets.UTF_8));
    for (SeedExample x : data.examples()) {
      out.add(
          new Parsed(
              (int) x.lineNumber(), x.input(), x.output().orElseThrow(), options.defaultSplit()));
    }
    for (BadLine b : data.badLines()) {
      skipped.add(new SkippedLine((int) b.lineNumber(), b.reason()));
    }
    return data.examples().size() + data.badLines().size();
  }

  @Resource private SessionContext context;

  @Override
  public ImportReport previewFile(
      long datasetId, InputStream content, ImportOptions options, String actor)
      throws NotFoundException {
    ImportReport report = importFile(datasetId, content, options, actor, null);
    context.setRollbackOnly(); // a preview: the same checks, nothing kept
    return report;
  }

  @Override
  @Asynchronous
  public Future<ImportReport> importInBackground(
      long datasetId,
      byte[] content,
      ImportOptions options,
      String actor,
      ImportProgress progress) {
    try {
      ImportReport report =
          importFile(datasetId, new ByteArrayInputStream(content), options, actor, progress);
      progress.finish(report);
      return new AsyncResult<>(report);
    } catch (NotFoundException | RuntimeException e) {
      context.setRollbackOnly();
      progress.fail(e.getMessage());
      return new AsyncResult<>(null);
    }
  }

  @Override
  public List<ExampleView> examples(long datasetId, int first, int max) throws NotFoundException {
    datasets.find(datasetId).orElseThrow(() -> new NotFoundException("Dataset", datasetId));
    return datasets.findExamples(datasetId, first, max).stream().map(ExampleView::of).toList();
  }
}
