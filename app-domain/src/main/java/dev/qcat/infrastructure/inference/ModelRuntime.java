package dev.qcat.infrastructure.inference;

/**
 * Reads model files into a {@link LoadedModel}. Implementations are CDI beans; {@link
 * DjlQuestionClassifier} asks each in turn whether it {@link #supports} a model version.
 */
public interface ModelRuntime {

  /**
   * @return true if this runtime can load the model at {@code spec.baseModelPath()}
   */
  boolean supports(ModelSpec spec);

  /**
   * Loads the model (and adapter) and prepares scoring of the spec's labels.
   *
   * @return the loaded model; the caller closes it. Never null.
   * @throws Exception with a message naming the file and the problem, if loading fails
   */
  LoadedModel load(ModelSpec spec) throws Exception;
}
