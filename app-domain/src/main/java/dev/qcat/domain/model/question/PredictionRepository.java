package dev.qcat.domain.model.question;

import java.util.Optional;

/** Stores predictions. */
public interface PredictionRepository {

  Optional<Prediction> find(long id);

  void store(Prediction prediction);

  /**
   * @param since the earliest creation time counted
   * @return how many predictions were stored at or after {@code since}
   */
  long countSince(java.time.OffsetDateTime since);

  /**
   * @return predictions of the taxonomy whose review task is still open (OPEN or CLAIMED). Never
   *     null.
   */
  java.util.List<Prediction> findWithOpenReview(long taxonomyId);
}
