package dev.qcat.interfaces.rest;

/** A question (or a batch) is over the configured limit; answered with 413. */
public class PayloadTooLargeException extends RuntimeException {

  public PayloadTooLargeException(String message) {
    super(message);
  }
}
