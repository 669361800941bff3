package dev.qcat.domain.model.category;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaxonomyMergeSplitTest {

  private static Taxonomy banking() {
    Taxonomy t = new Taxonomy("banking", 1);
    Category card = t.addCategory("card", null, null);
    t.addCategory("card_lost", null, card);
    t.addCategory("cards", null, null);
    t.addCategory("loan", null, null);
    return t;
  }

  @Test
  void mergeRetiresTheSourceAndMovesItsChildrenToTheTarget() {
    Taxonomy t = banking();
    Category target = t.mergeCategory("card", "cards");
    assertEquals("cards", target.name());
    assertEquals(CategoryStatus.RETIRED, t.category("card").orElseThrow().status());
    assertSame(target, t.category("card_lost").orElseThrow().parent().orElseThrow());
    assertEquals(List.of("card_lost", "cards", "loan"), names(t.activeCategories()));
  }

  @Test
  void mergeRefusesItselfRetiredAndTargetsInsideTheSource() {
    Taxonomy t = banking();
    assertThrows(IllegalArgumentException.class, () -> t.mergeCategory("card", "card"));
    assertThrows(IllegalArgumentException.class, () -> t.mergeCategory("card", "card_lost"));
    t.retireCategory("loan");
    assertThrows(IllegalArgumentException.class, () -> t.mergeCategory("cards", "loan"));
    assertThrows(IllegalArgumentException.class, () -> t.mergeCategory("nope", "cards"));
  }

  @Test
  void splitAddsTheNewCategoriesUnderTheSameParentAndRetiresTheOriginal() {
    Taxonomy t = banking();
    List<Category> parts =
        t.splitCategory(
            "card_lost",
            List.of(
                new Taxonomy.SplitPart("card_stolen", "stolen card"),
                new Taxonomy.SplitPart("card_misplaced", null)));
    assertEquals(List.of("card_stolen", "card_misplaced"), names(parts));
    assertEquals("card", parts.get(0).parent().orElseThrow().name());
    assertEquals("stolen card", parts.get(0).description().orElseThrow());
    assertEquals(CategoryStatus.RETIRED, t.category("card_lost").orElseThrow().status());
  }

  @Test
  void splitNeedsTwoNewDistinctNames() {
    Taxonomy t = banking();
    var one = List.of(new Taxonomy.SplitPart("a", null));
    assertThrows(IllegalArgumentException.class, () -> t.splitCategory("loan", one));
    var taken = List.of(new Taxonomy.SplitPart("a", null), new Taxonomy.SplitPart("cards", null));
    assertThrows(IllegalArgumentException.class, () -> t.splitCategory("loan", taken));
    var twice = List.of(new Taxonomy.SplitPart("a", null), new Taxonomy.SplitPart("a", null));
    assertThrows(IllegalArgumentException.class, () -> t.splitCategory("loan", twice));
    assertEquals(CategoryStatus.ACTIVE, t.category("loan").orElseThrow().status());
  }

  private static List<String> names(List<Category> cs) {
    return cs.stream().map(Category::name).toList();
  }
}
