package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.question.Prediction;
import dev.qcat.domain.model.question.PredictionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;

/** {@link PredictionRepository} on JPA. */
@ApplicationScoped
public class JpaPredictionRepository implements PredictionRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public Optional<Prediction> find(long id) {
    return Optional.ofNullable(em.find(Prediction.class, id));
  }

  @Override
  public void store(Prediction prediction) {
    em.persist(prediction);
  }

  @Override
  public long countSince(java.time.OffsetDateTime since) {
    return em.createQuery(
            "select count(p) from Prediction p where p.createdAt >= :since", Long.class)
        .setParameter("since", since)
        .getSingleResult();
  }

  @Override
  public java.util.List<Prediction> findWithOpenReview(long taxonomyId) {
    return em.createQuery(
            "select r.prediction from ReviewTask r where r.taxonomy.id = :t"
                + " and r.status <> dev.qcat.domain.model.review.ReviewStatus.RESOLVED",
            Prediction.class)
        .setParameter("t", taxonomyId)
        .getResultList();
  }
}
