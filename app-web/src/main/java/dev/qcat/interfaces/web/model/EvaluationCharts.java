package dev.qcat.interfaces.web.model;

import dev.qcat.application.EvaluationService.EvaluationDetail;
import dev.qcat.domain.model.evaluation.ConfusionCounts;
import dev.qcat.domain.model.evaluation.OperatingPoint;
import dev.qcat.domain.model.evaluation.ReliabilityBin;
import dev.qcat.inference.calibration.ConfusionMatrixHeatmap;
import dev.qcat.inference.calibration.ReliabilityDiagram;
import dev.qcat.inference.scoring.ConfusionMatrix;
import dev.qcat.inference.scoring.ExpectedCalibrationError;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The Models page's pictures, drawn from a stored evaluation with app-inference's JFreeChart
 * classes ({@link ConfusionMatrixHeatmap}, {@link ReliabilityDiagram}) and, for the operating
 * curve, a JFreeChart line chart of its own. Each is written as PNG to a stream.
 */
final class EvaluationCharts {

  /** Width and height of the operating-curve chart, pixels. */
  static final int CURVE_WIDTH = 640;

  static final int CURVE_HEIGHT = 420;

  private EvaluationCharts() {}

  /**
   * Rebuilds app-inference's matrix from the stored counts.
   *
   * @return a matrix with the same labels and counts. Never null.
   */
  static ConfusionMatrix confusionMatrix(ConfusionCounts counts) {
    ConfusionMatrix m = new ConfusionMatrix(counts.labels());
    long[][] c = counts.counts();
    for (int i = 0; i < c.length; i++) {
      for (int j = 0; j < c.length; j++) {
        for (long k = 0; k < c[i][j]; k++) {
          m.add(i, j);
        }
      }
    }
    return m;
  }

  /**
   * Rebuilds an ECE accumulator with the same bins: each bin gets {@code count} predictions at its
   * mean confidence, {@code round(accuracy · count)} of them correct, which reproduces its count,
   * mean confidence and accuracy exactly, hence the ECE and the diagram.
   *
   * @return an accumulator with {@link ExpectedCalibrationError#DEFAULT_BINS} bins. Never null.
   */
  static ExpectedCalibrationError calibration(List<ReliabilityBin> bins) {
    ExpectedCalibrationError ece = new ExpectedCalibrationError(Math.max(1, bins.size()));
    for (ReliabilityBin b : bins) {
      if (b.count() == 0) {
        continue;
      }
      long correct = Math.round(b.accuracy() * b.count());
      double confidence = Math.max(0, Math.min(1, b.meanConfidence()));
      for (long k = 0; k < b.count(); k++) {
        ece.add(confidence, k < correct);
      }
    }
    return ece;
  }

  static void writeConfusion(EvaluationDetail d, String title, OutputStream out)
      throws IOException {
    ConfusionMatrix m = confusionMatrix(d.confusion());
    int side = Math.max(420, Math.min(4000, 40 * m.size() + 220));
    ChartUtils.writeChartAsPNG(out, ConfusionMatrixHeatmap.chart(title, m), side + 60, side);
  }

  static void writeReliability(EvaluationDetail d, String title, OutputStream out)
      throws IOException {
    JFreeChart chart =
        ReliabilityDiagram.chart(
            title, calibration(d.reliability()), calibration(d.reliabilityUncalibrated()));
    ChartUtils.writeChartAsPNG(out, chart, ReliabilityDiagram.WIDTH, ReliabilityDiagram.HEIGHT);
  }

  /**
   * The operating curve: review share and auto-routed accuracy against the threshold, with a
   * vertical marker at {@code threshold}.
   *
   * @param threshold the chosen threshold, fraction in [0, 1], or NaN for no marker
   */
  static void writeOperatingCurve(
      EvaluationDetail d, String title, double threshold, OutputStream out) throws IOException {
    XYSeries review = new XYSeries("share to review");
    XYSeries accuracy = new XYSeries("accuracy of auto-routed");
    for (OperatingPoint p : d.operatingCurve()) {
      review.add(p.threshold(), p.reviewShare());
      if (!Double.isNaN(p.autoAccuracy())) {
        accuracy.add(p.threshold(), p.autoAccuracy());
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(review);
    data.addSeries(accuracy);
    NumberAxis x = new NumberAxis("review threshold");
    x.setRange(0.5, 0.95);
    NumberAxis y = new NumberAxis("fraction");
    y.setRange(0, 1.02);
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
    lines.setSeriesPaint(0, new Color(0xd6, 0x27, 0x28));
    lines.setSeriesPaint(1, new Color(0x3b, 0x75, 0xaf));
    lines.setSeriesStroke(0, new BasicStroke(2f));
    lines.setSeriesStroke(1, new BasicStroke(2f));
    XYPlot plot = new XYPlot(data, x, y, lines);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    if (!Double.isNaN(threshold)) {
      ValueMarker marker = new ValueMarker(threshold, Color.DARK_GRAY, new BasicStroke(1.5f));
      marker.setLabel(String.format(Locale.ROOT, "%.2f", threshold));
      plot.addDomainMarker(marker);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.writeChartAsPNG(out, chart, CURVE_WIDTH, CURVE_HEIGHT);
  }
}
