package dev.qcat.domain.model.category;

import java.util.List;
import java.util.Optional;

/** Stores and finds taxonomies with their categories. */
public interface TaxonomyRepository {

  Optional<Taxonomy> find(long id);

  /**
   * @return the highest version of the taxonomy with that name
   */
  Optional<Taxonomy> findLatestByName(String name);

  /**
   * @return all taxonomies ordered by name and version. Never null.
   */
  List<Taxonomy> findAll();

  Optional<Category> findCategory(long id);

  void store(Taxonomy taxonomy);

  /** Writes pending changes now (new categories get their ids). */
  void flush();
}
