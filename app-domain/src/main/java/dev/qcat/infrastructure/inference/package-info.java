/**
 * The inference adapter: {@link dev.qcat.infrastructure.inference.DjlQuestionClassifier} (EJB
 * singleton) implements the domain port {@code QuestionClassifier}. It holds one {@link
 * dev.qcat.infrastructure.inference.ServingModel} per taxonomy (micro-batching worker + loaded
 * model) and turns label log-probabilities into calibrated confidences ({@link
 * dev.qcat.infrastructure.inference.Calibration}). Model files are read by a {@link
 * dev.qcat.infrastructure.inference.ModelRuntime} (a CDI bean); the Qwen2 engine of app-inference
 * is one. No JAX-RS, SQL or domain services here.
 */
package dev.qcat.infrastructure.inference;
