package dev.qcat.inference.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.scoring.ConfusionMatrix;
import dev.qcat.inference.scoring.ExpectedCalibrationError;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  static int distinctColours(BufferedImage img) {
    Set<Integer> c = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        c.add(img.getRGB(x, y));
      }
    }
    return c.size();
  }

  @Test
  void writesReliabilityDiagramPng(@TempDir Path dir) throws IOException {
    TemperatureScalingTest.Synthetic d = TemperatureScalingTest.Synthetic.make(2000, 4, 3.0, 1);
    TemperatureScaling ts = TemperatureScaling.fit(d.scores(), d.labels());
    ExpectedCalibrationError before = TemperatureScaling.eceAccumulator(d.scores(), d.labels(), 1);
    ExpectedCalibrationError after =
        TemperatureScaling.eceAccumulator(d.scores(), d.labels(), ts.temperature());
    Path png = dir.resolve("out/reliability.png");
    ReliabilityDiagram.writePng(png, "validation", after, before);
    byte[] bytes = Files.readAllBytes(png);
    assertEquals((byte) 0x89, bytes[0]);
    assertEquals('P', bytes[1]);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(ReliabilityDiagram.WIDTH, img.getWidth());
    assertEquals(ReliabilityDiagram.HEIGHT, img.getHeight());
    assertTrue(distinctColours(img) > 10, "the image is not blank");
    JFreeChart chart = ReliabilityDiagram.chart("validation", after, before);
    assertTrue(
        chart
            .getTitle()
            .getText()
            .contains(String.format(java.util.Locale.ROOT, "%.4f", after.value())));
  }

  @Test
  void heatmapShadesCellsByRowShare(@TempDir Path dir) throws IOException {
    ConfusionMatrix m = new ConfusionMatrix(List.of("Numeric", "Human", "Location"));
    for (int i = 0; i < 50; i++) {
      m.add(0, 0);
    }
    for (int i = 0; i < 10; i++) {
      m.add(1, 1);
      m.add(1, 2);
    }
    m.add(2, 2);
    Path png = dir.resolve("confusion.png");
    ConfusionMatrixHeatmap.writePng(png, "test", m);
    assertTrue(ImageIO.read(png.toFile()).getWidth() >= 480);

    JFreeChart chart = ConfusionMatrixHeatmap.chart("test", m);
    ChartRenderingInfo info = new ChartRenderingInfo();
    BufferedImage img = chart.createBufferedImage(600, 540, info);
    XYPlot plot = chart.getXYPlot();
    Rectangle2D area = info.getPlotInfo().getDataArea();
    // true 0 / predicted 0 (share 1) sits at x=0, y=2; true 0 / predicted 1 (share 0) at x=1, y=2;
    // true 1 / predicted 2 (share 0.5) at x=2, y=1. Sample a little off the centre, clear of text.
    Color full = pixel(img, plot, area, 0, 2);
    Color empty = pixel(img, plot, area, 1, 2);
    Color half = pixel(img, plot, area, 2, 1);
    assertEquals(new ConfusionMatrixHeatmap.BluePaintScale().getPaint(1.0), full);
    assertEquals(Color.WHITE, empty);
    assertEquals(new ConfusionMatrixHeatmap.BluePaintScale().getPaint(0.5), half);
  }

  private static Color pixel(BufferedImage img, XYPlot plot, Rectangle2D area, double x, double y) {
    double px = plot.getDomainAxis().valueToJava2D(x + 0.35, area, RectangleEdge.BOTTOM);
    double py = plot.getRangeAxis().valueToJava2D(y + 0.35, area, RectangleEdge.LEFT);
    return new Color(img.getRGB((int) px, (int) py));
  }
}
