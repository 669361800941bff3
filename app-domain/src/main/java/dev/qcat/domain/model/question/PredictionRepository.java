package dev.qcat.domain.model.question;

import java.util.Optional;

/** Stores predictions. */
public interface PredictionRepository {

  Optional<Prediction> find(long id);

  void store(Prediction prediction);
}
