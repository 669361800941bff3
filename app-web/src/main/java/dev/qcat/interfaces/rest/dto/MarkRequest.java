package dev.qcat.interfaces.rest.dto;

/**
 * Body of {@code POST /reviews/{id}/mark}.
 *
 * @param outcome AMBIGUOUS or NEW_CATEGORY
 * @param note the reason, or the missing category's name; optional, at most 2,000 characters
 */
public record MarkRequest(String outcome, String note) {}
