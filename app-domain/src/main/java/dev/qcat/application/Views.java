package dev.qcat.application;

import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.dataset.Dataset;
import dev.qcat.domain.model.dataset.Example;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.question.ScoredCategory;
import dev.qcat.domain.model.review.ReviewTask;
import java.time.OffsetDateTime;
import java.util.List;

/** Read models returned by the application services: plain records, safe outside a transaction. */
public final class Views {

  private Views() {}

  /** A taxonomy with its categories. */
  public record TaxonomyView(
      long id,
      String name,
      int version,
      String instruction,
      double reviewThreshold,
      double auditRate,
      List<CategoryView> categories) {

    public static TaxonomyView of(Taxonomy t) {
      return new TaxonomyView(
          t.id(),
          t.name(),
          t.version(),
          t.instruction(),
          t.reviewThreshold(),
          t.auditRate(),
          t.categories().stream().map(CategoryView::of).toList());
    }
  }

  /**
   * One category; {@code parent} is the parent's name or null, {@code reviewThreshold} its own
   * threshold or null (the taxonomy's applies).
   */
  public record CategoryView(
      long id,
      String name,
      String description,
      String parent,
      String status,
      Double reviewThreshold) {

    public static CategoryView of(Category c) {
      return new CategoryView(
          c.id(),
          c.name(),
          c.description().orElse(null),
          c.parent().map(Category::name).orElse(null),
          c.status().name(),
          c.reviewThreshold().isPresent() ? c.reviewThreshold().getAsDouble() : null);
    }
  }

  /**
   * One stored prediction.
   *
   * @param latencyMs wall time of the classification, milliseconds
   * @param reviewTaskId the review task created for it, or null
   * @param errorBound bound on the confidence error caused by pruning, fraction in [0, 1]
   * @param zeroShot true if the chosen category was scored zero-shot: added to the taxonomy after
   *     the answering model version was created, so the model knew it only from its name and
   *     description listed in the prompt (DESIGN.md §2)
   */
  public record PredictionView(
      long id,
      String question,
      String category,
      double confidence,
      List<ScoredCategory> topK,
      long modelVersionId,
      int latencyMs,
      String routing,
      Long reviewTaskId,
      double errorBound,
      boolean zeroShot) {}

  /**
   * One review task with the prediction it is about.
   *
   * @param status OPEN, CLAIMED or RESOLVED
   * @param confidence the model's calibrated confidence in {@code predictedCategory}, fraction in
   *     [0, 1]
   * @param reviewer who holds (CLAIMED) or closed (RESOLVED) the task, or null
   * @param chosenCategory the reviewer's category (outcome LABELLED), or null
   * @param outcome LABELLED, AMBIGUOUS or NEW_CATEGORY once RESOLVED, else null
   * @param note the reviewer's note (AMBIGUOUS, NEW_CATEGORY), or null
   * @param resolvedAt when it was resolved, or null
   */
  public record ReviewView(
      long id,
      String status,
      boolean audit,
      long predictionId,
      String question,
      String predictedCategory,
      double confidence,
      String reviewer,
      String chosenCategory,
      long taxonomyId,
      long version,
      OffsetDateTime createdAt,
      String outcome,
      String note,
      long modelVersionId,
      OffsetDateTime resolvedAt) {

    public static ReviewView of(ReviewTask r) {
      return new ReviewView(
          r.id(),
          r.status().name(),
          r.audit(),
          r.prediction().id(),
          r.prediction().question(),
          r.prediction().category().name(),
          r.confidence(),
          r.reviewer().orElse(null),
          r.chosenCategory().map(Category::name).orElse(null),
          r.taxonomy().id(),
          r.version(),
          r.createdAt(),
          r.outcome().map(Enum::name).orElse(null),
          r.note().orElse(null),
          r.prediction().modelVersion().id(),
          r.resolvedAt().orElse(null));
    }
  }

  /** One model version. */
  public record ModelVersionView(
      long id,
      long taxonomyId,
      String name,
      String baseModelPath,
      String adapterPath,
      String quantization,
      double temperature,
      Double threshold,
      String status,
      String metrics) {

    public static ModelVersionView of(ModelVersion m) {
      return new ModelVersionView(
          m.id(),
          m.taxonomy().id(),
          m.name(),
          m.baseModelPath(),
          m.adapterPath().orElse(null),
          m.quantization().name(),
          m.temperature(),
          m.threshold().isPresent() ? m.threshold().getAsDouble() : null,
          m.status().name(),
          m.metrics().orElse(null));
    }
  }

  /** One example of a dataset; {@code categoryRetired} is true when its category is retired. */
  public record ExampleView(
      long id, String text, String category, String source, String split, boolean categoryRetired) {

    public ExampleView(long id, String text, String category, String source, String split) {
      this(id, text, category, source, split, false);
    }

    public static ExampleView of(Example e) {
      return new ExampleView(
          e.id(),
          e.text(),
          e.category().name(),
          e.source().name(),
          e.split().name(),
          e.category().status() != dev.qcat.domain.model.category.CategoryStatus.ACTIVE);
    }
  }

  /** One dataset with its size. */
  public record DatasetView(long id, long taxonomyId, String name, String kind, long examples) {

    public static DatasetView of(Dataset d, long examples) {
      return new DatasetView(d.id(), d.taxonomy().id(), d.name(), d.kind().name(), examples);
    }
  }

  /** One audit event. */
  public record AuditView(OffsetDateTime occurredAt, String actor, String action, String details) {

    public static AuditView of(dev.qcat.domain.model.audit.AuditEvent e) {
      return new AuditView(e.occurredAt(), e.actor(), e.action(), e.details());
    }
  }

  /**
   * Example counts of one category per split.
   *
   * @param retired whether the category is retired (its examples wait to be relabelled)
   */
  public record BalanceRow(
      String category, boolean retired, long train, long validation, long test) {
    public long total() {
      return train + validation + test;
    }
  }

  /**
   * One occurrence of a duplicated question.
   *
   * @param split TRAIN, VALIDATION or TEST
   * @param exampleId the example's id
   */
  public record OccurrenceView(String split, long exampleId, String text, String category) {}

  /**
   * Examples sharing one normalised text.
   *
   * @param kind EXACT (same text after stripping) or NORMALISED (same after NFKC, lower case,
   *     punctuation removed, whitespace collapsed)
   * @param leakage whether the members span two or more splits
   * @param conflictingLabels whether the members carry different categories
   */
  public record DuplicateGroupView(
      String normalisedText,
      String kind,
      boolean leakage,
      boolean conflictingLabels,
      List<OccurrenceView> occurrences) {}

  /**
   * Duplicates and leakage of a dataset.
   *
   * @param sizes examples per split (TRAIN, VALIDATION, TEST)
   * @param withinSplitGroups number of groups inside one split
   * @param leakageGroups number of groups across splits
   * @param leakedValidation validation examples that also occur in another split
   * @param leakedTest test examples that also occur in another split
   * @param groups leakage groups first, then within-split groups, at most the requested number
   * @param truncated whether groups were left out
   */
  public record DuplicatesView(
      java.util.Map<String, Integer> sizes,
      int withinSplitGroups,
      int leakageGroups,
      int leakedValidation,
      int leakedTest,
      List<DuplicateGroupView> groups,
      boolean truncated) {}
}
