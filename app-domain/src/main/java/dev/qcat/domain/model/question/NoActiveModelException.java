package dev.qcat.domain.model.question;

import jakarta.ejb.ApplicationException;

/** No model version is ACTIVE (or loaded) for the taxonomy; nothing can be classified. */
@ApplicationException(rollback = true)
public class NoActiveModelException extends Exception {

  public NoActiveModelException(String message) {
    super(message);
  }
}
