package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.review.ReviewStatus;
import dev.qcat.domain.model.review.ReviewTask;
import dev.qcat.domain.model.review.ReviewTaskRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.util.List;
import java.util.Optional;

/** {@link ReviewTaskRepository} on JPA. */
@ApplicationScoped
public class JpaReviewTaskRepository implements ReviewTaskRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public Optional<ReviewTask> find(long id) {
    return Optional.ofNullable(em.find(ReviewTask.class, id));
  }

  @Override
  public Optional<ReviewTask> findByPrediction(long predictionId) {
    return em.createQuery("select r from ReviewTask r where r.prediction.id = :p", ReviewTask.class)
        .setParameter("p", predictionId)
        .getResultStream()
        .findFirst();
  }

  @Override
  public List<ReviewTask> list(
      ReviewStatus status, Long taxonomyId, Order order, int first, int max) {
    String orderBy =
        switch (order) {
          case CONFIDENCE_ASC -> "r.confidence asc, r.id asc";
          case CONFIDENCE_DESC -> "r.confidence desc, r.id asc";
          case CREATED_ASC -> "r.id asc";
        };
    TypedQuery<ReviewTask> q =
        em.createQuery(
            "select r from ReviewTask r join fetch r.prediction p join fetch p.category"
                + " join fetch r.taxonomy left join fetch r.chosenCategory"
                + " where (:status is null or r.status = :status)"
                + " and (:taxonomy is null or r.taxonomy.id = :taxonomy)"
                + " order by "
                + orderBy,
            ReviewTask.class);
    return q.setParameter("status", status)
        .setParameter("taxonomy", taxonomyId)
        .setFirstResult(first)
        .setMaxResults(max)
        .getResultList();
  }

  @Override
  public long count(ReviewStatus status) {
    return em.createQuery("select count(r) from ReviewTask r where r.status = :s", Long.class)
        .setParameter("s", status)
        .getSingleResult();
  }

  @Override
  public void store(ReviewTask task) {
    if (task.id() == null) {
      em.persist(task);
    }
  }

  @Override
  public void flush() {
    em.flush();
  }
}
