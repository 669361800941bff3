package dev.qcat.domain.model.question;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.modelversion.ModelVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionCarryOverTest {

  private final Taxonomy t = new Taxonomy("banking", 1);
  private final Category card = t.addCategory("card", null, null);
  private final Category cards = t.addCategory("cards", null, null);
  private final Category loan = t.addCategory("loan", null, null);
  private final ModelVersion v = new ModelVersion(t, "v1", "/m", null, null, 1.0);

  private Prediction predicted(Category c, List<ScoredCategory> topK) {
    return new Prediction("q", t, c, topK.get(0).confidence(), topK, v, 1, Routing.REVIEW, null);
  }

  @Test
  void mergeSumsTheTwoEntriesAndTheChosenCategoryFollows() {
    Prediction p =
        predicted(
            card,
            List.of(
                new ScoredCategory("card", 0.4),
                new ScoredCategory("loan", 0.35),
                new ScoredCategory("cards", 0.25)));
    assertTrue(p.carryOver("card", card, cards));
    assertSame(cards, p.category());
    assertEquals(0.65, p.confidence(), 1e-12);
    assertEquals(
        List.of(new ScoredCategory("cards", 0.65), new ScoredCategory("loan", 0.35)), p.topK());
  }

  @Test
  void renameRestatesTheName() {
    Prediction p =
        predicted(loan, List.of(new ScoredCategory("loan", 0.6), new ScoredCategory("card", 0.4)));
    assertTrue(p.carryOver("card", card, card));
    assertSame(loan, p.category());
    assertEquals(0.6, p.confidence(), 1e-12);
    assertEquals(
        List.of(new ScoredCategory("loan", 0.6), new ScoredCategory("card", 0.4)), p.topK());
  }

  @Test
  void predictionsNotMentioningTheCategoryStayAsTheyAre() {
    Prediction p = predicted(loan, List.of(new ScoredCategory("loan", 1.0)));
    assertFalse(p.carryOver("card", card, cards));
    assertEquals(List.of(new ScoredCategory("loan", 1.0)), p.topK());
  }
}
