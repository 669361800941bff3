package dev.qcat.interfaces.web;

import dev.qcat.application.Views.DatasetView;
import dev.qcat.application.Views.TaxonomyView;
import jakarta.faces.context.FacesContext;
import java.io.Serializable;
import java.util.List;

/**
 * Base of the admin pages that work on one taxonomy picked from a menu (datasets, models, drift):
 * the taxonomies listed, the chosen one's id and its datasets ({@code #{bean.taxonomies}}, {@code
 * #{bean.taxonomyId}}, {@code #{bean.datasets}}) and the choice a page opens on.
 */
public abstract class TaxonomyPageBean implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The taxonomies of the menu. Never null. */
  protected List<TaxonomyView> taxonomies = List.of();

  /** The chosen taxonomy's id, or null when there is none. */
  protected Long taxonomyId;

  /** The chosen taxonomy's datasets, as the page loaded them. Never null. */
  protected List<DatasetView> datasets = List.of();

  /**
   * @return the taxonomies of the menu, oldest first. Never null.
   */
  public List<TaxonomyView> getTaxonomies() {
    return taxonomies;
  }

  /**
   * @return the chosen taxonomy's datasets. Never null.
   */
  public List<DatasetView> getDatasets() {
    return datasets;
  }

  /**
   * Lists the taxonomies and chooses the one whose id the request parameter {@code parameter}
   * names, or the newest (the last listed) when there is no such parameter or it names no listed
   * taxonomy.
   *
   * @param listed the taxonomies, oldest first
   * @param parameter the request parameter that may name a taxonomy's id, or null to open on the
   *     newest
   * @return false when there is no taxonomy (then none is chosen)
   */
  protected boolean chooseTaxonomy(List<TaxonomyView> listed, String parameter) {
    taxonomies = listed;
    if (taxonomies.isEmpty()) {
      return false;
    }
    Long wanted = parameter == null ? null : parseId(requestParameter(parameter));
    taxonomyId =
        wanted != null && taxonomies.stream().anyMatch(t -> t.id() == wanted)
            ? wanted
            : taxonomies.get(taxonomies.size() - 1).id();
    return true;
  }

  /**
   * @return the chosen taxonomy's id, or null
   */
  public Long getTaxonomyId() {
    return taxonomyId;
  }

  /**
   * @param taxonomyId the taxonomy chosen in the menu
   */
  public void setTaxonomyId(Long taxonomyId) {
    this.taxonomyId = taxonomyId;
  }

  /**
   * @return the current request's parameter {@code name}, or null when absent
   */
  protected static String requestParameter(String name) {
    return FacesContext.getCurrentInstance()
        .getExternalContext()
        .getRequestParameterMap()
        .get(name);
  }

  /**
   * @return the id written in {@code text}, or null when it is null or not a number
   */
  protected static Long parseId(String text) {
    try {
      return text == null ? null : Long.valueOf(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
