package dev.qcat.domain.model.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  private static ZonedDateTime at(int y, int mo, int d, int h, int mi, int s) {
    return ZonedDateTime.of(y, mo, d, h, mi, s, 0, ZoneOffset.UTC);
  }

  @Test
  void everyFifteenMinutesFromFiveFields() {
    CronSchedule c = CronSchedule.parse("*/15 * * * *");
    assertEquals(at(2026, 1, 1, 10, 15, 0), c.nextAfter(at(2026, 1, 1, 10, 0, 0)).orElseThrow());
    assertEquals(at(2026, 1, 1, 11, 0, 0), c.nextAfter(at(2026, 1, 1, 10, 47, 3)).orElseThrow());
  }

  @Test
  void dailyAtTwoThirtyRollsOverMonthAndYear() {
    CronSchedule c = CronSchedule.parse("30 2 * * *");
    assertEquals(at(2027, 1, 1, 2, 30, 0), c.nextAfter(at(2026, 12, 31, 2, 30, 0)).orElseThrow());
  }

  @Test
  void secondsFieldAndLists() {
    CronSchedule c = CronSchedule.parse("*/10 * * * * *");
    assertEquals(at(2026, 1, 1, 0, 0, 10), c.nextAfter(at(2026, 1, 1, 0, 0, 0)).orElseThrow());
    CronSchedule l = CronSchedule.parse("0 0 9,17 * * mon-fri");
    // 2026-01-02 is a Friday: 17:00 that day, then Monday 2026-01-05 09:00.
    assertEquals(at(2026, 1, 2, 17, 0, 0), l.nextAfter(at(2026, 1, 2, 9, 0, 0)).orElseThrow());
    assertEquals(at(2026, 1, 5, 9, 0, 0), l.nextAfter(at(2026, 1, 2, 17, 0, 0)).orElseThrow());
  }

  @Test
  void eitherRestrictedDayMatches() {
    // day 13 of the month or any Friday: from Sat 2026-02-07, next is Fri 2026-02-13 (both).
    CronSchedule c = CronSchedule.parse("0 0 13 * 5");
    assertEquals(at(2026, 2, 13, 0, 0, 0), c.nextAfter(at(2026, 2, 7, 0, 0, 0)).orElseThrow());
    // from Fri 13th: next Friday 2026-02-20.
    assertEquals(at(2026, 2, 20, 0, 0, 0), c.nextAfter(at(2026, 2, 13, 0, 0, 0)).orElseThrow());
  }

  @Test
  void sundayIsZeroOrSeven() {
    // 2026-01-04 is a Sunday.
    assertEquals(
        at(2026, 1, 4, 0, 0, 0),
        CronSchedule.parse("0 0 * * 7").nextAfter(at(2026, 1, 1, 0, 0, 0)).orElseThrow());
  }

  @Test
  void rejectsBadFields() {
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("61 * * * *"));
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("* * *"));
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 5-2 * * *"));
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 0 L * *"));
  }
}
