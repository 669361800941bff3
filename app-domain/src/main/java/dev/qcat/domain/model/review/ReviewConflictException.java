package dev.qcat.domain.model.review;

import jakarta.ejb.ApplicationException;

/**
 * A claim or resolve that lost: the task was resolved (or claimed by someone else) in the meantime.
 * Nothing was changed.
 */
@ApplicationException(rollback = true)
public class ReviewConflictException extends Exception {

  public ReviewConflictException(String message) {
    super(message);
  }
}
