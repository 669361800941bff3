package dev.qcat.domain.model.category;

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
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One category of a {@link Taxonomy}: the label the model answers (its exact token sequence is
 * scored, DESIGN.md §2), an optional description for zero-shot prompts, an optional parent for
 * hierarchies, and an optional review threshold overriding the taxonomy's.
 */
@Entity
@Table(name = "category")
public class Category {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "taxonomy_id")
  private Taxonomy taxonomy;

  @Column(nullable = false)
  private String name;

  private String description;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "parent_id")
  private Category parent;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private CategoryStatus status = CategoryStatus.ACTIVE;

  @Column(name = "review_threshold")
  private Double reviewThreshold;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  protected Category() {}

  Category(Taxonomy taxonomy, String name, String description, Category parent) {
    this.taxonomy = taxonomy;
    this.name = Objects.requireNonNull(name, "Category name is required.");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Category name must not be blank.");
    }
    this.description = description;
    this.parent = parent;
  }

  /** Renames in place: examples, predictions and reviews keep pointing at this category. */
  void rename(String newName) {
    Objects.requireNonNull(newName, "Category name is required.");
    if (newName.isBlank()) {
      throw new IllegalArgumentException("Category name must not be blank.");
    }
    this.name = newName;
  }

  /** Moves under another parent (null: top level). */
  void moveTo(Category newParent) {
    this.parent = newParent;
  }

  /** Stops offering this category; history keeps pointing at it. */
  public void retire() {
    status = CategoryStatus.RETIRED;
  }

  /** Sets (or clears, with null) this category's own review threshold, fraction in [0, 1]. */
  public void changeReviewThreshold(Double threshold) {
    this.reviewThreshold =
        threshold == null ? null : Taxonomy.fraction(threshold, "category reviewThreshold");
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

  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  public Optional<Category> parent() {
    return Optional.ofNullable(parent);
  }

  public CategoryStatus status() {
    return status;
  }

  /**
   * @return when this category joined its taxonomy (UTC offset as stored)
   */
  public OffsetDateTime createdAt() {
    return createdAt;
  }

  /**
   * Whether a model version created at {@code modelCreatedAt} cannot have been trained on this
   * category, so that it must score it zero-shot (DESIGN.md §2).
   *
   * @param modelCreatedAt creation time of the model version
   * @return true if this category was added after it
   */
  public boolean isNewerThan(OffsetDateTime modelCreatedAt) {
    return createdAt.isAfter(modelCreatedAt);
  }

  public OptionalDouble reviewThreshold() {
    return reviewThreshold == null ? OptionalDouble.empty() : OptionalDouble.of(reviewThreshold);
  }
}
