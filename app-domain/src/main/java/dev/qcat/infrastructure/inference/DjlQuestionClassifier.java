package dev.qcat.infrastructure.inference;

import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import dev.qcat.domain.model.question.Classification;
import dev.qcat.domain.model.question.NoActiveModelException;
import dev.qcat.domain.service.QuestionClassifier;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one place per server where models live (DESIGN.md §4): holds the model version serving each
 * taxonomy, micro-batches concurrent calls ({@link ServingModel}) and swaps models without failing
 * calls in flight.
 *
 * <p>At start-up it loads every ACTIVE version found in the database (after the schema migration).
 * {@link #serve} loads the new version first, outside any lock, and only then replaces the old one,
 * which answers what it already accepted before it is closed. Model files are read by the first
 * {@link ModelRuntime} bean that supports them; app-inference's Qwen2 engine is the production
 * runtime.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DjlQuestionClassifier implements QuestionClassifier {

  private static final Logger LOG = Logger.getLogger(DjlQuestionClassifier.class.getName());

  /** Tells a caller how to get a model serving. */
  public static final String HOW_TO_LOAD =
      "Register a model version (POST /qcat/api/v1/model-versions, role admin) and activate it"
          + " (POST /qcat/api/v1/model-versions/{id}/activate), or start the server with"
          + " scripts/qcat-server start, which loads QCAT_MODEL_DIR or a tiny random model.";

  private final Map<Long, ServingModel> serving = new ConcurrentHashMap<>();
  private final Map<Long, Object> swapLocks = new ConcurrentHashMap<>();

  /** The model version behind each entry of {@link #serving} (detached; basic fields only). */
  private final Map<Long, ModelVersion> servedVersions = new ConcurrentHashMap<>();

  @Resource private ManagedThreadFactory threads;

  @Inject @Any private Instance<ModelRuntime> runtimes;

  @Inject private ModelVersionRepository modelVersions;

  @Inject
  @ConfigProperty(name = "qcat.inference.max-batch", defaultValue = "16")
  private int maxBatch;

  @Inject
  @ConfigProperty(name = "qcat.inference.batch-window-ms", defaultValue = "5")
  private long batchWindowMillis;

  @Inject
  @ConfigProperty(name = "qcat.inference.top-k", defaultValue = "5")
  private int topK;

  @Inject
  @ConfigProperty(name = "qcat.inference.timeout-seconds", defaultValue = "120")
  private long timeoutSeconds;

  @PostConstruct
  void loadActiveModels() {
    for (ModelVersion v : modelVersions.findAllActive()) {
      try {
        serve(v);
      } catch (ModelLoadException | RuntimeException e) {
        LOG.log(
            Level.SEVERE,
            "ACTIVE model version "
                + v.id()
                + " ("
                + v.baseModelPath()
                + ") could not be loaded; taxonomy "
                + v.taxonomy().name()
                + " answers 503 until one is activated",
            e);
      }
    }
  }

  @PreDestroy
  void release() {
    serving.values().forEach(ServingModel::retire);
    serving.clear();
  }

  @Override
  public List<Classification> classify(Taxonomy taxonomy, List<String> questions)
      throws NoActiveModelException {
    if (questions.isEmpty()) {
      return List.of();
    }
    for (int attempt = 0; attempt < 100; attempt++) {
      ServingModel model = serving.get(taxonomy.id());
      if (model == null) {
        throw new NoActiveModelException(
            "No model is serving taxonomy '" + taxonomy.name() + "'. " + HOW_TO_LOAD);
      }
      model = current(taxonomy, model);
      CompletableFuture<List<Classification>> answer = model.submit(questions);
      if (answer == null) {
        Thread.onSpinWait(); // swapped in the meantime: ask the successor
        continue;
      }
      try {
        return answer.get(timeoutSeconds, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the model", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("classification failed: " + e.getCause(), e.getCause());
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "the model did not answer within " + timeoutSeconds + " s", e);
      }
    }
    throw new IllegalStateException("the model for " + taxonomy.name() + " kept being swapped");
  }

  @Override
  public void serve(ModelVersion version) throws ModelLoadException {
    Taxonomy taxonomy = version.taxonomy();
    ModelSpec spec = checkedSpec(version, taxonomy);
    swapIn(version, taxonomy, spec);
  }

  private static ModelSpec checkedSpec(ModelVersion version, Taxonomy taxonomy)
      throws ModelLoadException {
    try {
      return specOf(version, taxonomy);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          "Model version "
              + version.id()
              + " cannot serve taxonomy "
              + taxonomy.name()
              + ": "
              + e.getMessage());
    }
  }

  /**
   * Loads {@code spec} and makes it serve the taxonomy, unless the model serving it already scores
   * exactly that spec.
   *
   * @return the model serving the taxonomy afterwards. Never null.
   */
  private ServingModel swapIn(ModelVersion version, Taxonomy taxonomy, ModelSpec spec)
      throws ModelLoadException {
    synchronized (swapLocks.computeIfAbsent(taxonomy.id(), id -> new Object())) {
      ServingModel current = serving.get(taxonomy.id());
      if (current != null
          && current.modelVersionId() == version.id()
          && sameScoring(current.spec(), spec)) {
        return current;
      }
      long start = System.nanoTime();
      LoadedModel loaded = ModelRuntime.loadWithFirstSupporting(runtimes, spec);
      ServingModel next =
          new ServingModel(
              spec, version.temperature(), loaded, maxBatch, batchWindowMillis, topK, threads);
      ServingModel previous = serving.put(taxonomy.id(), next);
      servedVersions.put(taxonomy.id(), version);
      if (previous != null) {
        previous.retire();
      }
      LOG.info(
          () ->
              "model version "
                  + version.id()
                  + " serves taxonomy "
                  + taxonomy.name()
                  + " ("
                  + spec.labels().size()
                  + " categories, loaded in "
                  + (System.nanoTime() - start) / 1_000_000
                  + " ms)");
      return next;
    }
  }

  /**
   * The model serving a taxonomy, brought up to date with the taxonomy's categories: after a
   * rename, add, retire, merge or split since it was loaded, the same model version is loaded again
   * with the current labels (and, for categories it was not trained on, the zero-shot prompt), so
   * answers always use the taxonomy's current names.
   */
  private ServingModel current(Taxonomy taxonomy, ServingModel model)
      throws NoActiveModelException {
    ModelVersion version = servedVersions.get(taxonomy.id());
    if (version == null || version.id() != model.modelVersionId()) {
      return model; // being swapped right now: the caller retries with the successor
    }
    ModelSpec wanted;
    try {
      wanted = specOf(version, taxonomy);
    } catch (IllegalArgumentException e) {
      throw new NoActiveModelException(
          "Taxonomy '" + taxonomy.name() + "' has no active category to answer with.");
    }
    if (sameScoring(model.spec(), wanted)) {
      return model;
    }
    try {
      return swapIn(version, taxonomy, wanted);
    } catch (ModelLoadException e) {
      LOG.log(
          Level.WARNING,
          "reloading model version "
              + version.id()
              + " with the changed categories of "
              + taxonomy.name()
              + " failed; it keeps its previous labels",
          e);
      return model;
    }
  }

  private static boolean sameScoring(ModelSpec a, ModelSpec b) {
    return a.labels().equals(b.labels()) && a.instruction().equals(b.instruction());
  }

  @Override
  public OptionalLong servedVersion(long taxonomyId) {
    ServingModel m = serving.get(taxonomyId);
    return m == null ? OptionalLong.empty() : OptionalLong.of(m.modelVersionId());
  }

  /**
   * The labels and prompt a model version scores a taxonomy with: the active categories in creation
   * order; when some of them were added after the model version was created (so it was not trained
   * on them, DESIGN.md §2), the instruction is followed by the list of all active categories with
   * their descriptions ({@link #zeroShotInstruction}) so that the new ones are scored zero-shot.
   *
   * @throws IllegalArgumentException if the taxonomy has no active category
   */
  static ModelSpec specOf(ModelVersion v, Taxonomy t) {
    List<Category> active = t.activeCategories();
    List<ModelSpec.Label> labels =
        active.stream()
            .map((Category c) -> new ModelSpec.Label(c.name(), c.description()))
            .toList();
    boolean zeroShot = active.stream().anyMatch(c -> c.isNewerThan(v.createdAt()));
    return new ModelSpec(
        v.id(),
        v.baseModelPath(),
        v.adapterPath(),
        v.quantization().name(),
        zeroShot ? zeroShotInstruction(t.instruction(), labels) : t.instruction(),
        labels);
  }

  /**
   * The first part of the user turn when some categories are scored zero-shot: the taxonomy's
   * instruction, then {@code "Categories:"} and one line {@code "- name: description"} (or {@code
   * "- name"}) per category; the question follows on the next line (ChatML prompt, DESIGN.md §2).
   *
   * @param instruction the taxonomy's instruction
   * @param labels the categories offered, in order
   * @return the instruction with the category list. Never null.
   */
  public static String zeroShotInstruction(String instruction, List<ModelSpec.Label> labels) {
    StringBuilder sb = new StringBuilder(instruction).append("\nCategories:");
    for (ModelSpec.Label l : labels) {
      sb.append("\n- ").append(l.name());
      l.description().filter(d -> !d.isBlank()).ifPresent(d -> sb.append(": ").append(d.strip()));
    }
    return sb.toString();
  }
}
