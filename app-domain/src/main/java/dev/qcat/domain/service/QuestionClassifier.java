package dev.qcat.domain.service;

import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.question.Classification;
import dev.qcat.domain.model.question.NoActiveModelException;
import java.util.List;
import java.util.OptionalLong;

/**
 * Sorts questions into the categories of a taxonomy with the model version serving it. The real
 * adapter ({@code DjlQuestionClassifier}) holds the loaded models, micro-batches concurrent calls,
 * and swaps models without failing calls in flight.
 */
public interface QuestionClassifier {

  /**
   * Classifies questions with the model serving the taxonomy.
   *
   * @param taxonomy the taxonomy whose active categories are the answers
   * @param questions question texts, at least one
   * @return one classification per question, in order; calibrated confidences. Never null.
   * @throws NoActiveModelException if no model serves the taxonomy
   */
  List<Classification> classify(Taxonomy taxonomy, List<String> questions)
      throws NoActiveModelException;

  /**
   * Loads a model version and makes it serve its taxonomy; the version it replaces finishes the
   * calls it already accepted and is then released.
   *
   * @throws ModelLoadException if the files cannot be loaded; the previous model keeps serving
   */
  void serve(ModelVersion modelVersion) throws ModelLoadException;

  /**
   * @return id of the model version serving the taxonomy, if any
   */
  OptionalLong servedVersion(long taxonomyId);
}
