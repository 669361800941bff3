package dev.qcat.domain.model.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.Quantization;
import dev.qcat.domain.model.question.Prediction;
import dev.qcat.domain.model.question.Routing;
import dev.qcat.domain.model.question.ScoredCategory;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewTaskTest {

  private final Taxonomy taxonomy = new Taxonomy("banking", 1);
  private final Category card = taxonomy.addCategory("card", null, null);
  private final Category loan = taxonomy.addCategory("loan", null, null);

  private ReviewTask task() {
    ModelVersion v = new ModelVersion(taxonomy, "v1", "/m", null, Quantization.NONE, 1.0);
    Prediction p =
        new Prediction(
            "where is it",
            taxonomy,
            card,
            0.4,
            List.of(new ScoredCategory("card", 0.4), new ScoredCategory("loan", 0.6)),
            v,
            12,
            Routing.REVIEW,
            null);
    return new ReviewTask(p, false);
  }

  @Test
  void resolveRecordsCategoryAndReviewer() throws Exception {
    ReviewTask t = task();
    t.claim("ann");
    t.resolve(loan, "ann");
    assertEquals(ReviewStatus.RESOLVED, t.status());
    assertEquals("loan", t.chosenCategory().orElseThrow().name());
  }

  @Test
  void secondResolveConflictsAndKeepsTheFirstAnswer() throws Exception {
    ReviewTask t = task();
    t.resolve(loan, "ann");
    assertThrows(ReviewConflictException.class, () -> t.resolve(card, "bob"));
    assertEquals("loan", t.chosenCategory().orElseThrow().name());
    assertEquals("ann", t.reviewer().orElseThrow());
  }

  @Test
  void taskClaimedBySomeoneElseCannotBeTaken() throws Exception {
    ReviewTask t = task();
    t.claim("ann");
    assertThrows(ReviewConflictException.class, () -> t.claim("bob"));
    assertThrows(ReviewConflictException.class, () -> t.resolve(card, "bob"));
  }

  @Test
  void rejectsCategoryOfAnotherTaxonomy() {
    Category other = new Taxonomy("hr", 1).addCategory("card", null, null);
    assertThrows(IllegalArgumentException.class, () -> task().resolve(other, "ann"));
  }

  @Test
  void releaseGivesAClaimedTaskBackToTheQueue() throws Exception {
    ReviewTask t = task();
    t.claim("ann");
    t.release("ann");
    assertEquals(ReviewStatus.OPEN, t.status());
    assertTrue(t.reviewer().isEmpty());
    assertTrue(t.claimedAt().isEmpty());
    t.claim("bob"); // someone else may take it now
    assertEquals("bob", t.reviewer().orElseThrow());
  }

  @Test
  void onlyTheHolderReleasesAClaim() throws Exception {
    ReviewTask t = task();
    t.claim("ann");
    assertThrows(ReviewConflictException.class, () -> t.release("bob"));
    assertEquals("ann", t.reviewer().orElseThrow());
    t.resolve(loan, "ann");
    assertThrows(ReviewConflictException.class, () -> t.release("ann"));
    assertEquals(ReviewStatus.RESOLVED, t.status());
  }

  @Test
  void resolveIsLabelledAndMarksKeepTheNoteWithoutCategory() throws Exception {
    ReviewTask labelled = task();
    labelled.resolve(card, "ann");
    assertEquals(ReviewOutcome.LABELLED, labelled.outcome().orElseThrow());

    ReviewTask ambiguous = task();
    ambiguous.markAmbiguous("ann", "  card or loan?  ");
    assertEquals(ReviewStatus.RESOLVED, ambiguous.status());
    assertEquals(ReviewOutcome.AMBIGUOUS, ambiguous.outcome().orElseThrow());
    assertEquals("card or loan?", ambiguous.note().orElseThrow());
    assertTrue(ambiguous.chosenCategory().isEmpty());
    assertTrue(ambiguous.resolvedAt().isPresent());

    ReviewTask missing = task();
    missing.markNeedsNewCategory("bob", " ");
    assertEquals(ReviewOutcome.NEW_CATEGORY, missing.outcome().orElseThrow());
    assertTrue(missing.note().isEmpty(), "a blank note is no note");
  }

  @Test
  void aMarkedTaskCannotBeLabelledAfterwardsAndSaysWhy() throws Exception {
    ReviewTask t = task();
    t.markNeedsNewCategory("ann", "fees");
    ReviewConflictException e =
        assertThrows(ReviewConflictException.class, () -> t.resolve(card, "bob"));
    assertTrue(e.getMessage().contains("ann as needing a new category"), e.getMessage());
    assertTrue(t.chosenCategory().isEmpty());
    assertEquals(ReviewOutcome.NEW_CATEGORY, t.outcome().orElseThrow());
  }

  @Test
  void rejectsANoteOverTheLimit() {
    ReviewTask t = task();
    String note = "x".repeat(ReviewTask.MAX_NOTE_LENGTH + 1);
    assertThrows(IllegalArgumentException.class, () -> t.markAmbiguous("ann", note));
    assertEquals(ReviewStatus.OPEN, t.status());
  }

  @Test
  void aClaimOlderThanTheTimeoutEndsAndAnyoneMayTakeTheTask() throws Exception {
    ReviewTask t = task();
    t.claim("ann");
    OffsetDateTime claimed = t.claimedAt().orElseThrow();
    Duration timeout = Duration.ofMinutes(30);
    assertFalse(t.expireClaim(claimed.plusMinutes(29), timeout), "still fresh");
    assertFalse(t.expireClaim(claimed.plusMinutes(30), timeout), "exactly the timeout still holds");
    assertEquals("ann", t.reviewer().orElseThrow());
    assertTrue(t.expireClaim(claimed.plusMinutes(31), timeout));
    assertEquals(ReviewStatus.OPEN, t.status());
    assertTrue(t.reviewer().isEmpty());
    t.resolve(loan, "bob");
    assertEquals("bob", t.reviewer().orElseThrow());
  }

  @Test
  void onlyClaimsExpire() throws Exception {
    ReviewTask open = task();
    OffsetDateTime later = OffsetDateTime.now().plusDays(1);
    assertFalse(open.expireClaim(later, Duration.ofMinutes(1)));
    ReviewTask resolved = task();
    resolved.claim("ann");
    resolved.resolve(card, "ann");
    assertFalse(resolved.expireClaim(later, Duration.ofMinutes(1)));
    assertEquals(ReviewStatus.RESOLVED, resolved.status());
    assertEquals("ann", resolved.reviewer().orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> open.expireClaim(later, Duration.ZERO));
  }
}
