package dev.qcat.interfaces.batch.common;

import java.util.Optional;

/**
 * This server instance's name and the training node (DESIGN.md §5): jobs that train run only on the
 * instance named by system property {@code qcat.training.node} or environment variable {@code
 * QCAT_TRAINING_NODE}; when neither is set, every instance may train.
 */
public final class Node {

  private Node() {}

  /**
   * @return the Payara instance name ({@code com.sun.aas.instanceName}; "server" for the DAS).
   *     Never null.
   */
  public static String name() {
    return System.getProperty("com.sun.aas.instanceName", "server");
  }

  /**
   * @return the configured training node, if any
   */
  public static Optional<String> trainingNode() {
    String v = System.getProperty("qcat.training.node");
    if (v == null || v.isBlank()) {
      v = System.getenv("QCAT_TRAINING_NODE");
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  /**
   * @return true if this instance may run training jobs
   */
  public static boolean mayTrain() {
    return trainingNode().map(n -> n.equals(name())).orElse(true);
  }
}
