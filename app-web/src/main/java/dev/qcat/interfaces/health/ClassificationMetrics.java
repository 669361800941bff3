package dev.qcat.interfaces.health;

import dev.qcat.application.ReviewService;
import dev.qcat.application.Views.PredictionView;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Application metrics under {@code /metrics?scope=application}: {@code qcat_classification_latency}
 * (histogram, ms), {@code qcat_predictions} (counter per category and routing) and {@code
 * qcat_review_queue_depth} (gauge, OPEN + CLAIMED tasks).
 */
@ApplicationScoped
public class ClassificationMetrics {

  @Inject private MetricRegistry registry;
  @EJB private ReviewService reviews;

  private Histogram latency;

  @PostConstruct
  void register() {
    latency =
        registry.histogram(
            Metadata.builder()
                .withName("qcat_classification_latency")
                .withDescription("Wall time of one classification request, per question")
                .withUnit(MetricUnits.MILLISECONDS)
                .build());
    registry.gauge(
        Metadata.builder()
            .withName("qcat_review_queue_depth")
            .withDescription("Review tasks not yet resolved (OPEN + CLAIMED)")
            .build(),
        this,
        ClassificationMetrics::queueDepth);
  }

  /** Eager start, so the gauge exists before the first classification. */
  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    latency.getCount();
  }

  /** Records one stored prediction. */
  public void record(PredictionView p) {
    latency.update(p.latencyMs());
    registry
        .counter(
            Metadata.builder()
                .withName("qcat_predictions")
                .withDescription("Predictions stored, per category and routing")
                .build(),
            new Tag("category", p.category()),
            new Tag("routing", p.routing()))
        .inc();
  }

  long queueDepth() {
    return reviews.queueDepth();
  }
}
