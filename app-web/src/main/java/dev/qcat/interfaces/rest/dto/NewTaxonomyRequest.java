package dev.qcat.interfaces.rest.dto;

import java.util.List;

/**
 * Body of {@code POST /taxonomies}.
 *
 * @param instruction null for "Categorize the following user query."
 * @param reviewThreshold fraction in [0, 1]; null for 0.75
 * @param auditRate fraction in [0, 1]; null for 0.02
 */
public record NewTaxonomyRequest(
    String name,
    String instruction,
    Double reviewThreshold,
    Double auditRate,
    List<NewCategory> categories) {

  /**
   * @param parent name of a category listed before, or null
   * @param reviewThreshold this category's own review threshold in [0, 1], or null
   */
  public record NewCategory(
      String name, String description, String parent, Double reviewThreshold) {}
}
