package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.evaluation.ModelEvaluation;
import dev.qcat.domain.model.evaluation.ModelEvaluationRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** {@link ModelEvaluationRepository} on JPA. */
@ApplicationScoped
public class JpaModelEvaluationRepository implements ModelEvaluationRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public Optional<ModelEvaluation> find(long id) {
    return Optional.ofNullable(em.find(ModelEvaluation.class, id));
  }

  @Override
  public Optional<ModelEvaluation> findLatest(long modelVersionId) {
    return em.createQuery(
            "select e from ModelEvaluation e join fetch e.modelVersion"
                + " where e.modelVersion.id = :m order by e.createdAt desc, e.id desc",
            ModelEvaluation.class)
        .setParameter("m", modelVersionId)
        .setMaxResults(1)
        .getResultStream()
        .findFirst();
  }

  @Override
  public List<ModelEvaluation> findByModelVersion(long modelVersionId) {
    return em.createQuery(
            "select e from ModelEvaluation e join fetch e.modelVersion"
                + " where e.modelVersion.id = :m order by e.createdAt desc, e.id desc",
            ModelEvaluation.class)
        .setParameter("m", modelVersionId)
        .getResultList();
  }

  @Override
  public void store(ModelEvaluation evaluation) {
    em.persist(evaluation);
  }
}
