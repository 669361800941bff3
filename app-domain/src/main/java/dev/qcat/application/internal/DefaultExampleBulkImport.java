package dev.qcat.application.internal;

import dev.qcat.application.ExampleBulkImport;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.CategoryStatus;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import dev.qcat.domain.model.dataset.Dataset;
import dev.qcat.domain.model.dataset.DatasetRepository;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hibernate.Session;

/** {@link ExampleBulkImport}: categories through the aggregate, rows through a JDBC batch. */
@Stateless
public class DefaultExampleBulkImport implements ExampleBulkImport {

  @Inject private DatasetRepository datasets;
  @Inject private TaxonomyRepository taxonomies;
  @PersistenceContext private EntityManager em;

  @Override
  public Target target(long datasetId) throws NotFoundException {
    Dataset d = dataset(datasetId);
    Taxonomy t = d.taxonomy();
    return new Target(
        datasetId,
        t.id(),
        t.name(),
        names(t, CategoryStatus.ACTIVE),
        names(t, CategoryStatus.RETIRED));
  }

  private static Set<String> names(Taxonomy t, CategoryStatus status) {
    return t.categories().stream()
        .filter(c -> c.status() == status)
        .map(Category::name)
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public int insert(long datasetId, List<NewExample> examples, boolean createCategories)
      throws NotFoundException {
    if (examples.isEmpty()) {
      return 0;
    }
    Dataset d = dataset(datasetId);
    Taxonomy t = d.taxonomy();
    Map<String, Long> ids = new HashMap<>();
    boolean added = false;
    for (NewExample e : examples) {
      if (ids.containsKey(e.category())) {
        continue;
      }
      Optional<Category> c = t.category(e.category());
      if (c.isPresent() && c.get().status() != CategoryStatus.ACTIVE) {
        throw new IllegalArgumentException(
            "line " + e.lineNo() + ": category '" + e.category() + "' is retired");
      }
      if (c.isEmpty()) {
        if (!createCategories) {
          throw new IllegalArgumentException(
              "line " + e.lineNo() + ": unknown category '" + e.category() + "'");
        }
        c = Optional.of(t.addCategory(e.category(), null, null));
        added = true;
      }
      ids.put(e.category(), -1L);
    }
    if (added) {
      taxonomies.store(t);
      em.flush();
    }
    for (String name : ids.keySet()) {
      ids.put(name, t.category(name).orElseThrow().id());
    }
    em.unwrap(Session.class)
        .doWork(
            connection -> {
              try (PreparedStatement ps =
                  connection.prepareStatement(
                      "insert into example (dataset_id, text, category_id, source, split)"
                          + " values (?, ?, ?, 'IMPORT', ?)")) {
                for (NewExample e : examples) {
                  ps.setLong(1, datasetId);
                  ps.setString(2, e.text());
                  ps.setLong(3, ids.get(e.category()));
                  ps.setString(4, e.split().name());
                  ps.addBatch();
                }
                ps.executeBatch();
              }
            });
    return examples.size();
  }

  private Dataset dataset(long id) throws NotFoundException {
    return datasets.find(id).orElseThrow(() -> new NotFoundException("Dataset", id));
  }
}
