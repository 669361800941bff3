package dev.qcat.domain.model.evaluation;

import java.util.List;
import java.util.Optional;

/** Stores and finds model evaluations. */
public interface ModelEvaluationRepository {

  Optional<ModelEvaluation> find(long id);

  /**
   * @return the newest evaluation of the model version, if any
   */
  Optional<ModelEvaluation> findLatest(long modelVersionId);

  /**
   * @return evaluations of the model version, newest first. Never null.
   */
  List<ModelEvaluation> findByModelVersion(long modelVersionId);

  void store(ModelEvaluation evaluation);
}
