package dev.qcat.interfaces.rest.dto;

/**
 * Body of {@code POST /classify}.
 *
 * @param taxonomy taxonomy name; null for the default (only or first) taxonomy
 * @param text the question
 */
public record ClassifyRequest(String taxonomy, String text) {}
