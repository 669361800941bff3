package dev.qcat.interfaces.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.application.Views.TaxonomyView;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaxonomyPageBeanTest {

  private static final class Page extends TaxonomyPageBean {
    private static final long serialVersionUID = 1L;
  }

  private static TaxonomyView taxonomy(long id) {
    return new TaxonomyView(id, "t" + id, 1, "", 0.75, 0.0, List.of());
  }

  @Test
  void opensOnTheNewestTaxonomyWithoutParameter() {
    Page page = new Page();
    List<TaxonomyView> listed = List.of(taxonomy(3), taxonomy(7), taxonomy(5));
    assertTrue(page.chooseTaxonomy(listed, null));
    assertEquals(listed, page.getTaxonomies());
    assertEquals(5L, page.getTaxonomyId());
  }

  @Test
  void choosesNoneWithoutTaxonomies() {
    Page page = new Page();
    assertFalse(page.chooseTaxonomy(List.of(), "taxonomy"));
    assertEquals(List.of(), page.getTaxonomies());
    assertNull(page.getTaxonomyId());
  }

  @Test
  void parsesIdsAndIgnoresOtherText() {
    assertEquals(42L, TaxonomyPageBean.parseId(" 42 "));
    assertNull(TaxonomyPageBean.parseId("x"));
    assertNull(TaxonomyPageBean.parseId(null));
  }
}
