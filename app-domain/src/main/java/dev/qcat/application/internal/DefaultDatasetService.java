package dev.qcat.application.internal;

import dev.qcat.application.DatasetService;
import dev.qcat.application.NotFoundException;
import dev.qcat.application.Views.BalanceRow;
import dev.qcat.application.Views.DuplicateGroupView;
import dev.qcat.application.Views.DuplicatesView;
import dev.qcat.application.Views.ExampleView;
import dev.qcat.application.Views.OccurrenceView;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.CategoryStatus;
import dev.qcat.domain.model.dataset.Dataset;
import dev.qcat.domain.model.dataset.DatasetRepository;
import dev.qcat.domain.model.dataset.Example;
import dev.qcat.domain.model.dataset.ExampleFilter;
import dev.qcat.domain.model.dataset.ExampleRow;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.inference.data.DuplicateDetector;
import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.data.SeedJsonlReader;
import dev.qcat.inference.data.StratifiedSplitter;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link DatasetService}. */
@Stateless
public class DefaultDatasetService implements DatasetService {

  @Inject private DatasetRepository datasets;
  @Inject private AuditLog audit;

  private Dataset dataset(long id) throws NotFoundException {
    return datasets.find(id).orElseThrow(() -> new NotFoundException("Dataset", id));
  }

  @Override
  public long count(long datasetId, ExampleFilter filter) throws NotFoundException {
    dataset(datasetId);
    return datasets.countExamples(datasetId, filter);
  }

  @Override
  public List<ExampleView> page(long datasetId, ExampleFilter filter, int first, int max)
      throws NotFoundException {
    dataset(datasetId);
    return datasets.findExamples(datasetId, filter, first, max).stream()
        .map(ExampleView::of)
        .toList();
  }

  @Override
  public ExampleView edit(
      long exampleId, String text, String category, Split split, int maxTextLength, String actor)
      throws NotFoundException {
    Example e =
        datasets
            .findExample(exampleId)
            .orElseThrow(() -> new NotFoundException("Example", exampleId));
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("the question must not be blank");
    }
    if (t.length() > maxTextLength) {
      throw new IllegalArgumentException(
          "the question has " + t.length() + " characters; the limit is " + maxTextLength);
    }
    Category c =
        e.dataset()
            .taxonomy()
            .category(category == null ? "" : category)
            .filter(x -> x.status() == CategoryStatus.ACTIVE)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "'" + category + "' is not an active category of the taxonomy"));
    String before = describe(e);
    e.edit(t, c, split == null ? e.split() : split);
    audit.record(
        new AuditEvent(
            actor,
            "dataset.example.edit",
            "Dataset",
            e.dataset().id(),
            "example " + exampleId + ": " + before + " -> " + describe(e)));
    return ExampleView.of(e);
  }

  private static String describe(Example e) {
    return "[" + e.category().name() + ", " + e.split() + "] " + e.text();
  }

  @Override
  public void delete(long exampleId, String actor) throws NotFoundException {
    Example e =
        datasets
            .findExample(exampleId)
            .orElseThrow(() -> new NotFoundException("Example", exampleId));
    audit.record(
        new AuditEvent(
            actor,
            "dataset.example.delete",
            "Dataset",
            e.dataset().id(),
            "example " + exampleId + " " + describe(e)));
    datasets.remove(e);
  }

  @Override
  public int moveToSplit(long datasetId, Collection<Long> exampleIds, Split split, String actor)
      throws NotFoundException {
    dataset(datasetId);
    int n = datasets.changeSplit(datasetId, exampleIds, split);
    audit.record(
        new AuditEvent(
            actor, "dataset.split.move", "Dataset", datasetId, n + " examples to " + split));
    return n;
  }

  @Override
  public Map<Split, Long> resplit(
      long datasetId, double validationFraction, double testFraction, long seed, String actor)
      throws NotFoundException {
    dataset(datasetId);
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "the validation share must be in (0, 1) but was " + validationFraction);
    }
    if (!(testFraction >= 0 && testFraction < 1 && validationFraction + testFraction < 1)) {
      throw new IllegalArgumentException(
          "the test share must be in [0, 1) and validation + test below 1 but was " + testFraction);
    }
    List<ExampleRow> rows = datasets.rows(datasetId);
    Set<Split> resplit =
        testFraction > 0 ? EnumSet.allOf(Split.class) : EnumSet.of(Split.TRAIN, Split.VALIDATION);
    List<SeedExample> pool = new ArrayList<>();
    for (ExampleRow r : rows) {
      if (resplit.contains(r.split())) {
        pool.add(seedExample(r));
      }
    }
    List<Long> toTest = new ArrayList<>();
    List<SeedExample> rest = pool;
    if (testFraction > 0 && !pool.isEmpty()) {
      StratifiedSplitter.Split first = StratifiedSplitter.split(pool, testFraction, seed);
      first.validation().forEach(x -> toTest.add(x.lineNumber()));
      rest = first.train();
    }
    List<Long> toValidation = new ArrayList<>();
    if (!rest.isEmpty()) {
      // The share of what is left that makes validationFraction of the whole.
      double share = validationFraction / (1 - testFraction);
      StratifiedSplitter.split(rest, share, seed + 1)
          .validation()
          .forEach(x -> toValidation.add(x.lineNumber()));
    }
    datasets.changeSplit(datasetId, resplit, Split.TRAIN);
    datasets.changeSplit(datasetId, toValidation, Split.VALIDATION);
    datasets.changeSplit(datasetId, toTest, Split.TEST);
    Map<Split, Long> sizes = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      sizes.put(s, datasets.countExamples(datasetId, new ExampleFilter(null, null, s, null)));
    }
    audit.record(
        new AuditEvent(
            actor,
            "dataset.split.stratified",
            "Dataset",
            datasetId,
            "validation="
                + validationFraction
                + " test="
                + testFraction
                + " seed="
                + seed
                + " -> "
                + sizes));
    return sizes;
  }

  /** A row as app-inference's record; the line number carries the example id. */
  private static SeedExample seedExample(ExampleRow r) {
    return new SeedExample(
        r.id(), SeedJsonlReader.DEFAULT_INSTRUCTION, r.text(), Optional.of(r.category()));
  }

  @Override
  public DuplicatesView duplicates(long datasetId, int maxGroups) throws NotFoundException {
    dataset(datasetId);
    Map<String, List<SeedExample>> bySplit = new LinkedHashMap<>();
    for (Split s : Split.values()) {
      bySplit.put(s.name(), new ArrayList<>());
    }
    for (ExampleRow r : datasets.rows(datasetId)) {
      bySplit.get(r.split().name()).add(seedExample(r));
    }
    DuplicateDetector.Report report = DuplicateDetector.detect(bySplit);
    List<DuplicateGroupView> groups = new ArrayList<>();
    for (var g : report.leakage()) {
      groups.add(view(g, true));
    }
    for (var g : report.withinSplit()) {
      groups.add(view(g, false));
    }
    boolean truncated = groups.size() > maxGroups;
    return new DuplicatesView(
        report.sizes(),
        report.withinSplit().size(),
        report.leakage().size(),
        report.leakedFrom(Split.VALIDATION.name()),
        report.leakedFrom(Split.TEST.name()),
        truncated ? List.copyOf(groups.subList(0, maxGroups)) : groups,
        truncated);
  }

  private static DuplicateGroupView view(DuplicateDetector.Group g, boolean leakage) {
    return new DuplicateGroupView(
        g.normalisedText(),
        g.kind().name(),
        leakage,
        g.conflictingLabels(),
        g.occurrences().stream()
            .map(o -> new OccurrenceView(o.split(), o.lineNumber(), o.text(), o.label()))
            .toList());
  }

  @Override
  public List<BalanceRow> balance(long datasetId) throws NotFoundException {
    Dataset d = dataset(datasetId);
    Map<Long, Map<Split, Long>> counts = datasets.countByCategoryAndSplit(datasetId);
    List<BalanceRow> rows = new ArrayList<>();
    for (Category c : d.taxonomy().categories()) {
      Map<Split, Long> n = counts.getOrDefault(c.id(), Map.of());
      boolean retired = c.status() != CategoryStatus.ACTIVE;
      if (retired && n.isEmpty()) {
        continue;
      }
      rows.add(
          new BalanceRow(
              c.name(),
              retired,
              n.getOrDefault(Split.TRAIN, 0L),
              n.getOrDefault(Split.VALIDATION, 0L),
              n.getOrDefault(Split.TEST, 0L)));
    }
    rows.sort(Comparator.comparingLong(BalanceRow::total).reversed());
    return rows;
  }
}
