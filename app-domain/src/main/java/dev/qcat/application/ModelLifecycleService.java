package dev.qcat.application;

import dev.qcat.application.EvaluationService.EvaluationView;
import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import jakarta.ejb.Local;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What the Models page does with model versions beyond registering and activating them ({@link
 * ModelVersionService}): the overview with each version's last evaluation, setting the review
 * threshold, and rolling back to the version that was ACTIVE before.
 */
@Local
public interface ModelLifecycleService {

  /**
   * @return the taxonomy's versions, newest first, each with its last evaluation. Never null.
   * @throws NotFoundException if the taxonomy does not exist
   */
  List<ModelVersionEntry> versions(long taxonomyId) throws NotFoundException;

  /**
   * Sets the version's review threshold (routing uses it while the version is ACTIVE, unless a
   * category has its own) and records an audit event {@code model.threshold}.
   *
   * @param threshold fraction in [0, 1], or null to fall back to the taxonomy's
   * @throws IllegalArgumentException if the threshold is outside [0, 1]
   */
  ModelVersionView changeThreshold(long modelVersionId, Double threshold, String actor)
      throws NotFoundException;

  /**
   * The version a roll back would activate: among the taxonomy's RETIRED versions that were ACTIVE
   * once, the one activated last.
   *
   * @return its id, or empty when there is none
   */
  Optional<Long> rollbackTarget(long taxonomyId);

  /**
   * Activates {@link #rollbackTarget} (the current ACTIVE version is retired, as with any
   * activation) and records an audit event {@code model.rollback} besides {@code model.activate}.
   *
   * @return the version now ACTIVE. Never null.
   * @throws IllegalArgumentException if no earlier ACTIVE version exists
   * @throws ModelLoadException if its files cannot be loaded (nothing changes)
   */
  ModelVersionView rollback(long taxonomyId, String actor)
      throws NotFoundException, ModelLoadException;

  /**
   * One row of the Models page.
   *
   * @param threshold the version's own review threshold, or null (the taxonomy's applies)
   * @param activatedAt when it last became ACTIVE, or null if never
   * @param lastEvaluation its newest evaluation, or null
   */
  record ModelVersionEntry(
      long id,
      long taxonomyId,
      String name,
      String baseModelPath,
      String adapterPath,
      String quantization,
      double temperature,
      Double threshold,
      String status,
      OffsetDateTime createdAt,
      OffsetDateTime activatedAt,
      EvaluationView lastEvaluation) {}
}
