package dev.qcat.interfaces.rest.dto;

/**
 * Body of {@code POST /reviews/{id}/resolve}.
 *
 * @param category the right category's name
 */
public record ResolveRequest(String category) {}
