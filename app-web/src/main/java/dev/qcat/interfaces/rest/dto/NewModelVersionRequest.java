package dev.qcat.interfaces.rest.dto;

/**
 * Body of {@code POST /model-versions}.
 *
 * @param baseModelPath HF Qwen2 checkpoint directory on the server
 * @param adapterPath PEFT adapter directory, or null
 * @param quantization NONE (default), Q8_0 or Q4_0
 * @param temperature calibration temperature > 0; null: the adapter's calibration.json, else 1
 * @param threshold review threshold in [0, 1]; null for the taxonomy's
 */
public record NewModelVersionRequest(
    Long taxonomyId,
    String name,
    String baseModelPath,
    String adapterPath,
    String quantization,
    Double temperature,
    Double threshold) {}
