package dev.qcat.inference.cli;

/** Bad usage found while running a subcommand (exit code 2), e.g. a file that does not exist. */
final class UsageException extends RuntimeException {

  /**
   * @param message what is wrong, naming the option and the value
   */
  UsageException(String message) {
    super(message);
  }
}
