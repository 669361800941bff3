package dev.qcat.domain.model.modelversion;

import jakarta.ejb.ApplicationException;

/** A model version's files could not be loaded; the version was not activated. */
@ApplicationException(rollback = true)
public class ModelLoadException extends Exception {

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }

  public ModelLoadException(String message) {
    super(message);
  }
}
