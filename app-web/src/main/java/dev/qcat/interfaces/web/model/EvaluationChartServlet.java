package dev.qcat.interfaces.web.model;

import dev.qcat.application.EvaluationService;
import dev.qcat.application.EvaluationService.EvaluationDetail;
import dev.qcat.application.NotFoundException;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams an evaluation's charts as PNG (admin only: under {@code /portal/admin/}, web.xml):
 *
 * <ul>
 *   <li>{@code GET /portal/admin/charts/{evaluationId}/confusion.png}: confusion-matrix heat map
 *   <li>{@code GET /portal/admin/charts/{evaluationId}/reliability.png}: reliability diagram,
 *       calibrated bars and uncalibrated points
 *   <li>{@code GET /portal/admin/charts/{evaluationId}/operating.png?threshold=0.75}: operating
 *       curve with a marker at the threshold (fraction in [0, 1]; optional)
 * </ul>
 *
 * Unknown evaluations answer 404, unknown chart names or a bad threshold 400. Evaluations never
 * change, so the images may be cached privately.
 */
@WebServlet("/portal/admin/charts/*")
public class EvaluationChartServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private static final Pattern PATH =
      Pattern.compile("/(\\d{1,18})/(confusion|reliability|operating)\\.png");

  @EJB private EvaluationService evaluations;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getPathInfo();
    Matcher m = PATH.matcher(path == null ? "" : path);
    if (!m.matches()) {
      response.sendError(
          HttpServletResponse.SC_NOT_FOUND,
          "expected /{evaluationId}/(confusion|reliability|operating).png");
      return;
    }
    long id = Long.parseLong(m.group(1));
    double threshold = Double.NaN;
    String t = request.getParameter("threshold");
    if (t != null && !t.isBlank()) {
      try {
        threshold = Double.parseDouble(t);
      } catch (NumberFormatException e) {
        threshold = Double.NaN;
      }
      if (!(threshold >= 0 && threshold <= 1)) {
        response.sendError(
            HttpServletResponse.SC_BAD_REQUEST, "threshold is '" + t + "'; expected 0 to 1");
        return;
      }
    }
    EvaluationDetail d;
    try {
      d = evaluations.detail(id);
    } catch (NotFoundException e) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND, e.getMessage());
      return;
    }
    String title =
        d.summary().modelVersionName()
            + " on "
            + d.summary().datasetName()
            + "/"
            + d.summary().split().toLowerCase(java.util.Locale.ROOT);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    switch (m.group(2)) {
      case "confusion" -> EvaluationCharts.writeConfusion(d, title, png);
      case "reliability" -> EvaluationCharts.writeReliability(d, title, png);
      default -> EvaluationCharts.writeOperatingCurve(d, title, threshold, png);
    }
    response.setContentType("image/png");
    response.setHeader("Cache-Control", "private, max-age=3600");
    response.setContentLength(png.size());
    png.writeTo(response.getOutputStream());
  }
}
