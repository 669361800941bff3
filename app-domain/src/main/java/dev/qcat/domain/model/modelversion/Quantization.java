package dev.qcat.domain.model.modelversion;

/** Weight format of a served model, GGML names (DESIGN.md §3). */
public enum Quantization {
  NONE,
  Q8_0,
  Q4_0
}
