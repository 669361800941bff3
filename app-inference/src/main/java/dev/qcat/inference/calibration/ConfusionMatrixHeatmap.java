package dev.qcat.inference.calibration;

import dev.qcat.inference.scoring.ConfusionMatrix;
import java.awt.Color;
import java.awt.Font;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * A confusion-matrix heat map: one cell per (true, predicted) pair, shaded by the row-normalised
 * share (the fraction of true category i predicted as j, so the diagonal is per-class recall), with
 * the raw count written in each cell when there are at most {@value #MAX_ANNOTATED} categories.
 * True categories run down the y axis (first at the top), predicted ones along the x axis.
 *
 * <p>Drawn with JFreeChart (org.jfree:jfreechart) and written as PNG; works headless.
 */
public final class ConfusionMatrixHeatmap {

  /** Largest number of categories whose cells carry their counts as text. */
  public static final int MAX_ANNOTATED = 30;

  private ConfusionMatrixHeatmap() {}

  /** White (0) to dark blue (1), linear in each RGB channel. */
  static final class BluePaintScale implements PaintScale {
    @Override
    public double getLowerBound() {
      return 0;
    }

    @Override
    public double getUpperBound() {
      return 1;
    }

    @Override
    public java.awt.Paint getPaint(double value) {
      double v = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
      int r = (int) Math.round(255 + v * (8 - 255));
      int g = (int) Math.round(255 + v * (48 - 255));
      int b = (int) Math.round(255 + v * (107 - 255));
      return new Color(r, g, b);
    }
  }

  /**
   * Builds the chart.
   *
   * @param title chart title (accuracy and macro-F1 are appended)
   * @param matrix the confusion matrix
   * @return the chart; cell (j, n−1−i) holds true i, predicted j. Never null.
   */
  public static JFreeChart chart(String title, ConfusionMatrix matrix) {
    Objects.requireNonNull(matrix, "matrix is required.");
    int n = matrix.size();
    String[] names = matrix.labels().toArray(new String[0]);
    String[] reversed = new String[n];
    for (int i = 0; i < n; i++) {
      reversed[i] = names[n - 1 - i];
    }
    double[] xs = new double[n * n];
    double[] ys = new double[n * n];
    double[] zs = new double[n * n];
    for (int i = 0; i < n; i++) {
      long support = matrix.support(i);
      for (int j = 0; j < n; j++) {
        int k = i * n + j;
        xs[k] = j;
        ys[k] = n - 1 - i;
        zs[k] = support == 0 ? 0 : (double) matrix.count(i, j) / support;
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("share of true category", new double[][] {xs, ys, zs});

    SymbolAxis x = new SymbolAxis("predicted", names);
    int longest = matrix.labels().stream().mapToInt(String::length).max().orElse(1);
    x.setVerticalTickLabels((long) n * (longest + 2) > 48); // horizontal labels would overlap
    x.setGridBandsVisible(false);
    SymbolAxis y = new SymbolAxis("true", reversed);
    y.setGridBandsVisible(false);
    XYBlockRenderer renderer = new XYBlockRenderer();
    BluePaintScale scale = new BluePaintScale();
    renderer.setPaintScale(scale);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    if (n <= MAX_ANNOTATED) {
      Font font = new Font(Font.SANS_SERIF, Font.PLAIN, n <= 10 ? 12 : 9);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double z = zs[i * n + j];
          XYTextAnnotation a =
              new XYTextAnnotation(Long.toString(matrix.count(i, j)), j, n - 1 - i);
          a.setFont(font);
          a.setPaint(z > 0.5 ? Color.WHITE : Color.BLACK);
          plot.addAnnotation(a);
        }
      }
    }
    String heading =
        String.format(
            java.util.Locale.ROOT,
            "%s (accuracy %.4f, macro-F1 %.4f, n=%d)",
            title,
            matrix.accuracy(),
            matrix.macroF1(),
            matrix.total());
    JFreeChart chart = new JFreeChart(heading, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    NumberAxis legendAxis = new NumberAxis("share of true category");
    legendAxis.setRange(0, 1);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
    legend.setMargin(4, 4, 4, 4);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /**
   * Writes the heat map as PNG, about 40 pixels per category (at least 480×420).
   *
   * @param file destination, e.g. {@code confusion.png}
   * @param title chart title
   * @param matrix the confusion matrix
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void writePng(Path file, String title, ConfusionMatrix matrix) {
    int side = Math.max(420, Math.min(4000, 40 * matrix.size() + 220));
    ReliabilityDiagram.writePng(file, chart(title, matrix), side + 60, side);
  }
}
