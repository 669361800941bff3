package dev.qcat.interfaces.rest.dto;

/**
 * Body of {@code POST /model-versions/{id}/evaluations}.
 *
 * @param datasetId a dataset of the version's taxonomy
 * @param split train, valid or test; null for test
 */
public record NewEvaluationRequest(Long datasetId, String split) {}
