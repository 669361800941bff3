package dev.qcat.domain.model.dataset;

import dev.qcat.domain.model.category.Taxonomy;
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
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A named collection of labelled examples for one taxonomy.
 *
 * <p>Life cycle: created empty by an admin (kind SEED) and filled by imports, or created on demand
 * as the taxonomy's FEEDBACK dataset the first time a review is resolved. Examples are stored as
 * separate rows ({@link Example}) and are only ever added; the dataset is then used to train and
 * evaluate model versions.
 */
@Entity
@Table(name = "dataset")
public class Dataset {

  /** Name of the feedback dataset created for each taxonomy. */
  public static final String FEEDBACK_NAME = "feedback";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "taxonomy_id")
  private Taxonomy taxonomy;

  @Column(nullable = false)
  private String name;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private DatasetKind kind;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  protected Dataset() {}

  public Dataset(Taxonomy taxonomy, String name, DatasetKind kind) {
    this.taxonomy = Objects.requireNonNull(taxonomy, "Taxonomy is required.");
    this.name = Objects.requireNonNull(name, "Dataset name is required.");
    this.kind = Objects.requireNonNull(kind, "Dataset kind is required.");
  }

  public Long id() {
    return id;
  }

  public Taxonomy taxonomy() {
    return taxonomy;
  }

  public String name() {
    return name;
  }

  public DatasetKind kind() {
    return kind;
  }

  public OffsetDateTime createdAt() {
    return createdAt;
  }
}
