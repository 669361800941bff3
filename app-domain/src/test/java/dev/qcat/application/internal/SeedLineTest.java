package dev.qcat.application.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.domain.model.dataset.Split;
import org.junit.jupiter.api.Test;

class SeedLineTest {

  @Test
  void parsesTheSeedFormat() {
    SeedLine s =
        SeedLine.parse(
            "{\"instruction\":\"Categorize the following user query.\",\"input\":\"Where is my"
                + " card?\",\"output\":\"card_arrival\"}",
            Split.TRAIN,
            2000);
    assertEquals("Where is my card?", s.input());
    assertEquals("card_arrival", s.output());
    assertEquals(Split.TRAIN, s.split());
  }

  @Test
  void namesTheMissingField() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SeedLine.parse("{\"input\":\"x\"}", Split.TRAIN, 2000));
    assertTrue(e.getMessage().contains("\"output\""), e.getMessage());
  }

  @Test
  void rejectsBrokenJson() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> SeedLine.parse("{\"input\":", Split.TRAIN, 2000));
    assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
  }

  @Test
  void rejectsTooLongText() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SeedLine.parse("{\"input\":\"abcdef\",\"output\":\"x\"}", Split.TRAIN, 5));
  }
}
