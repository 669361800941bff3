package dev.qcat.interfaces.rest.dto;

/**
 * Answer of {@code POST /api-clients}: the key in clear, shown this once.
 *
 * @param header the header to send it in
 */
public record ApiClientKey(String name, String key, String header) {}
