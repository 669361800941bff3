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
}
