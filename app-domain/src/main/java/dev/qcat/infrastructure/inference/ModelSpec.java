package dev.qcat.infrastructure.inference;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a runtime needs to load a model version for a taxonomy.
 *
 * @param modelVersionId id of the model version
 * @param baseModelPath HF checkpoint directory (or a runtime-specific locator)
 * @param adapterPath PEFT adapter directory, or empty
 * @param quantization GGML name of the weight format, "NONE" for the checkpoint's own
 * @param instruction the taxonomy's instruction, first part of the user turn
 * @param labels the answers, in the order scores are returned. Never empty.
 */
public record ModelSpec(
    long modelVersionId,
    String baseModelPath,
    Optional<String> adapterPath,
    String quantization,
    String instruction,
    List<Label> labels) {

  public ModelSpec {
    Objects.requireNonNull(baseModelPath, "baseModelPath is required.");
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one label (category)");
    }
    labels = List.copyOf(labels);
  }

  /**
   * One answer of the taxonomy.
   *
   * @param name the category name, scored as its full token sequence
   * @param description optional description for zero-shot prompts, or empty
   */
  public record Label(String name, Optional<String> description) {}
}
