package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.dataset.Dataset;
import dev.qcat.domain.model.dataset.DatasetKind;
import dev.qcat.domain.model.dataset.DatasetRepository;
import dev.qcat.domain.model.dataset.Example;
import dev.qcat.domain.model.dataset.Split;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** {@link DatasetRepository} on JPA. */
@ApplicationScoped
public class JpaDatasetRepository implements DatasetRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public Optional<Dataset> find(long id) {
    return Optional.ofNullable(em.find(Dataset.class, id));
  }

  @Override
  public Optional<Dataset> findFeedback(long taxonomyId) {
    return em.createQuery(
            "select d from Dataset d where d.taxonomy.id = :t and d.kind = :k", Dataset.class)
        .setParameter("t", taxonomyId)
        .setParameter("k", DatasetKind.FEEDBACK)
        .getResultStream()
        .findFirst();
  }

  @Override
  public List<Dataset> findByTaxonomy(long taxonomyId) {
    return em.createQuery(
            "select d from Dataset d where d.taxonomy.id = :t order by d.name", Dataset.class)
        .setParameter("t", taxonomyId)
        .getResultList();
  }

  @Override
  public void store(Dataset dataset) {
    em.persist(dataset);
  }

  @Override
  public void store(Example example) {
    em.persist(example);
  }

  @Override
  public java.util.Map<Long, Long> countExamplesByCategory(long taxonomyId) {
    java.util.Map<Long, Long> counts = new java.util.HashMap<>();
    for (Object[] row :
        em.createQuery(
                "select e.category.id, count(e) from Example e where e.dataset.taxonomy.id = :t"
                    + " group by e.category.id",
                Object[].class)
            .setParameter("t", taxonomyId)
            .getResultList()) {
      counts.put((Long) row[0], (Long) row[1]);
    }
    return counts;
  }

  @Override
  public long countExamples(long datasetId) {
    return em.createQuery("select count(e) from Example e where e.dataset.id = :d", Long.class)
        .setParameter("d", datasetId)
        .getSingleResult();
  }

  @Override
  public List<Example> findExamples(long datasetId, Split split) {
    return em.createQuery(
            "select e from Example e join fetch e.category"
                + " where e.dataset.id = :d and e.split = :s order by e.id",
            Example.class)
        .setParameter("d", datasetId)
        .setParameter("s", split)
        .getResultList();
  }

  @Override
  public List<Example> findExamples(long datasetId, int first, int max) {
    return em.createQuery(
            "select e from Example e join fetch e.category where e.dataset.id = :d order by e.id",
            Example.class)
        .setParameter("d", datasetId)
        .setFirstResult(first)
        .setMaxResults(max)
        .getResultList();
  }
}
