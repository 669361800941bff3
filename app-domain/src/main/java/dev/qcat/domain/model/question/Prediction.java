package dev.qcat.domain.model.question;

import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.modelversion.ModelVersion;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.io.StringReader;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One answered classification, kept for every question: the question, the chosen category with its
 * calibrated confidence, the top-k, the model version that answered, the latency and the routing.
 *
 * <p>Life cycle: created by the categorization service right after the classifier answers; a
 * reviewer's answer goes to the {@code ReviewTask}, not here, so the model's answer stays available
 * for accuracy estimates. The one change: while its review is open, a rename or merge of a category
 * restates the answer in the taxonomy's new names ({@link #carryOver}), so the reviewer is offered
 * categories that exist. {@code zeroShot} records that the chosen category was not trained on by
 * the answering model version and was scored from its name and description in the prompt (DESIGN.md
 * §2).
 */
@Entity
@Table(name = "prediction")
public class Prediction {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(nullable = false)
  private String question;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "taxonomy_id")
  private Taxonomy taxonomy;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "category_id")
  private Category category;

  @Column(nullable = false)
  private double confidence;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "top_k", nullable = false)
  private String topK;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "model_version_id")
  private ModelVersion modelVersion;

  @Column(name = "latency_ms", nullable = false)
  private int latencyMs;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private Routing routing;

  private String client;

  @Column(name = "zero_shot", nullable = false)
  private boolean zeroShot;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  protected Prediction() {}

  /**
   * @param confidence calibrated confidence of {@code category}, fraction in [0, 1]
   * @param topK categories by falling confidence, the first one being {@code category}
   * @param latencyMs wall time from request to answer, milliseconds
   * @param client the caller's name (user or API client), or null
   */
  public Prediction(
      String question,
      Taxonomy taxonomy,
      Category category,
      double confidence,
      List<ScoredCategory> topK,
      ModelVersion modelVersion,
      int latencyMs,
      Routing routing,
      String client) {
    this.question = Objects.requireNonNull(question, "Question is required.");
    this.taxonomy = Objects.requireNonNull(taxonomy, "Taxonomy is required.");
    this.category = Objects.requireNonNull(category, "Category is required.");
    this.confidence = confidence;
    this.topK = toJson(topK);
    this.modelVersion = Objects.requireNonNull(modelVersion, "Model version is required.");
    this.latencyMs = Math.max(0, latencyMs);
    this.routing = Objects.requireNonNull(routing, "Routing is required.");
    this.client = client;
  }

  /**
   * Marks the chosen category as scored zero-shot: added to the taxonomy after the answering model
   * version was created, so only its name and description in the prompt told the model about it.
   */
  public void markZeroShot() {
    this.zeroShot = true;
  }

  /**
   * Restates this answer after category {@code from} was renamed to, or merged into, {@code to}:
   * the top-k entries of both become one entry named {@code to} whose confidence is their sum (the
   * two categories are one now), and the chosen category follows.
   *
   * @param fromName the name {@code from} had when this prediction was made (before a rename)
   * @return true if this prediction mentioned {@code from} and was changed
   */
  public boolean carryOver(String fromName, Category from, Category to) {
    List<ScoredCategory> k = topK();
    boolean mentioned = k.stream().anyMatch(s -> s.category().equals(fromName));
    if (!mentioned && category != from) {
      return false;
    }
    double merged = 0;
    List<ScoredCategory> rest = new java.util.ArrayList<>();
    for (ScoredCategory s : k) {
      if (s.category().equals(fromName) || s.category().equals(to.name())) {
        merged += s.confidence();
      } else {
        rest.add(s);
      }
    }
    merged = Math.min(1, merged);
    rest.add(new ScoredCategory(to.name(), merged));
    rest.sort(java.util.Comparator.comparingDouble(ScoredCategory::confidence).reversed());
    this.topK = toJson(rest);
    if (category == from || category == to) {
      category = to;
      confidence = merged;
    }
    return true;
  }

  static String toJson(List<ScoredCategory> topK) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    for (ScoredCategory s : topK) {
      a.add(
          Json.createObjectBuilder()
              .add("category", s.category())
              .add("confidence", s.confidence()));
    }
    return a.build().toString();
  }

  static List<ScoredCategory> fromJson(String json) {
    try (var r = Json.createReader(new StringReader(json))) {
      JsonArray a = r.readArray();
      return a.getValuesAs(JsonObject.class).stream()
          .map(
              o ->
                  new ScoredCategory(
                      o.getString("category"), o.getJsonNumber("confidence").doubleValue()))
          .toList();
    }
  }

  public Long id() {
    return id;
  }

  public String question() {
    return question;
  }

  public Taxonomy taxonomy() {
    return taxonomy;
  }

  public Category category() {
    return category;
  }

  public double confidence() {
    return confidence;
  }

  /**
   * @return categories by falling confidence. Never null.
   */
  public List<ScoredCategory> topK() {
    return fromJson(topK);
  }

  public ModelVersion modelVersion() {
    return modelVersion;
  }

  public int latencyMs() {
    return latencyMs;
  }

  public Routing routing() {
    return routing;
  }

  public Optional<String> client() {
    return Optional.ofNullable(client);
  }

  /**
   * @return true if the chosen category was scored zero-shot (see {@link #markZeroShot})
   */
  public boolean zeroShot() {
    return zeroShot;
  }

  public OffsetDateTime createdAt() {
    return createdAt;
  }
}
