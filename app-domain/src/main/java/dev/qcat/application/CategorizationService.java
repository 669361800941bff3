package dev.qcat.application;

import dev.qcat.application.Views.PredictionView;
import dev.qcat.domain.model.question.NoActiveModelException;
import jakarta.ejb.Local;
import java.util.List;

/** Classifies questions, stores every prediction and routes uncertain ones to review. */
@Local
public interface CategorizationService {

  /**
   * Classifies questions with the model serving the taxonomy, stores one Prediction each (with
   * latency and model version) and creates a ReviewTask for those below the threshold and for the
   * random audit share of the others (DESIGN.md §2).
   *
   * @param taxonomyName the taxonomy; null means the only one (or the first by name)
   * @param questions question texts, at least one, none blank
   * @param client the caller's name, kept with each prediction
   * @return one view per question, in order. Never null.
   * @throws NotFoundException if the taxonomy does not exist
   * @throws NoActiveModelException if no model serves it
   */
  List<PredictionView> classify(String taxonomyName, List<String> questions, String client)
      throws NotFoundException, NoActiveModelException;

  /**
   * @return the stored prediction
   * @throws NotFoundException if there is none with that id
   */
  PredictionView find(long predictionId) throws NotFoundException;

  /**
   * @param since the earliest creation time counted
   * @return how many predictions were stored since then, over all taxonomies
   */
  long countPredictionsSince(java.time.OffsetDateTime since);
}
