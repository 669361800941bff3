package dev.qcat.interfaces.web.taxonomy;

import dev.qcat.application.TaxonomyService;
import dev.qcat.application.Views.TaxonomyView;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.util.List;

/** The taxonomies page (admin): every taxonomy version with its size. */
@Named("taxonomies")
@RequestScoped
public class TaxonomiesBean {

  @EJB private TaxonomyService service;

  private List<TaxonomyView> taxonomies;

  @PostConstruct
  void load() {
    taxonomies = service.list();
  }

  public List<TaxonomyView> getTaxonomies() {
    return taxonomies;
  }
}
