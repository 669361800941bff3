package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.modelversion.ModelVersion;
import dev.qcat.domain.model.modelversion.ModelVersionRepository;
import dev.qcat.domain.model.modelversion.ModelVersionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** {@link ModelVersionRepository} on JPA. */
@ApplicationScoped
public class JpaModelVersionRepository implements ModelVersionRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public Optional<ModelVersion> find(long id) {
    return Optional.ofNullable(em.find(ModelVersion.class, id));
  }

  @Override
  public Optional<ModelVersion> findActive(long taxonomyId) {
    return em.createQuery(
            "select m from ModelVersion m where m.taxonomy.id = :t and m.status = :s",
            ModelVersion.class)
        .setParameter("t", taxonomyId)
        .setParameter("s", ModelVersionStatus.ACTIVE)
        .getResultStream()
        .findFirst();
  }

  @Override
  public List<ModelVersion> findAllActive() {
    return em.createQuery(
            "select m from ModelVersion m join fetch m.taxonomy where m.status = :s",
            ModelVersion.class)
        .setParameter("s", ModelVersionStatus.ACTIVE)
        .getResultList();
  }

  @Override
  public List<ModelVersion> findByTaxonomy(long taxonomyId) {
    return em.createQuery(
            "select m from ModelVersion m where m.taxonomy.id = :t order by m.id desc",
            ModelVersion.class)
        .setParameter("t", taxonomyId)
        .getResultList();
  }

  @Override
  public void store(ModelVersion modelVersion) {
    if (modelVersion.id() == null) {
      em.persist(modelVersion);
    }
  }

  @Override
  public void flush() {
    em.flush();
  }
}
