package dev.qcat.infrastructure.inference;

import dev.qcat.domain.model.modelversion.ModelLoadException;

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

  /**
   * Loads a model version with the first runtime that {@link #supports} it.
   *
   * @param runtimes the runtimes to ask, in order
   * @param spec what to load
   * @return the loaded model; the caller closes it. Never null.
   * @throws ModelLoadException if no runtime supports the model, or loading fails (the message
   *     names the model version and its path)
   */
  static LoadedModel loadWithFirstSupporting(Iterable<ModelRuntime> runtimes, ModelSpec spec)
      throws ModelLoadException {
    ModelRuntime runtime = null;
    for (ModelRuntime r : runtimes) {
      if (r.supports(spec)) {
        runtime = r;
        break;
      }
    }
    if (runtime == null) {
      throw new ModelLoadException(
          "No model runtime can load '"
              + spec.baseModelPath()
              + "': expected an HF Qwen2 checkpoint directory with config.json,"
              + " model.safetensors and tokenizer.json.");
    }
    try {
      return runtime.load(spec);
    } catch (Exception e) {
      String what = "model version " + spec.modelVersionId() + " from " + spec.baseModelPath();
      throw new ModelLoadException("Loading " + what + " failed: " + e.getMessage(), e);
    }
  }
}
