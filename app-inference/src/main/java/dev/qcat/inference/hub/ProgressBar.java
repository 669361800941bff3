package dev.qcat.inference.hub;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line text progress bar, redrawn with {@code \r} at most every 200 ms: name, bar, percent,
 * MB done / total, MB/s, ETA.
 */
final class ProgressBar {

  private static final int WIDTH = 30;
  private static final long INTERVAL_NANOS = 200_000_000L;

  private final PrintStream out;
  private final String name;
  private final long total;
  private final long start;
  private final long startNanos = System.nanoTime();
  private long lastDraw;

  /**
   * @param out where to draw; null draws nothing
   * @param name file name shown first
   * @param total total bytes, or -1 when unknown
   * @param start bytes already present (a resumed download), in bytes
   */
  ProgressBar(PrintStream out, String name, long total, long start) {
    this.out = out;
    this.name = name;
    this.total = total;
    this.start = start;
    if (out != null && start > 0) {
      out.printf(Locale.ROOT, "%s: resuming at %.1f MB%n", name, start / 1e6);
    }
  }

  void update(long done) {
    long now = System.nanoTime();
    if (out != null && now - lastDraw >= INTERVAL_NANOS) {
      lastDraw = now;
      draw(done, false);
    }
  }

  void finish(long done) {
    if (out != null) {
      draw(done, true);
      out.println();
    }
  }

  void abort() {
    if (out != null) {
      out.println();
    }
  }

  private void draw(long done, boolean last) {
    double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    double rate = (done - start) / seconds; // bytes/s
    StringBuilder sb = new StringBuilder("\r").append(name).append(" [");
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      sb.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
      sb.append(
          String.format(
              Locale.ROOT, "%3d%% %.1f/%.1f MB", 100 * done / total, done / 1e6, total / 1e6));
      if (!last && rate > 0) {
        long eta = (long) ((total - done) / rate);
        sb.append(
            String.format(Locale.ROOT, " %.1f MB/s ETA %02d:%02d", rate / 1e6, eta / 60, eta % 60));
      } else {
        sb.append(String.format(Locale.ROOT, " %.1f MB/s", rate / 1e6));
      }
    } else {
      sb.append("?] ")
          .append(String.format(Locale.ROOT, "%.1f MB %.1f MB/s", done / 1e6, rate / 1e6));
    }
    out.print(sb);
    out.flush();
  }
}
