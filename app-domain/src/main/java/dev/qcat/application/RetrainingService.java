package dev.qcat.application;

import dev.qcat.application.Views.ModelVersionView;
import dev.qcat.domain.model.drift.DriftRepository.LabelledText;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import jakarta.ejb.Local;
import java.util.List;
import java.util.Optional;

/**
 * The training side of the loop (issue 7): the data a training job snapshots, registering its
 * result as a CANDIDATE, the promotion gate, and the one-action rollback.
 */
@Local
public interface RetrainingService {

  /**
   * What a training job trains on.
   *
   * @param categories the taxonomy's active categories, in order
   * @param train TRAIN-split seed examples and reviewed examples (minus the fresh holdout)
   * @param validation VALIDATION-split seed examples (may be empty: the trainer splits one off)
   * @param activeBaseModelPath base checkpoint of the ACTIVE version, if any
   */
  record TrainingData(
      long taxonomyId,
      String taxonomyName,
      String instruction,
      List<String> categories,
      List<LabelledText> train,
      List<LabelledText> validation,
      Optional<String> activeBaseModelPath) {}

  /**
   * @throws NotFoundException if the taxonomy does not exist
   */
  TrainingData trainingData(long taxonomyId) throws NotFoundException;

  /**
   * Registers a trained adapter as a CANDIDATE version with its metrics and calibration.
   *
   * @param metricsJson a JSON object
   * @param temperature fitted calibration temperature, &gt; 0
   */
  ModelVersionView registerCandidate(
      long taxonomyId,
      String name,
      String baseModelPath,
      String adapterPath,
      double temperature,
      String metricsJson,
      String actor)
      throws NotFoundException;

  /**
   * The promotion gate's decision.
   *
   * @param candidateId the candidate
   * @param activeId the version it was compared with, or null when none was ACTIVE
   * @param promoted true if the candidate is now ACTIVE
   * @param reason why (each comparison with its figures)
   * @param detailsJson the figures as a JSON object (also stored under "gate" in the metrics)
   */
  record GateDecision(
      long candidateId, Long activeId, boolean promoted, String reason, String detailsJson) {}

  /**
   * Compares a CANDIDATE with the ACTIVE version of its taxonomy on the golden set and on fresh
   * validation data (reviewed examples never trained on): it is promoted only if its macro-F1 is
   * not lower on either and no category's recall falls by more than the taxonomy's recall margin;
   * otherwise it stays CANDIDATE and the reason is stored in its metrics. Scoring runs outside any
   * transaction.
   *
   * @throws ModelLoadException if a model cannot be loaded (nothing changes)
   */
  GateDecision gate(long candidateId, String actor) throws NotFoundException, ModelLoadException;

  /**
   * Makes the version that was ACTIVE before the current one ACTIVE again (the newest RETIRED
   * version that once served).
   *
   * @throws IllegalArgumentException if no version of the taxonomy served before
   */
  ModelVersionView rollback(long taxonomyId, String actor)
      throws NotFoundException, ModelLoadException;
}
