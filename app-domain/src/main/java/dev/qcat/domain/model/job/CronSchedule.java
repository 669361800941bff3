package dev.qcat.domain.model.job;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed cron-like expression ({@link JobSchedule#fields}): second, minute, hour, day of month,
 * month, day of week, each in the EJB {@code ScheduleExpression} subset {@code *}, {@code n},
 * {@code a-b}, {@code x/step} (x = {@code *}, {@code n} or {@code a-b}) and comma lists; months and
 * weekdays also by their three-letter English names; day of week 0–7 with 0 and 7 = Sunday. As in
 * cron and the EJB specification, when both day fields are restricted a day matching either one
 * matches.
 *
 * <p>The scheduler uses {@link #nextAfter} to find runs missed while the server was down, so the
 * answer must agree with the timer the container builds from the same fields.
 */
public final class CronSchedule {

  private static final List<String> MONTHS =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
  private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

  private final BitSet seconds;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private CronSchedule(String[] f) {
    seconds = field(f[0], 0, 59, List.of(), "second");
    minutes = field(f[1], 0, 59, List.of(), "minute");
    hours = field(f[2], 0, 23, List.of(), "hour");
    daysOfMonth = field(f[3], 1, 31, List.of(), "day of month");
    months = field(f[4], 1, 12, MONTHS, "month");
    BitSet dow = field(f[5], 0, 7, DAYS, "day of week");
    if (dow.get(7)) {
      dow.set(0);
    }
    daysOfWeek = dow;
    anyDayOfMonth = f[3].equals("*");
    anyDayOfWeek = f[5].equals("*");
  }

  /**
   * @param cron 5 fields (minute first; seconds = 0) or 6 (seconds first)
   * @return the parsed schedule. Never null.
   * @throws IllegalArgumentException naming the field and value that cannot be read
   */
  public static CronSchedule parse(String cron) {
    return new CronSchedule(JobSchedule.fields(cron));
  }

  /**
   * @param t a time (its zone is the schedule's zone)
   * @return the first time strictly after {@code t}, at a whole second, that matches; empty when
   *     none within 5 years (e.g. 31 February)
   */
  public Optional<ZonedDateTime> nextAfter(ZonedDateTime t) {
    ZonedDateTime c = t.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    ZonedDateTime limit = t.plusYears(5);
    while (c.isBefore(limit)) {
      if (!months.get(c.getMonthValue())) {
        c = c.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
        continue;
      }
      if (!dayMatches(c)) {
        c = c.truncatedTo(ChronoUnit.DAYS).plusDays(1);
        continue;
      }
      if (!hours.get(c.getHour())) {
        c = c.truncatedTo(ChronoUnit.HOURS).plusHours(1);
        continue;
      }
      if (!minutes.get(c.getMinute())) {
        c = c.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        continue;
      }
      if (!seconds.get(c.getSecond())) {
        c = c.plusSeconds(1);
        continue;
      }
      return Optional.of(c);
    }
    return Optional.empty();
  }

  private boolean dayMatches(ZonedDateTime c) {
    boolean dom = daysOfMonth.get(c.getDayOfMonth());
    boolean dow = daysOfWeek.get(c.getDayOfWeek().getValue() % 7);
    if (anyDayOfMonth && anyDayOfWeek) {
      return true;
    }
    if (anyDayOfMonth) {
      return dow;
    }
    if (anyDayOfWeek) {
      return dom;
    }
    return dom || dow;
  }

  private static BitSet field(String text, int min, int max, List<String> names, String what) {
    BitSet set = new BitSet(max + 1);
    for (String part : text.split(",")) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), 1, max, List.of(), what, text);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.indexOf('-') > 0) {
        String[] ab = range.split("-", 2);
        from = number(ab[0], min, max, names, what, text);
        to = number(ab[1], min, max, names, what, text);
        if (from > to) {
          throw new IllegalArgumentException(
              "the " + what + " range '" + range + "' runs backwards in '" + text + "'");
        }
      } else {
        from = number(range, min, max, names, what, text);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(
      String s, int min, int max, List<String> names, String what, String field) {
    int named = names.indexOf(s.toLowerCase(Locale.ROOT));
    if (named >= 0) {
      return named + (names.size() == 12 ? 1 : 0);
    }
    try {
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected a "
              + what
              + " in "
              + min
              + "-"
              + max
              + (names.isEmpty() ? "" : " or a name like " + names.get(0))
              + " but got '"
              + s
              + "' in '"
              + field
              + "'");
    }
  }
}
