package dev.qcat.application;

/**
 * A job cannot start, restart or stop now: the same job already runs for the taxonomy, the job is
 * not in a state that allows it, or this server is not the training node. Nothing was changed.
 */
public class JobConflictException extends Exception {

  private static final long serialVersionUID = 1L;

  public JobConflictException(String message) {
    super(message);
  }
}
