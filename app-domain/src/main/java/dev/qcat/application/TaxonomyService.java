package dev.qcat.application;

import dev.qcat.application.Views.CategoryView;
import dev.qcat.application.Views.TaxonomyView;
import jakarta.ejb.Local;
import java.util.List;

/** Creates and reads taxonomies. */
@Local
public interface TaxonomyService {

  /**
   * A category to create.
   *
   * @param parent name of a category listed earlier, or null
   * @param reviewThreshold this category's own review threshold in [0, 1], or null for the
   *     taxonomy's
   */
  record NewCategory(String name, String description, String parent, Double reviewThreshold) {}

  /**
   * Creates a taxonomy (next version if the name exists) with categories.
   *
   * @param instruction null for the default
   * @param reviewThreshold null for 0.75
   * @param auditRate null for 0.02
   */
  TaxonomyView create(
      String name,
      String instruction,
      Double reviewThreshold,
      Double auditRate,
      List<NewCategory> categories,
      String actor);

  List<TaxonomyView> list();

  TaxonomyView find(long id) throws NotFoundException;

  /**
   * @return the categories of a taxonomy, retired ones included. Never null.
   */
  List<CategoryView> categories(long taxonomyId) throws NotFoundException;

  /**
   * @return example count per category name over the taxonomy's datasets. Never null.
   */
  java.util.Map<String, Long> exampleCounts(long taxonomyId) throws NotFoundException;

  /** A change of a taxonomy's categories, made by the editor. */
  sealed interface CategoryChange {
    /** Adds a category under {@code parent} (null: top level). */
    record Add(String name, String description, String parent) implements CategoryChange {}

    /** Renames in place: examples and open reviews carry over. */
    record Rename(String name, String newName) implements CategoryChange {}

    /** Moves under {@code newParent} (null: top level). */
    record Move(String name, String newParent) implements CategoryChange {}

    /** Stops offering the category. */
    record Retire(String name) implements CategoryChange {}

    /**
     * Merges {@code source} into {@code target}: the source is retired; its examples, its open
     * reviews and its sub-categories go to the target.
     */
    record Merge(String source, String target) implements CategoryChange {}

    /**
     * Splits {@code name} into two or more new categories under the same parent; the original is
     * retired. Its examples stay with it until they are relabelled on the datasets page.
     *
     * @param parts at least 2, each with a new name and an optional description
     */
    record Split(String name, List<dev.qcat.domain.model.category.Taxonomy.SplitPart> parts)
        implements CategoryChange {}
  }

  /**
   * The changes of a taxonomy's categories that the active model version has not been trained on:
   * every category change recorded after the model version was created.
   *
   * @param activeModel name of the active model version, or null when none is active (then every
   *     change is listed)
   * @param modelCreatedAt creation time of the active model version, or null
   * @param changes the changes, oldest first. Never null.
   * @param zeroShot names of the active categories the active model scores zero-shot (added after
   *     it was created). Never null.
   */
  record UntrainedChanges(
      String activeModel,
      java.time.OffsetDateTime modelCreatedAt,
      List<dev.qcat.application.Views.AuditView> changes,
      List<String> zeroShot) {}

  /**
   * @return what the active model of the taxonomy does not know yet. Never null.
   */
  UntrainedChanges untrainedChanges(long taxonomyId) throws NotFoundException;

  /**
   * Applies one change; the taxonomy gets the next version number and an audit event ({@code
   * taxonomy.category.add|rename|move|retire|merge|split}) records it. A rename or merge restates
   * the open reviews' predictions in the new names ({@code Prediction.carryOver}); a merge also
   * relabels the source's examples to the target.
   *
   * @throws IllegalArgumentException if the change does not fit the taxonomy (message says why)
   */
  TaxonomyView change(long taxonomyId, CategoryChange change, String actor)
      throws NotFoundException;
}
