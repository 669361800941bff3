package dev.qcat.domain.model.dataset;

import dev.qcat.domain.model.category.Category;
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
 * One labelled question of a {@link Dataset}. An admin can correct it (text, category, split) or
 * delete it on the datasets page; a merge of categories relabels it in bulk.
 */
@Entity
@Table(name = "example")
public class Example {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "dataset_id")
  private Dataset dataset;

  @Column(nullable = false)
  private String text;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "category_id")
  private Category category;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private ExampleSource source;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private Split split;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  @Column(name = "updated_at")
  private OffsetDateTime updatedAt;

  protected Example() {}

  public Example(
      Dataset dataset, String text, Category category, ExampleSource source, Split split) {
    this.dataset = Objects.requireNonNull(dataset, "Dataset is required.");
    this.text = Objects.requireNonNull(text, "Example text is required.");
    this.category = Objects.requireNonNull(category, "Category is required.");
    this.source = Objects.requireNonNull(source, "Source is required.");
    this.split = Objects.requireNonNull(split, "Split is required.");
  }

  /**
   * Corrects the example.
   *
   * @param text the question, not blank
   * @param category an active category of the dataset's taxonomy
   * @throws IllegalArgumentException if the text is blank or the category belongs to another
   *     taxonomy
   */
  public void edit(String text, Category category, Split split) {
    Objects.requireNonNull(text, "Example text is required.");
    if (text.isBlank()) {
      throw new IllegalArgumentException("Example text must not be blank.");
    }
    Objects.requireNonNull(category, "Category is required.");
    if (category.taxonomy() != dataset.taxonomy()
        && !java.util.Objects.equals(category.taxonomy().id(), dataset.taxonomy().id())) {
      throw new IllegalArgumentException(
          "Category '" + category.name() + "' is not in the dataset's taxonomy");
    }
    this.text = text;
    this.category = category;
    this.split = Objects.requireNonNull(split, "Split is required.");
    this.updatedAt = OffsetDateTime.now();
  }

  public Long id() {
    return id;
  }

  public Dataset dataset() {
    return dataset;
  }

  public String text() {
    return text;
  }

  public Category category() {
    return category;
  }

  public ExampleSource source() {
    return source;
  }

  public Split split() {
    return split;
  }
}
