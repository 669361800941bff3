package dev.qcat.interfaces.rest.dto;

import java.util.List;

/**
 * Body of {@code POST /classify/batch}.
 *
 * @param taxonomy taxonomy name; null for the default taxonomy
 * @param texts the questions, at least one
 */
public record ClassifyBatchRequest(String taxonomy, List<String> texts) {}
