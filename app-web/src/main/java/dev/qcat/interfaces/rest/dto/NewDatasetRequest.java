package dev.qcat.interfaces.rest.dto;

/** Body of {@code POST /taxonomies/{id}/datasets}. */
public record NewDatasetRequest(String name) {}
