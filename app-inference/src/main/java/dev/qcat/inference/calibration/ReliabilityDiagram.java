package dev.qcat.inference.calibration;

import dev.qcat.inference.scoring.ExpectedCalibrationError;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A reliability diagram (Guo et al. 2017, Fig. 1; DeGroot &amp; Fienberg 1983): for each
 * equal-width confidence bin, the accuracy of the predictions in it, drawn as a bar spanning the
 * bin, against the diagonal of perfect calibration. With two accumulators, the bars show the
 * calibrated model and points show the uncalibrated one; the title gives both ECEs. Empty bins draw
 * nothing.
 *
 * <p>Drawn with JFreeChart (org.jfree:jfreechart) and written as PNG; works headless.
 */
public final class ReliabilityDiagram {

  /** Default image width, in pixels. */
  public static final int WIDTH = 640;

  /** Default image height, in pixels. */
  public static final int HEIGHT = 560;

  private ReliabilityDiagram() {}

  /**
   * Builds the chart.
   *
   * @param title chart title (the ECE figures are appended)
   * @param after the calibrated predictions (bars), never null
   * @param before the uncalibrated predictions (points), or null to draw one set only
   * @return the chart: x = confidence in [0, 1], y = accuracy in [0, 1]. Never null.
   */
  public static JFreeChart chart(
      String title, ExpectedCalibrationError after, ExpectedCalibrationError before) {
    Objects.requireNonNull(after, "after is required.");
    String heading =
        before == null
            ? String.format(Locale.ROOT, "%s (ECE %.4f)", title, after.value())
            : String.format(
                Locale.ROOT,
                "%s (ECE %.4f before, %.4f after)",
                title,
                before.value(),
                after.value());

    XYIntervalSeries bars =
        new XYIntervalSeries(before == null ? "accuracy" : "accuracy, calibrated");
    for (ExpectedCalibrationError.Bin b : after.bins()) {
      if (b.count() > 0) {
        bars.add((b.lower() + b.upper()) / 2, b.lower(), b.upper(), b.accuracy(), 0, b.accuracy());
      }
    }
    XYIntervalSeriesCollection barData = new XYIntervalSeriesCollection();
    barData.addSeries(bars);

    XYSeriesCollection lineData = new XYSeriesCollection();
    XYSeries diagonal = new XYSeries("perfect calibration");
    diagonal.add(0, 0);
    diagonal.add(1, 1);
    lineData.addSeries(diagonal);
    if (before != null) {
      lineData.addSeries(points("accuracy, uncalibrated", before.bins()));
    }

    NumberAxis x = new NumberAxis("confidence");
    x.setRange(0, 1);
    NumberAxis y = new NumberAxis("accuracy");
    y.setRange(0, 1);
    XYBarRenderer barRenderer = new XYBarRenderer(0.02);
    barRenderer.setBarPainter(new StandardXYBarPainter());
    barRenderer.setShadowVisible(false);
    barRenderer.setSeriesPaint(0, new Color(0x3b, 0x75, 0xaf));
    barRenderer.setDrawBarOutline(true);
    barRenderer.setSeriesOutlinePaint(0, Color.DARK_GRAY);
    XYPlot plot = new XYPlot(barData, x, y, barRenderer);

    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer();
    lines.setSeriesLinesVisible(0, true);
    lines.setSeriesShapesVisible(0, false);
    lines.setSeriesPaint(0, Color.GRAY);
    lines.setSeriesStroke(
        0,
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    if (before != null) {
      lines.setSeriesLinesVisible(1, false);
      lines.setSeriesShapesVisible(1, true);
      lines.setSeriesPaint(1, new Color(0xd6, 0x27, 0x28));
      lines.setSeriesShape(1, new java.awt.geom.Ellipse2D.Double(-4, -4, 8, 8));
    }
    plot.setDataset(1, lineData);
    plot.setRenderer(1, lines);
    plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD); // points on top of the bars
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

    JFreeChart chart = new JFreeChart(heading, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static XYSeries points(String name, List<ExpectedCalibrationError.Bin> bins) {
    XYSeries s = new XYSeries(name);
    for (ExpectedCalibrationError.Bin b : bins) {
      if (b.count() > 0) {
        s.add(b.meanConfidence(), b.accuracy());
      }
    }
    return s;
  }

  /**
   * Writes the diagram as PNG ({@value #WIDTH}×{@value #HEIGHT} pixels), creating parent
   * directories.
   *
   * @param file destination, e.g. {@code reliability.png}
   * @param title chart title
   * @param after the calibrated predictions, never null
   * @param before the uncalibrated predictions, or null
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void writePng(
      Path file, String title, ExpectedCalibrationError after, ExpectedCalibrationError before) {
    writePng(file, chart(title, after, before), WIDTH, HEIGHT);
  }

  /**
   * Writes any chart as PNG, headless.
   *
   * @param file destination
   * @param chart the chart
   * @param width in pixels
   * @param height in pixels
   * @throws UncheckedIOException if the file cannot be written
   */
  static void writePng(Path file, JFreeChart chart, int width, int height) {
    System.setProperty("java.awt.headless", "true");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
