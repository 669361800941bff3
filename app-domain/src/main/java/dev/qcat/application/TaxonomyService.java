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
  }

  /**
   * Applies one change; the taxonomy gets the next version number and an audit event ({@code
   * taxonomy.category.add|rename|move|retire}) records it.
   *
   * @throws IllegalArgumentException if the change does not fit the taxonomy (message says why)
   */
  TaxonomyView change(long taxonomyId, CategoryChange change, String actor)
      throws NotFoundException;
}
