package dev.qcat.interfaces.web.review;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qcat.domain.model.question.ScoredCategory;
import dev.qcat.domain.model.review.SimilarExample;
import dev.qcat.interfaces.web.review.ReviewQueueBean.Suggestion;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReviewQueueBeanTest {

  @Test
  void modelSuggestionsComeFirstThenNewCategoriesOfSimilarExamples() {
    List<Suggestion> s =
        ReviewQueueBean.suggestions(
            List.of(new ScoredCategory("card", 0.5), new ScoredCategory("loan", 0.3)),
            List.of(
                new SimilarExample(1, "my card", "card", 0.9),
                new SimilarExample(2, "send money", "transfer", 0.6),
                new SimilarExample(3, "send it", "transfer", 0.4)),
            Set.of("card", "loan", "transfer"));
    assertEquals(
        List.of(
            new Suggestion("card", 0.5, false),
            new Suggestion("loan", 0.3, false),
            new Suggestion("transfer", 0.6, true)),
        s);
  }

  @Test
  void retiredCategoriesAreLeftOutAndAtMostNineAreOffered() {
    List<ScoredCategory> top =
        IntStream.range(0, 12).mapToObj(i -> new ScoredCategory("c" + i, 0.05)).toList();
    Set<String> active = Set.of("c0", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11");
    List<Suggestion> s =
        ReviewQueueBean.suggestions(top, List.of(new SimilarExample(1, "x", "old", 0.9)), active);
    assertEquals(ReviewQueueBean.MAX_SUGGESTIONS, s.size());
    assertEquals("c0", s.get(0).category());
    assertEquals("c2", s.get(1).category(), "c1 is retired");
    assertEquals("c9", s.get(8).category());
  }

  @Test
  void categorySearchOffersTheExactNameFirstThenPrefixesThenTheRest() {
    List<String> all =
        List.of("Card arrival", "Card", "Lost or stolen card", "card linking", "Top up failed");
    assertEquals(
        List.of("Card", "Card arrival", "card linking", "Lost or stolen card"),
        ReviewQueueBean.matchCategories(all, " CARD "));
    assertEquals(List.of("Top up failed"), ReviewQueueBean.matchCategories(all, "up f"));
    assertEquals(List.of(), ReviewQueueBean.matchCategories(all, "pizza"));
    assertEquals(all, ReviewQueueBean.matchCategories(all, ""));
  }
}
