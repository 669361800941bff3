package dev.qcat.application;

import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.modelversion.Quantization;
import jakarta.ejb.Local;
import java.util.List;

/** Registers model versions and activates them. */
@Local
public interface ModelVersionService {

  /**
   * Registers a CANDIDATE version for a taxonomy. Files are checked when it is activated.
   *
   * @param temperature calibration temperature > 0; null takes the adapter's {@code
   *     calibration.json} (written by {@code qcat train}: temperature scaling, Guo et al. 2017)
   *     when the adapter directory has one, else 1
   * @param threshold review threshold override in [0, 1], or null
   */
  ModelVersionView register(
      long taxonomyId,
      String name,
      String baseModelPath,
      String adapterPath,
      Quantization quantization,
      Double temperature,
      Double threshold,
      String actor)
      throws NotFoundException;

  ModelVersionView find(long id) throws NotFoundException;

  /**
   * @return the ACTIVE version of every taxonomy that has one. Never null.
   */
  List<ModelVersionView> active();

  List<ModelVersionView> list(long taxonomyId) throws NotFoundException;

  /**
   * Loads the version into the classifier and makes it ACTIVE; the previous ACTIVE version of the
   * taxonomy becomes RETIRED. Calls in flight are answered by the old model.
   *
   * @throws ModelLoadException if it cannot be loaded (nothing changes)
   */
  ModelVersionView activate(long id, String actor) throws NotFoundException, ModelLoadException;

  /**
   * Whether classification can work: the database answers, at least one model serves, and every
   * ACTIVE version in the database is loaded.
   *
   * @return the readiness; {@code ready()} false with a reason otherwise. Never null.
   */
  Readiness readiness();

  /**
   * @param ready true when classification can work
   * @param activeVersions ACTIVE versions in the database
   * @param servedVersions versions loaded in this server
   * @param reason why not ready, or "ok"
   */
  record Readiness(boolean ready, int activeVersions, int servedVersions, String reason) {}
}
