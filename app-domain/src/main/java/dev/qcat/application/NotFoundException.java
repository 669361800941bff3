package dev.qcat.application;

import jakarta.ejb.ApplicationException;

/** An id or name in a request matches nothing. */
@ApplicationException(rollback = true)
public class NotFoundException extends Exception {

  public NotFoundException(String what, Object id) {
    super(what + " " + id + " does not exist.");
  }
}
