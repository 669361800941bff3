package dev.qcat.interfaces.rest.dto;

import java.util.Map;

/**
 * Body of {@code POST /jobs}.
 *
 * @param job dataset-import, lora-training, drift-check or retrain
 * @param taxonomyId the taxonomy the job works for
 * @param parameters job parameters (see the job's XML in app-batch), or null
 */
public record StartJobRequest(String job, Long taxonomyId, Map<String, String> parameters) {}
