package dev.qcat.interfaces.rest.dto;

/** Body of {@code POST /api-clients}. */
public record NewApiClientRequest(String name) {}
