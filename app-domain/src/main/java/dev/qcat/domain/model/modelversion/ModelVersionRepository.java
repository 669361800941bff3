package dev.qcat.domain.model.modelversion;

import java.util.List;
import java.util.Optional;

/** Stores and finds model versions. */
public interface ModelVersionRepository {

  Optional<ModelVersion> find(long id);

  /**
   * @return the ACTIVE version of the taxonomy, if any
   */
  Optional<ModelVersion> findActive(long taxonomyId);

  /**
   * @return every ACTIVE version (one per taxonomy at most). Never null.
   */
  List<ModelVersion> findAllActive();

  /**
   * @return versions of a taxonomy, newest first. Never null.
   */
  List<ModelVersion> findByTaxonomy(long taxonomyId);

  void store(ModelVersion modelVersion);

  /** Writes pending changes now (the one-ACTIVE index is checked per statement). */
  void flush();
}
