package dev.qcat.domain.model.category;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A versioned set of categories that questions are sorted into, together with its routing settings.
 *
 * <p>Life cycle: an admin creates a taxonomy (name, version 1) with its categories; categories can
 * be added or retired later, never deleted, because predictions and examples point at them. A model
 * version is trained for exactly one taxonomy. A prediction whose calibrated confidence is below
 * {@link #reviewThreshold()} (or the category's own threshold) goes to review, and a share {@link
 * #auditRate()} of the confident ones too (DESIGN.md §2).
 */
@Entity
@Table(name = "taxonomy")
@NamedQuery(
    name = "Taxonomy.findAll",
    query = "select t from Taxonomy t order by t.name, t.version")
@NamedQuery(
    name = "Taxonomy.findByName",
    query = "select t from Taxonomy t where t.name = :name order by t.version desc")
public class Taxonomy {

  /** The default instruction of the seed format (DESIGN.md §2). */
  public static final String DEFAULT_INSTRUCTION = "Categorize the following user query.";

  /** Default review threshold, fraction in [0, 1] (DESIGN.md §2). */
  public static final double DEFAULT_REVIEW_THRESHOLD = 0.75;

  /** Default audit rate, fraction in [0, 1] (DESIGN.md §2). */
  public static final double DEFAULT_AUDIT_RATE = 0.02;

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(nullable = false)
  private String name;

  @Column(nullable = false)
  private int version = 1;

  @Column(nullable = false)
  private String instruction = DEFAULT_INSTRUCTION;

  @Column(name = "review_threshold", nullable = false)
  private double reviewThreshold = DEFAULT_REVIEW_THRESHOLD;

  @Column(name = "audit_rate", nullable = false)
  private double auditRate = DEFAULT_AUDIT_RATE;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  @OneToMany(mappedBy = "taxonomy", cascade = CascadeType.PERSIST)
  @OrderBy("id")
  private List<Category> categories = new ArrayList<>();

  protected Taxonomy() {}

  /**
   * @param name unique together with the version, e.g. "banking77"
   * @param version ≥ 1
   */
  public Taxonomy(String name, int version) {
    this.name = Objects.requireNonNull(name, "Taxonomy name is required.");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Taxonomy name must not be blank.");
    }
    if (version < 1) {
      throw new IllegalArgumentException("Taxonomy version must be ≥ 1 but was " + version);
    }
    this.version = version;
  }

  /**
   * Adds a category; the name must be unique within the taxonomy.
   *
   * @return the new category. Never null.
   * @throws IllegalArgumentException if a category with that name exists
   */
  public Category addCategory(String name, String description, Category parent) {
    if (category(name).isPresent()) {
      throw new IllegalArgumentException(
          "Category '" + name + "' already exists in taxonomy " + this.name);
    }
    Category c = new Category(this, name, description, parent);
    categories.add(c);
    return c;
  }

  /**
   * @return the category with that exact name, active or retired
   */
  public Optional<Category> category(String name) {
    return categories.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * @return the categories offered to the model and to reviewers, in creation order. Never null.
   */
  public List<Category> activeCategories() {
    return categories.stream().filter(c -> c.status() == CategoryStatus.ACTIVE).toList();
  }

  /**
   * @return every category, retired ones included. Never null.
   */
  public List<Category> categories() {
    return Collections.unmodifiableList(categories);
  }

  /**
   * Renames a category in place, so its examples and open reviews carry over.
   *
   * @throws IllegalArgumentException if there is no such category or the new name is taken
   */
  public Category renameCategory(String name, String newName) {
    Category c = existing(name);
    if (!name.equals(newName) && category(newName).isPresent()) {
      throw new IllegalArgumentException(
          "Category '" + newName + "' already exists in taxonomy " + this.name);
    }
    c.rename(newName);
    return c;
  }

  /**
   * Moves a category under another (null: top level).
   *
   * @throws IllegalArgumentException if either is missing or the move would make a cycle
   */
  public Category moveCategory(String name, String newParent) {
    Category c = existing(name);
    Category parent = newParent == null ? null : existing(newParent);
    for (Category p = parent; p != null; p = p.parent().orElse(null)) {
      if (p == c) {
        throw new IllegalArgumentException(
            "Cannot move '" + name + "' under '" + newParent + "': that is inside it");
      }
    }
    c.moveTo(parent);
    return c;
  }

  /**
   * Retires a category: no longer offered to the model or reviewers; history keeps it.
   *
   * @throws IllegalArgumentException if there is no such category
   */
  public Category retireCategory(String name) {
    Category c = existing(name);
    c.retire();
    return c;
  }

  /**
   * Merges {@code source} into {@code target}: the source is retired and its sub-categories move
   * under the target. Moving the source's examples and open reviews to the target is the
   * application's job (they are other aggregates).
   *
   * @return the target. Never null.
   * @throws IllegalArgumentException if either is missing, they are the same, either is retired, or
   *     the target lies inside the source
   */
  public Category mergeCategory(String source, String target) {
    Category from = existing(source);
    Category to = existing(target);
    if (from == to) {
      throw new IllegalArgumentException("Cannot merge '" + source + "' into itself");
    }
    for (Category c : List.of(from, to)) {
      if (c.status() != CategoryStatus.ACTIVE) {
        throw new IllegalArgumentException("'" + c.name() + "' is retired");
      }
    }
    for (Category p = to.parent().orElse(null); p != null; p = p.parent().orElse(null)) {
      if (p == from) {
        throw new IllegalArgumentException(
            "Cannot merge '" + source + "' into '" + target + "': the target is inside it");
      }
    }
    for (Category child : categories) {
      if (child.parent().orElse(null) == from) {
        child.moveTo(to);
      }
    }
    from.retire();
    return to;
  }

  /**
   * One category a split makes.
   *
   * @param name a name not yet used in the taxonomy
   * @param description optional description (zero-shot prompts), or null
   */
  public record SplitPart(String name, String description) {}

  /**
   * Splits a category into two or more new ones under the same parent; the original is retired. Its
   * examples keep pointing at it until they are relabelled (the application says so), and its
   * sub-categories stay under it.
   *
   * @param parts the new categories, at least 2, names distinct and new
   * @return the new categories, in the order given. Never null.
   * @throws IllegalArgumentException if the category is missing or retired, fewer than 2 parts are
   *     given, or a part's name is blank, repeated or taken
   */
  public List<Category> splitCategory(String name, List<SplitPart> parts) {
    Category original = existing(name);
    if (original.status() != CategoryStatus.ACTIVE) {
      throw new IllegalArgumentException("'" + name + "' is retired");
    }
    if (parts == null || parts.size() < 2) {
      throw new IllegalArgumentException(
          "A split needs at least 2 new categories but got " + (parts == null ? 0 : parts.size()));
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (SplitPart p : parts) {
      if (p.name() == null || p.name().isBlank()) {
        throw new IllegalArgumentException("Category name must not be blank.");
      }
      if (!seen.add(p.name()) || category(p.name()).isPresent()) {
        throw new IllegalArgumentException(
            "Category '" + p.name() + "' already exists in taxonomy " + this.name);
      }
    }
    List<Category> made = new ArrayList<>();
    for (SplitPart p : parts) {
      made.add(addCategory(p.name(), p.description(), original.parent().orElse(null)));
    }
    original.retire();
    return made;
  }

  /**
   * Records a change of the categories as a new version number of this taxonomy.
   *
   * @param nextVersion greater than every version of this taxonomy's name
   */
  public void revise(int nextVersion) {
    if (nextVersion <= version) {
      throw new IllegalArgumentException(
          "next version must be > " + version + " but was " + nextVersion);
    }
    this.version = nextVersion;
  }

  private Category existing(String name) {
    return category(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "'" + name + "' is not a category of taxonomy " + this.name));
  }

  /** Changes the routing settings, fractions in [0, 1]. */
  public void changeRouting(double reviewThreshold, double auditRate) {
    this.reviewThreshold = fraction(reviewThreshold, "reviewThreshold");
    this.auditRate = fraction(auditRate, "auditRate");
  }

  /** Changes the instruction that starts the user turn of the prompt. */
  public void changeInstruction(String instruction) {
    this.instruction = Objects.requireNonNull(instruction, "Instruction is required.");
  }

  static double fraction(double value, String what) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1] but was " + value);
    }
    return value;
  }

  public Long id() {
    return id;
  }

  public String name() {
    return name;
  }

  public int version() {
    return version;
  }

  public String instruction() {
    return instruction;
  }

  /**
   * @return confidence below which a prediction goes to review, fraction in [0, 1]
   */
  public double reviewThreshold() {
    return reviewThreshold;
  }

  /**
   * @return share of confident predictions also sent to review, fraction in [0, 1]
   */
  public double auditRate() {
    return auditRate;
  }

  public OffsetDateTime createdAt() {
    return createdAt;
  }
}
